import CFangfanZlib
import FangfanTestSupport
import XCTest

@testable import FangfanCore

/// The worksheet deflated as it is written (`RawDeflater`, `ZipBuilder.addDeflating`) gives the bytes that
/// deflating it whole gave before.
final class StreamingDeflateTests: XCTestCase {
    /// The whole input deflated in one call into a buffer of `deflateBound` (the earlier `deflateRaw`).
    private func deflateWhole(_ data: [UInt8]) throws -> [UInt8] {
        var s = z_stream()
        XCTAssertEqual(cfangfan_deflateInit2(&s, 1, -15), Z_OK)
        defer { deflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, uLong(data.count))))
        let rc = data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                s.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                s.avail_in = uInt(src.count)
                s.next_out = dst.baseAddress
                s.avail_out = uInt(dst.count)
                return deflate(&s, Z_FINISH)
            }
        }
        XCTAssertEqual(rc, Z_STREAM_END)
        out.removeLast(Int(s.avail_out))
        return out
    }

    /// Text like a list's, with runs that compress and runs that do not (a pseudo-random generator).
    private func sample(_ bytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        while out.count < bytes {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            out += Array("<row r=\"\(x % 100_000)\"><c t=\"inlineStr\"><is><t>锦和镇 东港村</t></is></c>".utf8)
            for _ in 0..<Int(x % 40) { out.append(UInt8(truncatingIfNeeded: x >> 8) | 0x20); x = x &* 6_364_136_223_846_793_005 &+ 1 }
        }
        return Array(out.prefix(bytes))
    }

    func testPiecesGiveTheBytesOfTheWhole() throws {
        for size in [0, 1, 5_000, 65_536, 3_000_017] {
            let data = sample(size)
            let expected = try deflateWhole(data)
            XCTAssertEqual(try deflateRaw(data), expected, "\(size) bytes in one piece")
            for piece in [1, 777, 65_536, 1 << 20] where piece < max(size, 2) || piece == 1 {
                let d = try RawDeflater()
                var p = 0
                while p < data.count {
                    let n = min(piece, data.count - p)
                    try data[p..<p + n].withUnsafeBufferPointer { try d.feed($0) }
                    p += n
                }
                let (payload, crc, count) = try d.finish()
                XCTAssertEqual(payload, expected, "\(size) bytes in pieces of \(piece)")
                XCTAssertEqual(crc, zipCRC32(data))
                XCTAssertEqual(count, size)
            }
        }
    }

    func testALargeSheetIsDeflatedAsTheWholeWorksheetWas() throws {
        // about 4 MB of XML: flushed to the deflater several times between rows
        let rows: [[XLSXCell]] = (0..<20_000).map { i in
            [.text("户主\(i) 锦和镇东港村"), .number("\(i).50"), .integer("\(i)"), .empty, .text(String(repeating: "说明", count: i % 30))]
        }
        let sheet = XLSXSheetSpec(
            name: "锦和镇", columns: (0..<5).map { XLSXColumn(header: "列\($0)", width: 10) }, rows: rows)
        let xml = try XLSXWriter.worksheet(sheet)
        XCTAssertGreaterThan(xml.count, 3 << 20)
        let archive = try ZipArchive(bytes: try XLSXWriter.data(sheet))
        let entry = try XCTUnwrap(archive.entry(named: "xl/worksheets/sheet1.xml"))
        XCTAssertEqual(try archive.read(entry), xml)
        XCTAssertEqual(entry.crc32, zipCRC32(xml))
        XCTAssertEqual(entry.compressedSize, try deflateWhole(xml).count)
        // the worksheet written into a buffer flushed every megabyte is the worksheet written whole
        var whole: [UInt8] = []
        var flushes = 0
        var rest: [UInt8] = []
        try XLSXWriter.worksheet(sheet, into: &rest) { part in
            XCTAssertGreaterThanOrEqual(part.count, 1 << 20)
            whole += part
            part.removeAll(keepingCapacity: true)
            flushes += 1
        }
        XCTAssertGreaterThanOrEqual(flushes, 3)
        XCTAssertEqual(whole + rest, xml)
    }
}
