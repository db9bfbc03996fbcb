#if canImport(Glibc)
import Glibc
#endif

/// The run lock in state/: flock, so a lock left by a killed run is released by the kernel.
public final class RunLock {
    private let fd: Int32

    public struct Held: Error {}

    /// Takes the lock at once or throws `Held` (exit 75: another run holds it).
    public init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw IOFailure(path: path, errno: errno, doing: "cannot open the lock") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            close(fd)
            if e == EWOULDBLOCK { throw Held() }
            throw IOFailure(path: path, errno: e, doing: "cannot take the lock")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
