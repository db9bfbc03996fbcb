import GRDB

/// What the disaster sweep asks the ledger, for the households of the struck villages only: point lookups
/// by household on the ledger's indexes, never a scan of a province's cases or alerts.
extension Ledger {
    /// household → case state, for those of `households` that have a case.
    public func caseStates(of households: [String]) throws -> [String: CaseState] {
        try reading { db in
            let st = try db.makeStatement(sql: "SELECT state FROM cases WHERE household_id = ?")
            var out: [String: CaseState] = [:]
            for h in households {
                if let s = try String.fetchOne(st, arguments: [h]), let c = CaseState(rawValue: s) { out[h] = c }
            }
            return out
        }
    }

    /// household → the level of its alert in the latest month that has one (yellow alerts included: the
    /// ledger keeps every alert), for those of `households` with any alert.
    ///
    /// The latest month is found through `alert_ids` (indexed by household; `last_month` only grows),
    /// then the alert of that month through the alerts' (month, household) key. A rerun of that month may
    /// have dropped the household's alert: then the earlier months are tried, latest first.
    public func latestAlertLevels(of households: [String]) throws -> [String: AlertLevel] {
        try reading { db in
            let lastMonth = try db.makeStatement(sql: "SELECT max(last_month) FROM alert_ids WHERE household_id = ?")
            let levelIn = try db.makeStatement(sql: "SELECT level FROM alerts WHERE month = ? AND household_id = ?")
            var months: [String]?   // every month with alerts, latest first; made only if needed
            func allMonths() throws -> [String] {
                var out: [String] = []
                var m = try String.fetchOne(db, sql: "SELECT max(month) FROM alerts")
                while let v = m {
                    out.append(v)
                    m = try String.fetchOne(db, sql: "SELECT max(month) FROM alerts WHERE month < ?", arguments: [v])
                }
                return out
            }
            var out: [String: AlertLevel] = [:]
            for h in households {
                guard let top = try String.fetchOne(lastMonth, arguments: [h]) else { continue }
                if let l = try String.fetchOne(levelIn, arguments: [top, h]) {
                    out[h] = AlertLevel(rawValue: l)
                    continue
                }
                if months == nil { months = try allMonths() }
                for m in months! where m < top {
                    if let l = try String.fetchOne(levelIn, arguments: [m, h]) {
                        out[h] = AlertLevel(rawValue: l)
                        break
                    }
                }
            }
            return out
        }
    }
}
