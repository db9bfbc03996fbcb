import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// GB18030 → UTF-8 for CSV (`DecodedSource`) and for the pieces of an XML document
/// (`XMLParallelParse`): ASCII is copied eight bytes at a time, a two-byte character is looked up in a
/// table, a four-byte one goes to iconv.
///
/// The table is glibc's own GB18030 converter run once over every two-byte code, so a character
/// decodes to exactly what iconv (and so libxml2, which decodes GB18030 through iconv) gives it.
/// Whatever the table does not hold (an invalid or cut sequence, a code iconv refuses) is not
/// guessed at: `decode` returns nil, and the text goes to iconv (CSV) or to libxml2's own decoding
/// (XML), which decode it or report the error with its position. iconv runs all of the text through
/// glibc's converters twice over (GB18030 → UCS-4 → UTF-8): about 0.14 s of CPU for the county medical
/// feed as XML.
struct GB18030Table {
    /// Per two-byte code (lead 0x81–0xFE, trail 0x40–0xFE): the UTF-8 bytes in the low three
    /// bytes, their count in the top byte; 0 for a code the table does not hold.
    private let entries: [UInt32]
    private static let trails = 0xFF - 0x40

    /// Built once, on first use (24,066 iconv calls, a few milliseconds); nil without a GB18030 iconv.
    static let shared: GB18030Table? = GB18030Table()

    private init?() {
        let cd = iconv_open("UTF-8", "GB18030")
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var entries = [UInt32](repeating: 0, count: 126 * Self.trails)
        var input: [UInt8] = [0, 0]
        var output = [UInt8](repeating: 0, count: 8)
        for lead in 0x81...0xFE {
            for trail in 0x40...0xFE where trail != 0x7F {
                input[0] = UInt8(lead)
                input[1] = UInt8(trail)
                _ = iconv(cd, nil, nil, nil, nil)  // back to the initial state
                let produced = input.withUnsafeMutableBufferPointer { inp -> Int in
                    output.withUnsafeMutableBufferPointer { outp -> Int in
                        var ip: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inp.baseAddress!).assumingMemoryBound(to: CChar.self)
                        var il = 2
                        var op: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outp.baseAddress!).assumingMemoryBound(
                            to: CChar.self)
                        var ol = outp.count
                        guard iconv(cd, &ip, &il, &op, &ol) != -1, il == 0 else { return 0 }
                        return outp.count - ol
                    }
                }
                guard produced >= 2 && produced <= 3 else { continue }  // not a two-byte character of the BMP
                var e = UInt32(produced) << 24
                for k in 0..<produced { e |= UInt32(output[k]) << (8 * k) }
                entries[(lead - 0x81) * Self.trails + trail - 0x40] = e
            }
        }
        self.entries = entries
    }

    /// The UTF-8 text of the whole characters of `input` and how many bytes of it they are, or nil if
    /// any of it is not a character the table or iconv decodes. Unless `final`, a character cut at the
    /// end of `input` is left out (it continues in the caller's next block). `iconv` decodes the
    /// four-byte characters (one is opened if none is given).
    func decode(
        _ input: UnsafeBufferPointer<UInt8>, final: Bool = true,
        iconv: GB18030Converter? = nil
    ) -> (text: [UInt8], used: Int)? {
        let n = input.count
        guard n > 0, let src = input.baseAddress else { return ([], 0) }
        var fourByte = iconv
        var failed = false
        var used = 0
        // at most 3 bytes out for 2 in (two-byte codes), 4 for 4: 1.5× and slack for the 8-byte stores
        let out = entries.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: n + n / 2 + 16) { o, count in
                let dst = o.baseAddress!
                var i = 0, j = 0
                decoding: while i < n {
                    while i + 8 <= n {
                        let w = UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)
                        if w & 0x8080_8080_8080_8080 != 0 { break }
                        UnsafeMutableRawPointer(dst + j).storeBytes(of: w, as: UInt64.self)
                        i += 8
                        j += 8
                    }
                    while i < n && src[i] < 0x80 {
                        dst[j] = src[i]
                        i += 1
                        j += 1
                    }
                    if i == n { break }
                    let lead = src[i]
                    guard lead != 0x80 && lead != 0xFF else { failed = true; break decoding }
                    guard i + 1 < n else { failed = final; break decoding }  // cut after its first byte
                    let trail = src[i + 1]
                    if trail >= 0x40 && trail != 0x7F && trail != 0xFF {
                        let e = table[(Int(lead) - 0x81) * Self.trails + Int(trail) - 0x40]
                        if e == 0 { failed = true; break decoding }
                        dst[j] = UInt8(truncatingIfNeeded: e)
                        dst[j + 1] = UInt8(truncatingIfNeeded: e >> 8)
                        dst[j + 2] = UInt8(truncatingIfNeeded: e >> 16)
                        j += Int(e >> 24)
                        i += 2
                    } else if trail >= 0x30 && trail <= 0x39 {
                        guard i + 3 < n else { failed = final; break decoding }  // cut inside its four bytes
                        if fourByte == nil { fourByte = try? GB18030Converter() }
                        var decoded: [UInt8] = []
                        guard let converter = fourByte,
                            (try? converter.convert(UnsafeBufferPointer(start: src + i, count: 4), at: 0, final: true, into: &decoded))
                                == 4,
                            decoded.count <= 4
                        else { failed = true; break decoding }
                        for b in decoded {
                            dst[j] = b
                            j += 1
                        }
                        i += 4
                    } else {
                        failed = true
                        break decoding
                    }
                }
                used = i
                count = j
            }
        }
        return failed ? nil : (out, used)
    }

    /// Whether an XML head (`<?xml ... encoding="GB18030" ...?>`, no byte-order mark) declares GB18030.
    static func declared(inHead head: UnsafeBufferPointer<UInt8>) -> Bool {
        guard XMLPieceCutter.starts(head, "<?xml", at: 0),
            let end = XMLPieceCutter.find(head, "?>", from: 5)
        else { return false }
        let declaration = String(decoding: head[0..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return false }
        var rest = declaration[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard rest.first == "=" else { return false }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return false }
        let value = rest.dropFirst().prefix(while: { $0 != quote })
        return value.uppercased() == "GB18030"
    }
}
