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
    public func workDir(_ m: Month) -> String { "\(work)/\(m)" }

    public func seqName(_ seq: Int) -> String { pad(seq, 6) }

    /// Creates the folders, owner-only (0700).
    public func prepare() throws {
        for d in [root, staged, quarantine, archive, rejected, work] + FeedKind.allCases.map({ "\(staged)/\($0.rawValue)" }) {
            try makeDirectory(d)
        }
    }
}

/// mkdir -p with mode 0700 (personal data lives below).
public func makeDirectory(_ path: String) throws {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return }
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    } catch {
        throw IOFailure(path: path, message: "cannot create the folder: \(error.localizedDescription)")
    }
}

/// An input/output failure of the pipeline's own files (exit 74).
public struct IOFailure: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public init(path: String, errno e: Int32, doing: String) {
        self.path = path
        self.message = "\(doing): \(String(cString: strerror(e)))"
    }
    public var description: String { "\(path): \(message)" }
}

/// Files written whole or not at all: a temporary name, fsync, rename.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
        try bytes.withUnsafeBytes { try write(raw: $0, to: path, mode: mode) }
    }

    public static func write(raw bytes: UnsafeRawBufferPointer, to path: String, mode: mode_t = 0o600) throws {
        try write(count: 1, { _, body in try body(bytes) }, to: path, mode: mode)
    }

    /// The pieces one after another, as one file (no copy of them joined: detect's alerts.jsonl is hundreds
    /// of MB at province scale, made in two halves).
    public static func write(pieces: [[UInt8]], to path: String, mode: mode_t = 0o600) throws {
        try write(count: pieces.count, { i, body in try pieces[i].withUnsafeBytes(body) }, to: path, mode: mode)
    }

    private static func write(count: Int, _ piece: (Int, (UnsafeRawBufferPointer) throws -> Void) throws -> Void,
                              to path: String, mode: mode_t) throws {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw IOFailure(path: tmp, errno: errno, doing: "cannot create") }
        var ok = true
        var e: Int32 = 0
        for i in 0..<count where ok {
            try piece(i) { bytes in
                var off = 0
                while off < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
                    if n < 0 { if errno == EINTR { continue }; ok = false; e = errno; break }
                    off += n
                }
            }
        }
        if ok && fsync(fd) != 0 { ok = false; e = errno }
        close(fd)
        if !ok {
            unlink(tmp)
            throw IOFailure(path: path, errno: e, doing: "cannot write")
        }
        if rename(tmp, path) != 0 {
            let err = errno
            unlink(tmp)
            throw IOFailure(path: path, errno: err, doing: "cannot rename into place")
        }
    }

    public static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }
}

/// A file written in pieces, then committed by rename (staged records, quarantine, lists).
public final class StreamingFile {
    public let path: String
    let tmp: String
    private var fd: Int32
    private var pending: [UInt8] = []
    public private(set) var bytesWritten = 0
    private var writebackStarted = 0
    private var synced = false

