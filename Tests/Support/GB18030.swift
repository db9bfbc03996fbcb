import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The system's iconv cannot convert to GB18030 (glibc always can: this is a broken machine, not a skip).
public struct NoGB18030: Error {}

/// UTF-8 → GB18030 through iconv (the encoding Chinese department systems export).
public func gb18030(_ s: String) throws -> [UInt8] {
    let cd = iconv_open("GB18030", "UTF-8")
    guard cd != iconv_t(bitPattern: -1) else { throw NoGB18030() }
    defer { iconv_close(cd) }
    var input = Array(s.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
    let produced = input.withUnsafeMutableBufferPointer { inp -> Int in
        output.withUnsafeMutableBufferPointer { outp -> Int in
            var ip: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inp.baseAddress!).assumingMemoryBound(to: CChar.self)
            var il = inp.count
            var op: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outp.baseAddress!).assumingMemoryBound(to: CChar.self)
            var ol = outp.count
            let rc = iconv(cd, &ip, &il, &op, &ol)
            precondition(rc != -1 && il == 0, "iconv failed")
            return outp.count - ol
        }
    }
    return Array(output[0..<produced])
}
