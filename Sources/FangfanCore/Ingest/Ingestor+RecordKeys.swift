import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Ingestor {
    // MARK: - record keys ("replaced" counts)

    /// Keys of every accepted file of a feed (for a roster: of the latest one only), sorted, without repeats.
    func loadKeys(_ feed: FeedKind, _ manifest: Manifest) throws -> [UInt64] {
        var files = manifest.accepted(feed)
        if feed == .roster, let last = files.last { files = [last] }
        var keys: [UInt64] = []
        for e in files {
            guard let data = readWholeFile(layout.keysFile(feed, seq: e.seq)) else { continue }
            data.withUnsafeBytes { p in
                let n = p.count / 8
                for i in 0..<n { keys.append(p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
            }
        }
        return SortedKeys.distinct(keys).keys
    }

    func writeKeys(_ keys: [UInt64], _ feed: FeedKind, _ seq: Int) throws {
        try keys.withUnsafeBytes { try AtomicFile.write(raw: $0, to: layout.keysFile(feed, seq: seq)) }
    }
}
