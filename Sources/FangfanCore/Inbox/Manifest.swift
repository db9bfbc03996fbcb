import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The append-only manifest. A torn last line (a crash during the append) is dropped on load.
public final class Manifest {
    public let path: String
    public private(set) var entries: [ManifestEntry] = []
    private var bySHA: [String: Int] = [:]

    public init(path: String) throws {
        self.path = path
        guard let data = readWholeFile(path) else { return }
        var good = 0
        var offset = 0
        let bytes = [UInt8](data)
        let decoder = JSONDecoder()
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let end = offset + line.count
            defer { offset = end + 1 }
            if line.isEmpty { continue }
            guard end < bytes.count, let e = try? decoder.decode(ManifestEntry.self, from: Data(line)) else {
                break  // a torn last line: the append never completed
            }
            add(e)
            good = end + 1
        }
        if good < bytes.count {
            if truncate(path, off_t(good)) != 0 { throw IOFailure(path: path, errno: errno, doing: "cannot repair the manifest") }
        }
    }

    private func add(_ e: ManifestEntry) {
        entries.append(e)
        // only an accepted file makes later copies duplicates: a rejected one was never ingested, and the
        // same bytes must be taken again once moved to the right folder or once the configuration is fixed
        if e.status == .accepted && bySHA[e.sha256] == nil { bySHA[e.sha256] = entries.count - 1 }
    }

    public var nextSeq: Int { (entries.last?.seq ?? 0) + 1 }

    /// The accepted file with these bytes, if any (FEEDS.md "The same file twice").
    public func entry(sha256: String) -> ManifestEntry? { bySHA[sha256].map { entries[$0] } }

    public func contains(seq: Int) -> Bool { entries.contains { $0.seq == seq } }

    /// Appends one entry durably (write + fsync): the commit point of a file.
    public func append(_ e: ManifestEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = [UInt8](try encoder.encode(e))
        line.append(0x0A)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 { throw IOFailure(path: path, errno: errno, doing: "cannot open the manifest") }
        defer { close(fd) }
        let n = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n != line.count {
            let err = errno
            // leave no torn line behind
            var st = stat()
            if fstat(fd, &st) == 0 && n > 0 { _ = ftruncate(fd, st.st_size - off_t(n)) }
            throw IOFailure(path: path, errno: err, doing: "cannot append to the manifest")
        }
        if fsync(fd) != 0 { throw IOFailure(path: path, errno: errno, doing: "cannot sync the manifest") }
        add(e)
    }

    /// Accepted files of a feed, in ingest order.
    public func accepted(_ feed: FeedKind) -> [ManifestEntry] {
        entries.filter { $0.feed == feed.rawValue && $0.status == .accepted }
    }
}
