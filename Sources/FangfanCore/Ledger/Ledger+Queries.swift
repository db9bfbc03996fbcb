import Foundation

extension Ledger {
    // MARK: - Reading

    /// One read transaction, for queries kept beside the feature that asks them (Sweep/Ledger+Sweep.swift).
    func reading<T>(_ body: (any LedgerConnection) throws -> T) throws -> T { try read(body) }

    /// household → state, for every case (detect reads it for categories).
    public func caseStates() throws -> [String: CaseState] {
        try read { db in
            var out: [String: CaseState] = [:]
            try db.eachRow("SELECT household_id, state FROM cases WHERE 1=1" + scope(), []) { row in
                if let s = CaseState(rawValue: row.text(1)) { out[row.text(0)] = s }
            }
            return out
        }
    }

    /// Cases, optionally of one state and/or town (and, on a shared ledger, of one county: `county`, else
    /// the ledger's own scope), ordered by town, village, household id.
    public func cases(state: CaseState? = nil, town: String? = nil, county: String? = nil) throws -> [CaseRow] {
        try read { db in
            var sql = "SELECT * FROM cases WHERE 1=1" + scope()
            var args: [LedgerValue] = []
            if let state {
                sql += " AND state = ?"
                args.append(.text(state.rawValue))
            }
            if let town {
                sql += " AND town = ?"
                args.append(.text(town))
            }
            if let county {
                sql += " AND household_id LIKE ?"
                args.append(.text(county + "%"))
            }
            sql += " ORDER BY town, village, household_id"
            return try db.rows(sql, args).map { LedgerCaseRecord(row: $0).caseRow }
        }
    }

    /// One case, or nil.
    public func caseRow(household: String) throws -> CaseRow? {
        try read { db in try LedgerCaseRecord.fetch(db, household)?.caseRow }
    }

    /// A household's history, oldest first.
    public func history(household: String) throws -> [HistoryEntry] {
        try read { db in
            try db.rows(
                "SELECT at, month, event, from_state, to_state, actor, detail FROM history WHERE household_id = ? ORDER BY id",
                [.text(household)]
            ).map { row in
                HistoryEntry(
                    at: row.text(0), month: row.optional(1), event: row.text(2),
                    fromState: row.optional(3).flatMap(CaseState.init(rawValue:)),
                    toState: row.optional(4).flatMap(CaseState.init(rawValue:)),
                    actor: row.text(5), detail: row.text(6))
            }
        }
    }

    /// Cases by state; every state present (0 when none).
    public func countsByState() throws -> [CaseState: Int] {
        try read { db in
            var out = Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0, 0) })
            for row in try db.rows("SELECT state, COUNT(*) AS n FROM cases WHERE 1=1" + scope() + " GROUP BY state") {
                if let s = CaseState(rawValue: row.text(0)) { out[s] = row.int(1) }
            }
            return out
        }
    }

    /// The household an alert id was emitted for, or nil if the ledger never emitted it.
    public func alertHousehold(_ alertId: String) throws -> String? {
        try read { db in try db.text("SELECT household_id FROM alert_ids WHERE alert_id = ?" + scope(), [.text(alertId)]) }
    }

    /// Each household's evaluations up to `month`, newest first, at most `limit` of them (the §7 suggestion
    /// reads them: `EliminationSuggestion`), in one read transaction: a province's monitored cases are many. Each
    /// carries the triggers of the household's alert of that month (the `alerts` row; every household a trigger
    /// fired for has one), for §12's condition on the 三保障 and drinking-water triggers.
    public func recentEvaluations(month: String, households: [String], limit: Int) throws -> [String: [LedgerEvaluation]] {
        try read { db in
            var out: [String: [LedgerEvaluation]] = [:]
            for h in households {
                out[h] = try db.rows(
                    """
                    SELECT e.month, e.at_or_above_line, e.triggered, a.triggers FROM evaluations e
                    LEFT JOIN alerts a ON a.household_id = e.household_id AND a.month = e.month
                    WHERE e.household_id = ? AND e.month <= ? ORDER BY e.month DESC LIMIT ?
                    """, [.text(h), .text(month), LedgerValue(limit)]
                ).map {
                    LedgerEvaluation(
                        householdId: h, month: $0.text(0), atOrAboveLine: $0.bool(1), triggered: $0.bool(2),
                        triggers: LedgerJSONList.decode($0.optional(3)))
                }
            }
            return out
        }
    }

    /// Alerts per month and level (as they stand after each month's last run), for the trend chart;
    /// ordered by month, then red, orange, yellow. From the counts recordMonth keeps (`alert_counts`), not the
    /// alerts: a few rows a month.
    public func alertCountsByMonth() throws -> [(month: String, level: Level, count: Int)] {
        try read { db in
            try db.rows(
                """
                SELECT month, level, SUM(alerts) AS n FROM alert_counts WHERE 1=1\(scope("county")) GROUP BY month, level
                ORDER BY month, CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END
                """
            ).compactMap { row in
                guard let level = Level(rawValue: row.text(1)) else { return nil }
                return (month: row.text(0), level: level, count: row.int(2))
            }
        }
    }
}

