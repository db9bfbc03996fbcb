import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What became of one file taken from the inbox.
public enum FileStatus: String, Codable, Sendable { case accepted, rejected, duplicate }

/// One line of `state/manifest.jsonl`: every file ever taken from the inbox, in order.
/// Appending its line is the moment a file counts as ingested.
public struct ManifestEntry: Codable, Sendable, Equatable {
    public var seq: Int
    public var feed: String
    public var file: String
    public var sha256: String
    public var ingested_at: String
    public var status: FileStatus
    public var reason: String?
    public var rows_read: Int
    public var accepted: Int
    public var quarantined: Int
    public var replaced: Int
    public var extra_columns: [String]
    /// Where the original now lies, relative to state/ (archive/… or rejected/…).
    public var stored_as: String
    public var encoding: String?
    public var format: String?
}
