/// What the disaster sweep asks the ledger, for the households of the struck villages only: point lookups
/// by household on the ledger's indexes, never a scan of a province's cases or alerts.
extension Ledger {
    /// Households asked about in one statement (`household_id IN (…)`: one index lookup each, one statement
    /// for many of them; SQLite takes at least 999 parameters).
    static let sweepChunk = 400

    private static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }

    /// `body` on `households`, `sweepChunk` of them at a time.
    private static func inChunks(_ households: [String], _ body: ([String]) throws -> Void) rethrows {
        var from = 0
        while from < households.count {
            let chunk = Array(households[from..<min(from + sweepChunk, households.count)])
            from += chunk.count
            try body(chunk)
        }
    }

    /// household → case state, for those of `households` that have a case.
    public func caseStates(of households: [String]) throws -> [String: CaseState] {
        try reading { db in
            var out: [String: CaseState] = [:]
            try Ledger.inChunks(households) { chunk in
                let rows = try db.rows(
                    "SELECT household_id, state FROM cases WHERE household_id IN (\(Ledger.placeholders(chunk.count)))",
                    chunk.map { .text($0) })
                for row in rows {
                    if let c = CaseState(rawValue: row.text(1)) { out[row.text(0)] = c }
                }
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
    public func latestAlertLevels(of households: [String]) throws -> [String: Level] {
        try reading { db in
            // the latest month of each household's alert ids
            var top: [String: String] = [:]
            try Ledger.inChunks(households) { chunk in
                let rows = try db.rows(
                    "SELECT household_id, max(last_month) FROM alert_ids WHERE household_id IN (\(Ledger.placeholders(chunk.count))) GROUP BY household_id",
                    chunk.map { .text($0) })
                for row in rows { if let m = row.optional(1) { top[row.text(0)] = m } }
            }
            // the alert of that month, month by month
            var out: [String: Level] = [:]
            var byMonth: [String: [String]] = [:]
            for (h, m) in top { byMonth[m, default: []].append(h) }
            for (m, hs) in byMonth {
                try Ledger.inChunks(hs.sorted()) { chunk in
                    let rows = try db.rows(
                        "SELECT household_id, level FROM alerts WHERE month = ? AND household_id IN (\(Ledger.placeholders(chunk.count)))",
                        ([m] + chunk).map { .text($0) })
                    for row in rows { if let l = Level(rawValue: row.text(1)) { out[row.text(0)] = l } }
                }
            }
            // a rerun dropped the alert of the latest month: the earlier months, latest first (rare)
            let missing = top.keys.filter { out[$0] == nil }.sorted()
            if !missing.isEmpty {
                var months: [String] = []
                let inScope = scope()
                var m = try db.text("SELECT max(month) FROM alerts WHERE 1=1" + inScope)
                while let v = m {
                    months.append(v)
                    m = try db.text("SELECT max(month) FROM alerts WHERE month < ?" + inScope, [.text(v)])
                }
                for h in missing {
                    for m in months where m < top[h]! {
                        if let l = try db.text(
                            "SELECT level FROM alerts WHERE month = ? AND household_id = ?", [.text(m), .text(h)])
                        {
                            out[h] = Level(rawValue: l)
                            break
                        }
                    }
                }
            }
            return out
        }
    }
}
