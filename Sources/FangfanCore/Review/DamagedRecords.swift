import Foundation

/// The rows quarantined for their resident ID alone (RULES.md §11): ingest keeps them whole beside the
/// quarantine (`state/quarantine/<seq>.ids.csv`: `line`, then the feed's staged columns with the ID as
/// received); the quarantine and the file's accounting are unchanged. Link reads them back.
public enum DamagedRecords {
    /// The reasons that keep a row: a damaged ID may be a member's.
    public static let idReasons: Set<ReasonCode> = [.idCheckChar, .idBirthDate, .idScientificNotation, .idLength]

    /// A valid ID standing in for the damaged one while the rest of the row is validated.
    static let placeholder: [UInt8] = Array(ResidentID(key: 11010119900307001).description.utf8)

    public static func header(_ schema: FeedSchema) -> [String] { ["line"] + schema.fields.map(\.name) }

    /// The row's staged columns with the ID as received, when every other field is valid (a row bad in
    /// another field could never count, whatever its ID).
    static func keep(_ raw: (Int) -> RawField?, personField: Int, rawID: String, validator: RowValidator, line: Int) -> [String]? {
        var row = NormalizedRow()
        let problem = placeholder.withUnsafeBufferPointer { ph in
            validator.validate({ $0 == personField ? ph : raw($0) }, into: &row)
        }
        guard problem == nil else { return nil }
        var fields = [String(line)]
        for i in 0..<validator.schema.fields.count { fields.append(i == personField ? rawID : row.string(i)) }
        return fields
    }

    /// Every kept row of a feed's accepted files, in ingest order.
    public static func load(_ feed: FeedKind, store: StagedStore) throws -> [ReviewRecord] {
        var out: [ReviewRecord] = []
        let width = feed.schema.fields.count
        for e in store.manifest.accepted(feed) {
            let path = store.layout.damagedIDsFile(seq: e.seq)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let reader = CSVReader(
                try DecodedSource(try FileByteSource(path: path), encoding: .utf8),
                limits: CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64))
            guard let header = try reader.next(), header.count == width + 1 else {
                throw IOFailure(path: path, message: "kept ID rows have an unexpected header: the state folder may be from another version")
            }
            while let r = try reader.next() {
                guard r.count == width + 1 else { continue }
                out.append(
                    ReviewRecord(
                        feed: feed, file: e.file, line: Int(r.string(0)),
                        fields: (1...width).map { r.string($0) }, quarantined: true))
            }
        }
        return out
    }
}
