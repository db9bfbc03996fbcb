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
    /// Whether the pages read are handed back to the kernel as the reading goes on (`PageCache`): for a reader
    /// that reads the file once, front to back, and is the last to read it in this run.
    private let releasingBehind: Bool
    private var released = 0

    /// - Parameter releasingBehind: the file's cached pages are handed back behind the reading, 16 MB at a time,
    ///   and the rest when the source is let go of.
    public init(path: String, releasingBehind: Bool = false) throws {
        self.path = path
        self.releasingBehind = releasingBehind
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw InputError.cannotOpen(path: path, errno: errno) }
    }

    deinit {
        if releasingBehind { PageCache.release(fd, offset: released) }
        close(fd)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                consumedFileBytes += n
                if releasingBehind && consumedFileBytes - released >= 16 << 20 {
                    PageCache.release(fd, offset: released, length: consumedFileBytes - released)
                    released = consumedFileBytes
                }
                return n
            }
            if errno == EINTR { continue }
            throw InputError.readFailed(path: path, errno: errno)
        }
    }
}
