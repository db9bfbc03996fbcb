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

    public func run(store: StagedStore, roster: RosterIndex) throws -> LinkReport {
        let dir = layout.workDir(period.month)
        try makeDirectory(dir + "/linked")
        try makeDirectory(dir + "/unmatched")
        var report = LinkReport(month: period.month.description)
        // feeds are independent: two at a time (the roster index is only read)
        let results = LinkResults(count: Linker.feeds.count)
        DispatchQueue.concurrentPerform(iterations: Linker.feeds.count) { i in
            CrashPoint.hit("link-feed")
            results.set(i, Result { try link(Linker.feeds[i], store: store, roster: roster, dir: dir) })
        }
        for (i, feed) in Linker.feeds.enumerated() {
            let (l, u) = try results.get(i)
            report.linked[feed.rawValue] = l
            report.unmatched[feed.rawValue] = u
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try enc.encode(report)), to: dir + "/link.json")
        return report
    }

    /// The household key of a record in the period, or nil (not in the period).
    private func link(_ feed: FeedKind, store: StagedStore, roster: RosterIndex, dir: String) throws -> (Int, Int) {
        let schema = feed.schema
        let dateIndex = schema.index(of: Linker.dateField(feed))!
        let hhIndex = schema.index(of: "household_id")
        let personIndex = schema.index(of: "person_id")
        let keyFields = schema.key.map { schema.index(of: $0)! }
        let fromKey = period.from.index, toKey = period.to.index
        var matched = DedupedLines(), unmatched = DedupedLines()

        try store.forEach(feed) { r in
            // the record's month from its normalised date (YYYY-MM-DD or YYYY-MM)
            let d = r[dateIndex]
            guard d.count >= 7 else { return }
            let s = d.startIndex
            let y = Int(d[s] - 48) * 1000 + Int(d[s + 1] - 48) * 100 + Int(d[s + 2] - 48) * 10 + Int(d[s + 3] - 48)
            let m = Int(d[s + 5] - 48) * 10 + Int(d[s + 6] - 48)
            let mi = y * 12 + m - 1
            let inPeriod = mi >= fromKey && mi <= toKey
            var hh: Int?
            if Linker.byHousehold(feed) {
                hh = roster.index(of: HouseholdID.staged(r[hhIndex!]))
            } else {
                hh = roster.household(of: ResidentID.staged(r[personIndex!]))
            }
            var line: [UInt8] = []
            if let h = hh {
                // disaster: the same household in the same event is one record, whoever of it is named
                var key = fnv(r, keyFields)
                if feed == .disaster { key = fnv(r, [0]) ^ (roster.households[h].id.key &* 0x9E37_79B9_7F4A_7C15) }
                guard inPeriod else { matched.put(key, nil); return }
                line.append(contentsOf: roster.households[h].id.description.utf8)
                for i in 0..<r.count { line.append(0x2C); CSVOut.appendField(&line, r[i]) }
                line.append(0x0A)
                matched.put(key, line)
            } else {
                let key = fnv(r, keyFields)
                guard inPeriod else { unmatched.put(key, nil); return }
                for i in 0..<r.count { if i > 0 { line.append(0x2C) }; CSVOut.appendField(&line, r[i]) }
                line.append(0x0A)
                unmatched.put(key, line)
            }
        }
        var header: [UInt8] = []
        CSVOut.appendRow(&header, ["household_id"] + schema.fields.map(\.name))
        try AtomicFile.write(header + matched.joined(), to: "\(dir)/linked/\(feed.rawValue).csv")
        var uheader: [UInt8] = []
        CSVOut.appendRow(&uheader, schema.fields.map(\.name))
        try AtomicFile.write(uheader + unmatched.joined(), to: "\(dir)/unmatched/\(feed.rawValue).csv")
        return (matched.count, unmatched.count)
    }

    func fnv(_ r: CSVRecord, _ fields: [Int]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for f in fields {
            for b in r[f] { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0x1F) &* 0x100_0000_01b3
        }
        return h
    }
}

final class LinkResults: @unchecked Sendable {
    private var results: [Result<(Int, Int), Error>?]
    private let lock = NSLock()
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<(Int, Int), Error>) { lock.lock(); results[i] = r; lock.unlock() }
    func get(_ i: Int) throws -> (Int, Int) { lock.lock(); defer { lock.unlock() }; return try results[i]!.get() }
}

/// Lines kept once per key, in order of first appearance; a later line with the same key replaces the earlier.
/// A record outside the period is kept as an empty slot: its later version decides whether the key counts,
/// so a corrected settlement date can move a record out of the period.
struct DedupedLines {
    private var position: [UInt64: Int] = [:]
    private var lines: [[UInt8]?] = []
    var count: Int { lines.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    mutating func put(_ key: UInt64, _ line: [UInt8]?) {
        if let p = position[key] { lines[p] = line } else if line != nil {
            position[key] = lines.count
            lines.append(line)
        }
    }

    func joined() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + ($1?.count ?? 0) })
        for l in lines { if let l { out += l } }
        return out
    }
}
