/// alerts.jsonl written in batches, each in two halves, one per core, appended as they are made: a province's
/// lines (hundreds of MB) are never held whole. The halves are made on threads that yield to the process's
/// others (`ParallelResults.yielding`): in `fangfan run` the ledger's recording, the longer work, runs beside
/// detect's writing. Emit writes the month's copy with `overdue_days` the same way.
enum AlertLines {
    /// Writes the alerts' lines to `path` (a `StreamingFile`: in place whole or not at all), with
    /// `overdueDays(household)` as each line's `overdue_days` where it gives one. `batchWritten` runs after each
    /// batch is appended (a crash point of the tests).
    static func write(
        _ alerts: [Alert], to path: String, overdueDays: @escaping @Sendable (String) -> Int? = { _ in nil },
        batchWritten: () -> Void = {}
    ) throws {
        let file = try StreamingFile(path: path)
        let batch = 1 << 14
        for from in stride(from: 0, to: max(alerts.count, 1), by: batch) {
            let to = min(from + batch, alerts.count)
            let mid = (from + to) / 2
            let lines = try ParallelResults.yielding(count: 2) { part -> [UInt8] in
                var out: [UInt8] = []
                out.reserveCapacity((to - mid) * 1200)
                for i in part == 0 ? from..<mid : mid..<to {
                    AlertJSON.line(&out, alerts[i], overdueDays: overdueDays(alerts[i].household_id))
                }
                return out
            }.all()
            for piece in lines { try file.append(piece) }
            batchWritten()
        }
        try file.commit()
    }
}
