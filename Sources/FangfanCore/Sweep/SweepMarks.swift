import Foundation

/// `state/sweep.json`: for each event swept, the last disaster file (manifest seq) whose records that sweep
/// had. An event is due when a disaster file ingested after its mark carries a record of it; on a state
/// never swept (no file) every event is due. Kept per event, so that `--event A` does not hide the records
/// of event B that arrived meanwhile from the next sweep without `--event`.
public struct SweepMarks: Codable, Sendable, Equatable {
    public struct Mark: Codable, Sendable, Equatable {
        /// The highest manifest seq of the disaster files read by the event's last sweep.
        public var through_seq: Int
        public var swept_at: String
    }
    public var events: [String: Mark] = [:]

    public init() {}

    public static func path(_ layout: StateLayout) -> String { layout.root + "/sweep.json" }

    public static func load(_ layout: StateLayout) throws -> SweepMarks {
        let p = path(layout)
        guard let data = readWholeFile(p) else { return SweepMarks() }
        do {
            return try JSONDecoder().decode(SweepMarks.self, from: data)
        } catch {
            throw IOFailure(path: p, message: "cannot be read (\(error)); remove it to sweep every event again")
        }
    }

    public func save(_ layout: StateLayout) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write([UInt8](try enc.encode(self)), to: SweepMarks.path(layout))
        syncDirectory(layout.root)
    }

    /// The events due: every event of a disaster file later than its mark.
    /// - Parameter eventsByFile: (seq, events with a record in that file), for every accepted disaster file.
    public func due(_ eventsByFile: [(seq: Int, events: Set<String>)]) -> Set<String> {
        var out = Set<String>()
        for (seq, events) in eventsByFile {
            for e in events where seq > (self.events[e]?.through_seq ?? 0) { out.insert(e) }
        }
        return out
    }
}
