import Foundation

/// Reads the staged records of a feed: the accepted files in ingest order, each a UTF-8 CSV whose
/// header is the feed's canonical field names (a data officer can open them with any tool).
public struct StagedStore: @unchecked Sendable {
    public let layout: StateLayout
    public let manifest: Manifest

    public init(layout: StateLayout) throws {
        self.layout = layout
        manifest = try Manifest(path: layout.manifest)
    }

    /// The staged files of a feed, oldest first; for the roster only the latest (it replaces the rest whole).
    public func files(_ feed: FeedKind) -> [(entry: ManifestEntry, path: String)] {
        var es = manifest.accepted(feed)
        if feed == .roster, let last = es.last { es = [last] }
        return es.map { ($0, layout.stagedFile(feed, seq: $0.seq)) }
    }

    /// Calls `body` for every staged record of the feed, in order (the later of two equal keys comes later).
    public func forEach(_ feed: FeedKind, _ body: (CSVRecord) throws -> Void) throws {
        for (_, path) in files(feed) { try Self.forEach(feed, file: path, body) }
    }

    /// Calls `body` for every record of one staged file of the feed, in order. (Link's file of records confirmed
    /// by review, `review/confirmed-<feed>.csv`, has the same header; its records carry the review id after.)
    /// (Read by `StagedFileReader`, which gives the records `CSVReader` would with less work: see Speed/.)
    public static func forEach(_ feed: FeedKind, file path: String, _ body: (CSVRecord) throws -> Void) throws {
        let reader = try StagedFileReader(path: path, limits: limits)
        var record = CSVRecord(line: 1)
        guard try reader.next(into: &record), record.count == feed.schema.fields.count else { throw unexpectedHeader(path) }
        while try reader.next(into: &record) { try body(record) }
    }

    /// The same records in place (`StagedFileReader.forEachRecord`), valid during `body` only.
    /// - Parameter releasingCache: the file's cached pages are handed back as it is read (`PageCache`): for the
    ///   run's last reader of the file (link).
    static func forEachInPlace(
        _ feed: FeedKind, file path: String, releasingCache: Bool = false, _ body: (StagedRecord) throws -> Void
    ) throws {
        let reader = try StagedFileReader(path: path, limits: limits, releasingBehind: releasingCache)
        var header = CSVRecord(line: 1)
        guard try reader.next(into: &header), header.count == feed.schema.fields.count else { throw unexpectedHeader(path) }
        try reader.forEachRecord(body)
    }

    /// The same records by the general reader (`CSVReader` on decoded text): the plain path the fast one must agree with.
    static func forEachPlain(_ feed: FeedKind, file path: String, _ body: (CSVRecord) throws -> Void) throws {
        let reader = CSVReader(try DecodedSource(try FileByteSource(path: path), encoding: .utf8), limits: limits)
        guard let header = try reader.next(), header.count == feed.schema.fields.count else { throw unexpectedHeader(path) }
        while let r = try reader.next() { try body(r) }
    }

    static let limits = CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64)

    private static func unexpectedHeader(_ path: String) -> IOFailure {
        IOFailure(path: path, message: "staged file has an unexpected header: the state folder may be from another version")
    }
}