extension Ledger {
    /// The cases in 预警 past the verification deadline on `today` (RULES.md §13), ordered by town, days overdue
    /// descending, then village and household id; each with its last alert and that alert's level.
    public func overdueCases(today: Day, rule: Overdue) throws -> [OverdueCase] {
        try read { db in
            var out: [OverdueCase] = []
            // (each town's and village's name kept once: a province's steady state has hundreds of thousands of
            // overdue cases in a few thousand villages)
            var names = Set<String>()
            func once(_ name: String) -> String { names.insert(name).memberAfterInsert }
            try eachOverdueCase(
                db, today: today, rule: rule, columns: "c.household_id, c.town, c.village, c.last_alert_id, a.level",
                join: "LEFT JOIN alerts a ON a.month = c.last_alert_month AND a.alert_id = c.last_alert_id"
            ) { row, d, days in
                out.append(
                    OverdueCase(
                        householdId: row.text(1), town: once(row.text(2)), village: once(row.text(3)), alertId: row.text(4),
                        level: row.optional(5).flatMap(Level.init(rawValue:)), firstListedOn: d, days: days))
            }
            // (towns and villages compared as their ranks among the few distinct ones, each pair of names compared
            // once: a province's steady state has hundreds of thousands of overdue cases, Chinese names all)
            let towns = Self.ranks(out.map(\.town)), villages = Self.ranks(out.map(\.village))
            let order = out.indices.sorted { i, j in
                (towns[i], -out[i].days, villages[i], out[i].householdId) < (towns[j], -out[j].days, villages[j], out[j].householdId)
            }
            return order.map { out[$0] }
        }
    }

    /// The cases in 预警 overdue on `today`, row by row: `body` gets the row (column 0 the case's D as written,
    /// then `columns` of `cases c` and what `join` adds), D, and the days overdue. `overdueCases` and `overdueDays`
    /// both read through it, so that emit's days read before the recording and its overdue cases after it are
    /// chosen alike.
    private func eachOverdueCase(
        _ db: any LedgerConnection, today: Day, rule: Overdue, columns: String, join: String = "",
        _ body: (LedgerRow, Day, Int) throws -> Void
    ) throws {
        // Only cases listed before today − verify_days can be overdue: the ledger writes D as YYYY-MM-DD
        // (`Day.description`), so the comparison of text is one of days, and the thousands of cases listed this
        // month are not read. `rule.days` below still decides.
        try db.eachRow(
            """
            SELECT c.first_listed_on, \(columns) FROM cases c \(join)
            WHERE c.state = ? AND c.first_listed_on IS NOT NULL AND c.first_listed_on < ?
            """ + scope("c.household_id"),
            [.text(CaseState.warned.rawValue), .text(Self.listedBefore(today: today, rule: rule))]
        ) { row in
            guard case .success(let d) = Day.parse(Array(row.text(0).utf8)), let days = rule.days(listedOn: d, today: today)
            else { return }
            try body(row, d, days)
        }
    }

    /// Each name's rank among the distinct names (in `String` order): comparing ranks orders as comparing names.
    static func ranks(_ names: [String]) -> [Int] {
        let rank = Dictionary(uniqueKeysWithValues: Set(names).sorted().enumerated().map { ($1, $0) })
        return names.map { rank[$0]! }
    }

    /// The days overdue of the cases `overdueCases` answers on `today`, by household, as the ledger stands (one
    /// query of the cases, their D only). Emit asks it before the month is recorded: the month's alerts never take
    /// a case out of 预警 nor move its D (RULES.md §7, §13), so these are the days the lists will show, and the
    /// lists are made while the ledger records the month (`Emitter.overdueAhead`).
    public func overdueDays(today: Day, rule: Overdue) throws -> [String: Int] {
        try read { db in
            var out: [String: Int] = [:]
            try eachOverdueCase(db, today: today, rule: rule, columns: "c.household_id") { row, _, days in
                out[row.text(1)] = days
            }
            return out
        }
    }

    /// The day before which a case in 预警 was first listed to be overdue on `today` (`rule.days` says the same:
    /// late when today > D + verify_days), as the ledger writes D: YYYY-MM-DD, compared as text.
    static func listedBefore(today: Day, rule: Overdue) -> String {
        Day(dayNumber: today.dayNumber - rule.verifyDays).description
    }
}

extension Ledger {
    /// RULES.md §13: per trigger code, the alerts of the monitoring year (their ids begin `YJ<year>-`) whose
    /// latest finding is 确认纳入 or 不予纳入. Every code of `codes` is answered, 0 and 0 when none.
    public func rulePrecision(monitoringYear: Int, codes: [String]) throws -> [String: RulePrecision] {
        var out: [String: RulePrecision] = [:]
        for c in codes { out[c] = RulePrecision(confirmed: 0, rejected: 0) }
        try read { db in
            let rows = try db.rows(
                """
                SELECT f.kind, i.triggers FROM last_findings f JOIN alert_ids i ON i.alert_id = f.alert_id
                WHERE f.alert_id LIKE ? AND f.kind IN ('确认纳入', '不予纳入')
                """ + scope("i.household_id"), [.text("YJ\(monitoringYear)-%")])
            for row in rows {
                let confirmed = row.text(0) == FindingKind.include.rawValue
                for t in LedgerJSONList.decode(row.optional(1)) {
                    var p = out[t] ?? RulePrecision(confirmed: 0, rejected: 0)
                    if confirmed { p.confirmed += 1 } else { p.rejected += 1 }
                    out[t] = p
                }
            }
        }
        return out
    }
}
