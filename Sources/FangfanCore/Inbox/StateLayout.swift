import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where everything lives under `state/` (INTERFACE.md "Folders"). Created owner-only.
public struct StateLayout: Sendable {
    public let root: String
    public init(root: String) { self.root = root }

    public var manifest: String { root + "/manifest.jsonl" }
    public var ledger: String { root + "/ledger.sqlite" }
    public var lock: String { root + "/lock" }
    public var staged: String { root + "/staged" }
    public var quarantine: String { root + "/quarantine" }
    public var archive: String { root + "/archive" }
    public var rejected: String { root + "/rejected" }
    public var work: String { root + "/work" }

    public func stagedFile(_ feed: FeedKind, seq: Int) -> String { "\(staged)/\(feed.rawValue)/\(seqName(seq)).csv" }
    public func keysFile(_ feed: FeedKind, seq: Int) -> String { "\(staged)/\(feed.rawValue)/\(seqName(seq)).keys" }
    public func quarantineFile(seq: Int) -> String { "\(quarantine)/\(seqName(seq)).csv" }
    /// Beside the quarantine: the file's rows quarantined for their resident ID alone, kept whole so that a
    /// confirmed match (RULES.md §11) can count them.
    public func damagedIDsFile(seq: Int) -> String { "\(quarantine)/\(seqName(seq)).ids.csv" }
    public func workDir(_ m: Month) -> String { "\(work)/\(m)" }

    public func seqName(_ seq: Int) -> String { pad(seq, 6) }

    /// Creates the folders, owner-only (0700).
    public func prepare() throws {
        for d in [root, staged, quarantine, archive, rejected, work] + FeedKind.allCases.map({ "\(staged)/\($0.rawValue)" }) {
            try makeDirectory(d)
        }
    }
}
