import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Ledger {
    // MARK: - Reading

    /// One read transaction, for queries kept beside the feature that asks them (Sweep/Ledger+Sweep.swift).
    func reading<T>(_ body: (Database) throws -> T) throws -> T { try dbQueue.read(body) }

    /// household → state, for every case (detect reads it for categories).
    public func caseStates() throws -> [String: CaseState] {
        try dbQueue.read { db in
            var out: [String: CaseState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT household_id, state FROM cases") {
                if let s = CaseState(rawValue: row["state"]) { out[row["household_id"]] = s }
            }
            return out
        }
    }

    /// Cases, optionally of one state and/or town, ordered by town, village, household id.
    public func cases(state: CaseState? = nil, town: String? = nil) throws -> [CaseRow] {
        try dbQueue.read { db in
            var sql = "SELECT * FROM cases WHERE 1"
            var args: [(any DatabaseValueConvertible)?] = []
            if let state {
                sql += " AND state = ?"
                args.append(state.rawValue)
            }
            if let town {
                sql += " AND town = ?"
                args.append(town)
            }
            sql += " ORDER BY town, village, household_id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map {
                LedgerCaseRecord(row: $0).caseRow
            }
        }
    }

    /// One case, or nil.
    public func caseRow(household: String) throws -> CaseRow? {
        try dbQueue.read { db in try LedgerCaseRecord.fetch(db, household)?.caseRow }
    }

    /// A household's history, oldest first.
    public func history(household: String) throws -> [HistoryEntry] {
        try dbQueue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM history WHERE household_id = ? ORDER BY id", arguments: [household]
            ).map { row in
                HistoryEntry(
                    at: row["at"], month: row["month"], event: row["event"],
                    fromState: (row["from_state"] as String?).flatMap(CaseState.init(rawValue:)),
                    toState: (row["to_state"] as String?).flatMap(CaseState.init(rawValue:)),
                    actor: row["actor"], detail: row["detail"])
            }
        }
    }

    /// Cases by state; every state present (0 when none).
    public func countsByState() throws -> [CaseState: Int] {
        try dbQueue.read { db in
            var out = Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM cases GROUP BY state") {
                if let s = CaseState(rawValue: row["state"]) { out[s] = row["n"] }
            }
            return out
        }
    }

    /// The household an alert id was emitted for, or nil if the ledger never emitted it.
    public func alertHousehold(_ alertId: String) throws -> String? {
        try dbQueue.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT household_id FROM alert_ids WHERE alert_id = ?"), arguments: [alertId])
        }
    }

    /// Each household's evaluations up to `month`, newest first, at most `limit` of them (the §7 suggestion
    /// reads them: `EliminationSuggestion`), in one read transaction: a province's monitored cases are many. Each
    /// carries the triggers of the household's alert of that month (the `alerts` row; every household a trigger
    /// fired for has one), for §12's condition on the 三保障 and drinking-water triggers.
    public func recentEvaluations(month: String, households: [String], limit: Int) throws -> [String: [LedgerEvaluation]] {
        try dbQueue.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT e.month, e.at_or_above_line, e.triggered, a.triggers FROM evaluations e
                    LEFT JOIN alerts a ON a.household_id = e.household_id AND a.month = e.month
                    WHERE e.household_id = ? AND e.month <= ? ORDER BY e.month DESC LIMIT ?
                    """)
            var out: [String: [LedgerEvaluation]] = [:]
            for h in households {
                out[h] = try Row.fetchAll(statement, arguments: [h, month, limit]).map {
                    LedgerEvaluation(
                        householdId: h, month: $0["month"], atOrAboveLine: $0["at_or_above_line"],
                        triggered: $0["triggered"], triggers: LedgerJSONList.decode($0["triggers"] as String?))
                }
            }
            return out
        }
    }

    /// Alerts per month and level (as they stand after each month's last run), for the trend chart;
    /// ordered by month, then red, orange, yellow.
    public func alertCountsByMonth() throws -> [(month: String, level: Level, count: Int)] {
        try dbQueue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT month, level, COUNT(*) AS n FROM alerts GROUP BY month, level
                    ORDER BY month, CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END
                    """
            ).compactMap { row in
                guard let level = Level(rawValue: row["level"]) else { return nil }
                return (month: row["month"] as String, level: level, count: row["n"] as Int)
            }
        }
    }
}

extension Ledger {
    /// The cases in 预警 past the verification deadline on `today` (RULES.md §13), ordered by town, days overdue
    /// descending, then village and household id; each with its last alert and that alert's level.
    public func overdueCases(today: Day, rule: Overdue) throws -> [OverdueCase] {
        try dbQueue.read { db in
            var out: [OverdueCase] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT c.household_id, c.town, c.village, c.first_listed_on, c.last_alert_id, a.level
                    FROM cases c LEFT JOIN alerts a ON a.month = c.last_alert_month AND a.alert_id = c.last_alert_id
                    WHERE c.state = ? AND c.first_listed_on IS NOT NULL
                    """, arguments: [CaseState.warned.rawValue])
            while let row = try rows.next() {
                let text: String = row[3]
                guard case .success(let d) = Day.parse(Array(text.utf8)),
                    let days = rule.days(listedOn: d, today: today)
                else { continue }
                out.append(
                    OverdueCase(
                        householdId: row[0], town: row[1], village: row[2], alertId: row[4] ?? "",
                        level: (row[5] as String?).flatMap(Level.init(rawValue:)), firstListedOn: d, days: days))
            }
            return out.sorted {
                ($0.town, -$0.days, $0.village, $0.householdId) < ($1.town, -$1.days, $1.village, $1.householdId)
            }
        }
    }
}

extension Ledger {
    /// RULES.md §13: per trigger code, the alerts of the monitoring year (their ids begin `YJ<year>-`) whose
    /// latest finding is 确认纳入 or 不予纳入. Every code of `codes` is answered, 0 and 0 when none.
    public func rulePrecision(monitoringYear: Int, codes: [String]) throws -> [String: RulePrecision] {
        var out: [String: RulePrecision] = [:]
        for c in codes { out[c] = RulePrecision(confirmed: 0, rejected: 0) }
        try dbQueue.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT f.kind, i.triggers FROM last_findings f JOIN alert_ids i ON i.alert_id = f.alert_id
                    WHERE f.alert_id LIKE ? AND f.kind IN ('确认纳入', '不予纳入')
                    """, arguments: ["YJ\(monitoringYear)-%"])
            while let row = try rows.next() {
                let confirmed = (row[0] as String) == FindingKind.include.rawValue
                for t in LedgerJSONList.decode(row[1] as String?) {
                    var p = out[t] ?? RulePrecision(confirmed: 0, rejected: 0)
                    if confirmed { p.confirmed += 1 } else { p.rejected += 1 }
                    out[t] = p
                }
            }
        }
        return out
    }
}
