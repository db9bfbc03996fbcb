import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
            _ = start(fd, Int64(writebackStarted), Int64(bytesWritten - writebackStarted), 2)  // SYNC_FILE_RANGE_WRITE
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
    /// - Parameter releasingCache: the file's cached pages, on disk once synced, are handed back (`PageCache`):
    ///   for a file nothing reads again in the run.
    public func commit(releasingCache: Bool = false) throws {
        if !synced || !pending.isEmpty { try sync() }
        if releasingCache { PageCache.release(fd) }
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
