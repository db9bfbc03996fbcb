import Foundation

/// What link did for one month.
public struct LinkReport: Codable, Sendable {
    public var month: String
    public var linked: [String: Int] = [:]
    public var unmatched: [String: Int] = [:]
}

/// The link stage: every staged record of the period, attached to its household through the roster
/// (person-keyed feeds through members' resident IDs; income and applications by household number),
/// each record once by its key, the last version winning. Records of the period whose person or
/// household is not in the roster go to `unmatched/<feed>.csv`, never dropped silently.
public struct Linker: @unchecked Sendable {
    public static let feeds: [FeedKind] = [.income, .medical, .civil, .disaster, .disability, .application]

    /// The field that places a record in a period (RULES.md §1), and how it reaches a household.
    static func dateField(_ f: FeedKind) -> String {
        switch f {
        case .income: return "month"
        case .medical: return "settled"
        case .civil: return "date"
        case .disaster: return "occurred"
        case .disability: return "issued"
        case .application: return "date"
        default: return ""
        }
    }

    static func byHousehold(_ f: FeedKind) -> Bool { f == .income || f == .application }

    let layout: StateLayout
    let period: MonitoringPeriod

    public init(layout: StateLayout, period: MonitoringPeriod) {
        self.layout = layout
        self.period = period
    }

    /// Links the month; with `accumulating`, also returns each feed's linked records accumulated as detect
    /// needs them (`fangfan run` hands them to detect; run by hand, link only writes its files).
    public func run(store: StagedStore, roster: RosterIndex, accumulating: Bool = false) throws -> (report: LinkReport, figures: [FeedFigures]) {
        let dir = layout.workDir(period.month)
        try makeDirectory(dir + "/linked")
        try makeDirectory(dir + "/unmatched")
        var report = LinkReport(month: period.month.description)
        // feeds are independent: two at a time (the roster index is only read)
        let results = try ParallelResults(count: Linker.feeds.count) { i in
            CrashPoint.hit("link-feed")
            return try link(Linker.feeds[i], store: store, roster: roster, dir: dir, accumulating: accumulating)
        }.all()
        for (feed, (l, u, _)) in zip(Linker.feeds, results) {
            report.linked[feed.rawValue] = l
            report.unmatched[feed.rawValue] = u
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try enc.encode(report)), to: dir + "/link.json")
        return (report, results.compactMap(\.2))
    }

    /// Links one feed in two passes, streaming: the first finds each record key's last version (from the
    /// keys ingest wrote beside each staged file; for disaster, whose key needs the roster, from the records),
    /// the second writes the last version of each key when it lies in the period. Memory: one entry per key.
    private func link(_ feed: FeedKind, store: StagedStore, roster: RosterIndex, dir: String,
                      accumulating: Bool) throws -> (Int, Int, FeedFigures?) {
        let schema = feed.schema
        let dateIndex = schema.index(of: Linker.dateField(feed))!
        let hhIndex = schema.index(of: "household_id")
        let personIndex = schema.index(of: "person_id")
        let keyFields = schema.key.map { schema.index(of: $0)! }
        let fromKey = period.from.index, toKey = period.to.index

        func household(_ r: CSVRecord) -> Int? {
            Linker.byHousehold(feed) ? roster.index(of: HouseholdID.staged(r[hhIndex!]))
                                     : roster.household(of: ResidentID.staged(r[personIndex!]))
        }
        /// disaster: the same household in the same event is one record, whoever of it is named
        func key(_ r: CSVRecord, _ h: Int?) -> UInt64 {
            if feed == .disaster, let h { return fnv(r, [0]) ^ (roster.households[h].id.key &* 0x9E37_79B9_7F4A_7C15) }
            return fnv(r, keyFields)
        }

        // pass 1: key → ordinal of its last version
        var last = HashIndex()
        var ordinal: Int32 = 0
        var fromKeysFiles = feed != .disaster
        if fromKeysFiles {
            var keys: [UInt64] = []
            for (entry, _) in store.files(feed) {
                guard let data = readWholeFile(store.layout.keysFile(feed, seq: entry.seq)),
                      data.count == entry.accepted * 8 else {
                    fromKeysFiles = false
                    break
                }
                data.withUnsafeBytes { p in
                    for i in 0..<(p.count / 8) { keys.append(p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
                }
            }
            if fromKeysFiles {
                last = HashIndex(minimumCapacity: keys.count)
                for k in keys { last[k] = ordinal; ordinal += 1 }
            }
        }
        if !fromKeysFiles {
            last = HashIndex()
            ordinal = 0
            try store.forEach(feed) { r in
                last[key(r, household(r))] = ordinal
                ordinal += 1
            }
        }

        // pass 2: the last version of each key, if it lies in the period
        let matchedFile = try StreamingFile(path: "\(dir)/linked/\(feed.rawValue).csv")
        let unmatchedFile = try StreamingFile(path: "\(dir)/unmatched/\(feed.rawValue).csv")
        defer { matchedFile.discard(); unmatchedFile.discard() }
        try matchedFile.withBuffer { CSVOut.appendRow(&$0, ["household_id"] + schema.fields.map(\.name)) }
        try unmatchedFile.withBuffer { CSVOut.appendRow(&$0, schema.fields.map(\.name)) }
        var matched = 0, unmatched = 0
        var figures = accumulating ? FeedFigures(feed: feed, period: period, households: roster.households.count) : nil
        ordinal = 0
        try store.forEach(feed) { r in
            let o = ordinal
            ordinal += 1
            // the record's month from its normalised date (YYYY-MM-DD or YYYY-MM)
            let d = r[dateIndex]
            guard d.count >= 7 else { return }
            let mi = Month.stagedIndex(d)
            guard mi >= fromKey && mi <= toKey else { return }
            let h = household(r)
            guard last[key(r, h)] == o else { return }   // a later version replaces this one
            if let h {
                matched += 1
                figures?.add(h, r, offset: 0)
                try matchedFile.withBuffer { line in
                    roster.households[h].id.appendDigits(to: &line)
                    for i in 0..<r.count { line.append(0x2C); CSVOut.appendField(&line, r[i]) }
                    line.append(0x0A)
                }
            } else {
                unmatched += 1
                try unmatchedFile.withBuffer { CSVOut.appendRow(&$0, (0..<r.count).map { r.string($0) }) }
            }
        }
        try matchedFile.commit()
        try unmatchedFile.commit()
        return (matched, unmatched, figures)
    }

    func fnv(_ r: CSVRecord, _ fields: [Int]) -> UInt64 { recordKeyHash(fields) { r[$0] } }
}
