import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// mkdir -p with mode 0700 (personal data lives below).
public func makeDirectory(_ path: String) throws {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return }
    do {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
    } catch {
        throw IOFailure(path: path, message: "cannot create the folder: \(error.localizedDescription)")
    }
}

/// glibc's sync_file_range (Linux), looked up at run time: Swift's Glibc module does not declare it.
typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
let startWriteback: SyncFileRange? = {
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

/// Removes what a killed writer left in `dir` (not below it): the files named `….tmp-<pid>` that `AtomicFile`,
/// `StreamingFile` and `copyFile` write before their rename. Safe only under the state lock, which no other
/// run holds: a temporary file there is never a live one.
func removeTemporaryFiles(in dir: String) {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.contains(".tmp-") {
        unlink(dir + "/" + name)
    }
}
