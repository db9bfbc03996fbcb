import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Ingestor {
    func sha256(of path: String) throws -> String {
        let src = try FileByteSource(path: path)
        var h = SHA256Hasher()
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buf.deallocate() }
        while true {
            let n = try src.read(into: buf)
            if n == 0 { break }
            h.update(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
        }
        return SHA256Hasher.hex(h.finalize())
    }
}
