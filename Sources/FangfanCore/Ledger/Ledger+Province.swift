/// The provincial views of a shared ledger (`fangfan ledger counts --by`, `fangfan report`): figures per
/// county (the first six digits of a household id) or per town, over the whole ledger, or over the county the
/// ledger (or `county`) is scoped to.
extension Ledger {
    public enum Grouping: String, Sendable, CaseIterable {
        case county
        case town
    }

    /// Cases per group and state, groups in order (only states with cases appear).
    public func caseCounts(by grouping: Grouping, county: String? = nil) throws -> [(group: String, state: CaseState, count: Int)] {
        let group = grouping == .county ? "substr(household_id, 1, 6)" : "town"
        var sql = "SELECT \(group) AS g, state, COUNT(*) FROM cases WHERE 1=1" + scope()
        var args: [LedgerValue] = []
        if let county {
            sql += " AND household_id LIKE ?"
            args.append(.text(county + "%"))
        }
        sql += " GROUP BY g, state ORDER BY g, state"
        return try read { db in
            try db.rows(sql, args).compactMap { row in
                guard let s = CaseState(rawValue: row.text(1)) else { return nil }
                return (group: row.text(0), state: s, count: row.int(2))
            }
        }
    }

    /// RULES.md's monthly figures per county for `month`: households evaluated, alerts per level, and the
    /// county's cases per state (as they stand now), counties in order.
    public func countyBreakdown(month: String) throws -> [CountyFigures] {
        try read { db in
            var out: [String: CountyFigures] = [:]
            func figures(_ c: String) -> CountyFigures { out[c] ?? CountyFigures(county: c) }
            for row in try db.rows(
                "SELECT substr(household_id, 1, 6) AS c, COUNT(*) FROM evaluations WHERE month = ?\(scope()) GROUP BY c",
                [.text(month)])
            {
                var f = figures(row.text(0))
                f.evaluated = row.int(1)
                out[f.county] = f
            }
            for row in try db.rows(
                "SELECT substr(household_id, 1, 6) AS c, level, COUNT(*) FROM alerts WHERE month = ?\(scope()) GROUP BY c, level",
                [.text(month)])
            {
                var f = figures(row.text(0))
                if let l = Level(rawValue: row.text(1)) { f.alerts[l] = row.int(2) }
                out[f.county] = f
            }
            for row in try db.rows(
                "SELECT substr(household_id, 1, 6) AS c, state, COUNT(*) FROM cases WHERE 1=1\(scope()) GROUP BY c, state")
            {
                var f = figures(row.text(0))
                if let s = CaseState(rawValue: row.text(1)) { f.cases[s] = row.int(2) }
                out[f.county] = f
            }
            return out.values.sorted { $0.county < $1.county }
        }
    }
}
