import Foundation

/// `fangfan ledger copy --to URL`: a county's SQLite ledger moved once into the shared ledger.
extension Ledger {
    /// Tables copied as they are (columns in the order of `SELECT *` on SQLite), after `cases`.
    static let copiedTables = [
        "cases", "alert_ids", "alerts", "alert_counts", "evaluations", "last_findings", "review_pairs",
    ]

    /// Copies this (SQLite) ledger, whole, into the shared ledger at `url`, in one transaction under the
    /// county's lock: every table; the history keeps its order (new ids after the shared ledger's, the notice
    /// marks moved with them); the keys of the files applied get the county's prefix. The county is `county`,
    /// else the one of the ledger's households (several: refused). A county that already has anything in the
    /// shared ledger is refused: the copy is made once. Answers the county and the rows copied per table.
    public func copy(to url: LedgerURL, county given: String?) throws -> (county: String, rows: [String: Int]) {
        guard case .sqlite = backend else { throw LedgerError.postgres("ledger copy reads a SQLite ledger") }
        return try read { src in
            let counties = Set(
                try src.texts("SELECT DISTINCT substr(household_id, 1, 6) FROM cases")
                    + src.texts("SELECT DISTINCT substr(household_id, 1, 6) FROM alert_ids"))
            guard let county = given ?? counties.first, counties.count <= 1 || given != nil else {
                throw LedgerError.copyRefused(
                    "the ledger holds households of \(counties.count) counties: name the one to copy with county")
            }
            if let other = counties.first(where: { $0 != county }) {
                throw LedgerError.copyRefused("the ledger holds households of county \(other), not only of \(county)")
            }
            let target = try Ledger(url: url, county: county, lock: true)
            guard case .postgres(let pg) = target.backend else { preconditionFailure("a URL opens PostgreSQL") }
            var copied: [String: Int] = [:]
            try pg.transaction { dst in
                for t in ["cases", "alert_ids", "history"] {
                    if try dst.row("SELECT 1 FROM \(t) WHERE 1=1" + target.scope() + " LIMIT 1") != nil {
                        throw LedgerError.copyRefused(
                            "county \(county) already has rows in the shared ledger (\(t)): a ledger is copied once")
                    }
                }
                for t in Self.copiedTables {
                    let rows = try src.rows("SELECT * FROM \(t)")
                    guard let columns = rows.first?.columns else { copied[t] = 0; continue }
                    let batch = try dst.makeBatch(
                        head: "INSERT INTO \(t) (\(columns.joined(separator: ", ")))", width: columns.count, tail: "")
                    for r in rows {
                        for v in r.values { batch.add(v) }
                        try batch.endRow()
                    }
                    try batch.flush()
                    copied[t] = rows.count
                }
                // the history: ids after the shared ledger's, in the same order (no other writer meanwhile)
                try dst.execute("LOCK TABLE history IN EXCLUSIVE MODE")
                let base = Int64(try dst.text("SELECT COALESCE(MAX(id), 0) FROM history") ?? "0") ?? 0
                let history = try src.rows(
                    "SELECT id, household_id, at, month, event, from_state, to_state, actor, detail, event_key FROM history ORDER BY id")
                var newId: [Int64: Int64] = [:]
                let batch = try dst.makeBatch(
                    head: "INSERT INTO history (id, household_id, at, month, event, from_state, to_state, actor, detail, event_key)",
                    width: 10, tail: "")
                for (k, r) in history.enumerated() {
                    let id = base + Int64(k + 1)
                    newId[Int64(r.text(0)) ?? 0] = id
                    batch.add(String(id))
                    for i in 1..<10 { batch.add(r.optional(i)) }
                    try batch.endRow()
                }
                try batch.flush()
                copied["history"] = history.count
                if !history.isEmpty {
                    try dst.execute("SELECT setval(pg_get_serial_sequence('history', 'id'), ?)", [.int(base + Int64(history.count))])
                }
                // a mark at old id X: the new id of the last entry at or before X (the base when none)
                let oldIds = history.map { Int64($0.text(0)) ?? 0 }
                func moved(_ x: Int64) -> Int64 {
                    var lo = 0, hi = oldIds.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if oldIds[mid] <= x { lo = mid + 1 } else { hi = mid }
                    }
                    return lo == 0 ? base : newId[oldIds[lo - 1]]!
                }
                let marks = try src.rows("SELECT month, from_id, to_id FROM notice_marks")
                for m in marks {
                    try dst.execute(
                        "INSERT INTO notice_marks (month, from_id, to_id) VALUES (?, ?, ?)",
                        [
                            .text("\(county)|\(m.text(0))"), .int(moved(Int64(m.text(1)) ?? 0)),
                            .int(moved(Int64(m.text(2)) ?? 0)),
                        ])
                }
                copied["notice_marks"] = marks.count
                for (t, n) in [("finding_sources", 5), ("review_sources", 5)] {
                    let rows = try src.rows("SELECT * FROM \(t)")
                    for r in rows {
                        var values = r.values.map { LedgerValue($0) }
                        values[0] = .text("\(county)|\(r.text(0))")
                        try dst.execute(
                            "INSERT INTO \(t) (\(r.columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: n).joined(separator: ", ")))",
                            values)
                    }
                    copied[t] = rows.count
                }
            }
            return (county, copied)
        }
    }
}
