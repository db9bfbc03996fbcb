import Foundation

#if canImport(Glibc)
import Glibc
#endif

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

    private static func write(
        count: Int, _ piece: (Int, (UnsafeRawBufferPointer) throws -> Void) throws -> Void,
        to path: String, mode: mode_t
    ) throws {
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
