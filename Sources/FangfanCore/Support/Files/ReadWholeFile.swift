import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A whole (small) file's bytes, or nil when it cannot be read. Plain read(2): Foundation's
/// `FileManager.contents(atPath:)` leaks its buffer for an empty file on Linux (seen under LeakSanitizer).
public func readWholeFile(_ path: String) -> Data? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    var out = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return Data(out)
}
