import Foundation

extension Linker {
    /// A feed's rows quarantined for their ID (RULES.md §11): those confirmed by review are written, as if their
    /// ID had been the candidate's and with the review id after their fields, to `review/confirmed-<feed>.csv`
    /// (nil when there are none); the others of the period, with a name and the last version of each key, are
    /// returned for candidates.
    static func confirmedDamaged(
        _ feed: FeedKind, store: StagedStore, roster: RosterIndex, review: ReviewDecisions,
        period: MonitoringPeriod, dir: String
    ) throws -> (file: String?, open: [ReviewRecord]) {
        let path = "\(dir)/confirmed-\(feed.rawValue).csv"
        let records = try DamagedRecords.load(feed, store: store)
        let confirmed = review.confirmed[feed] ?? [:]
        var out: [UInt8] = []
        var latest: [UInt64: Int] = [:]
        var open: [ReviewRecord] = []
        for r in records {
            let hash = r.keyHash
            if let c = confirmed[hash], roster.household(of: c.person) != nil {
                if out.isEmpty { CSVOut.appendRow(&out, feed.schema.fields.map(\.name)) }
                CSVOut.appendRow(&out, r.fields(as: c.person) + [c.reviewID])
                continue
            }
            guard r.date.count >= 7 else { continue }
            let mi = Month.stagedIndex(ArraySlice(r.date.utf8))
            guard mi >= period.from.index && mi <= period.to.index, !r.name.isEmpty else { continue }
            if let k = latest[hash] { open[k] = r } else { latest[hash] = open.count; open.append(r) }
        }
        if out.isEmpty {
            unlink(path)
            return (nil, open)
        }
        try AtomicFile.write(out, to: path)
        return (path, open)
    }
}
