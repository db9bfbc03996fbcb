import CFangfanZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a file with plain read(2) calls, no mapping, so memory stays flat.
public final class FileByteSource: ByteSource {
    public let path: String
    private let fd: Int32
    public private(set) var consumedFileBytes = 0

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw InputError.cannotOpen(path: path, errno: errno) }
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                consumedFileBytes += n
                return n
            }
            if errno == EINTR { continue }
            throw InputError.readFailed(path: path, errno: errno)
        }
    }
}