    public init(path: String) throws {
        self.path = path
        tmp = path + ".tmp-\(getpid())"
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw IOFailure(path: tmp, errno: errno, doing: "cannot create") }
        pending.reserveCapacity(1 << 20)
    }

    deinit {
        if fd >= 0 { close(fd); unlink(tmp) }
    }

    public func append(_ bytes: [UInt8]) throws {
        synced = false
        pending += bytes
        if pending.count >= 1 << 20 { try flush() }
    }

    public func withBuffer(_ body: (inout [UInt8]) -> Void) throws {
        synced = false
        body(&pending)
        if pending.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try pending.withUnsafeBytes { try write($0) }
        bytesWritten += pending.count
        // every 32 MB, ask the kernel to start writing back what came before (it returns at once), so that
        // the fsync of a file of hundreds of MB has little left to wait for
        if bytesWritten - writebackStarted >= 32 << 20, let start = startWriteback {
            _ = start(fd, Int64(writebackStarted), Int64(bytesWritten - writebackStarted), 2)   // SYNC_FILE_RANGE_WRITE
            writebackStarted = bytesWritten
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func write(_ p: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < p.count {
            let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure(path: path, errno: errno, doing: "cannot write")
            }
            off += n
        }
    }

    /// Writes what is pending and waits until it is on disk (the expensive part of `commit`, which a
    /// worker can do ahead of the rename).
    public func sync() throws {
        try flush()
        if fsync(fd) != 0 { throw IOFailure(path: path, errno: errno, doing: "cannot sync") }
        synced = true
    }

    /// Flushes, fsyncs (unless `sync` already did and nothing came after) and renames into place.
    public func commit() throws {
        if !synced || !pending.isEmpty { try sync() }
        close(fd)
        fd = -1
        if rename(tmp, path) != 0 { throw IOFailure(path: path, errno: errno, doing: "cannot rename into place") }
    }

    /// Appends what another streaming file has written so far (a part of this file made on another core;
    /// link uses it for the unmatched records, a few per part).
    public func append(contentsOf other: StreamingFile) throws {
        try other.flush()
        try flush()
        let src = open(other.tmp, O_RDONLY | O_CLOEXEC)
        if src < 0 { throw IOFailure(path: other.tmp, errno: errno, doing: "cannot read back") }
        defer { close(src) }
        synced = false
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(src, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure(path: other.tmp, errno: errno, doing: "cannot read back")
            }
            if n == 0 { break }
            try write(UnsafeRawBufferPointer(start: buffer, count: n))
            bytesWritten += n
        }
    }

    /// Throws the file away.
    public func discard() {
        if fd >= 0 { close(fd); unlink(tmp); fd = -1 }
    }
}

/// glibc's sync_file_range (Linux), looked up at run time: Swift's Glibc module does not declare it.
private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
nonisolated(unsafe) private let startWriteback: SyncFileRange? = {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "sync_file_range") else { return nil }
    return unsafeBitCast(symbol, to: SyncFileRange.self)
}()

/// Moves a file, across file systems if need be (copy, fsync, unlink).
public func moveFile(_ from: String, _ to: String) throws {
    if rename(from, to) == 0 { return }
    if errno != EXDEV { throw IOFailure(path: from, errno: errno, doing: "cannot move to \(to)") }
    try copyFile(from, to)
    if unlink(from) != 0 { throw IOFailure(path: from, errno: errno, doing: "cannot remove after copying") }
}

/// Puts the same content at `to`: a hard link where both are on one file system (a province's
/// alerts.jsonl is hundreds of MB), else a copy. Safe because nothing here rewrites a file in place:
/// every write makes a new file and renames it over the old one.
func linkOrCopyFile(_ from: String, _ to: String) throws {
    if link(from, to) == 0 { return }
    if errno != EXDEV && errno != EPERM && errno != EMLINK {
        throw IOFailure(path: to, errno: errno, doing: "cannot link \(from) to")
    }
    try copyFile(from, to)
}

/// Copies a file whole or not at all (a temporary name, fsync, rename), 1 MB at a time: an inbox on another
/// file system than state/ (a network share) never puts a whole export in memory.
func copyFile(_ from: String, _ to: String) throws {
    let src = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    if src < 0 { throw IOFailure(path: from, errno: errno, doing: "cannot read for moving") }
    defer { close(src) }
    let tmp = to + ".tmp-\(getpid())"
    let dst = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    if dst < 0 { throw IOFailure(path: tmp, errno: errno, doing: "cannot create") }
    let size = 1 << 20
    let buf = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
    defer { buf.deallocate() }
    func fail(_ path: String, _ e: Int32, _ doing: String) -> IOFailure {
        close(dst)
        unlink(tmp)
        return IOFailure(path: path, errno: e, doing: doing)
    }
    while true {
        let n = read(src, buf, size)
        if n < 0 { if errno == EINTR { continue }; throw fail(from, errno, "cannot read for moving") }
        if n == 0 { break }
        var off = 0
        while off < n {
            let w = Glibc.write(dst, buf + off, n - off)
            if w < 0 { if errno == EINTR { continue }; throw fail(to, errno, "cannot write") }
            off += w
        }
    }
    if fsync(dst) != 0 { throw fail(to, errno, "cannot sync") }
    close(dst)
    if rename(tmp, to) != 0 {
        let e = errno
        unlink(tmp)
        throw IOFailure(path: to, errno: e, doing: "cannot rename into place")
    }
}

/// fsync a directory so renames inside it survive a crash.
public func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY)
    if fd >= 0 { fsync(fd); close(fd) }
}
