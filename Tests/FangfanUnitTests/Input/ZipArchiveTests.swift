import CFangfanZlib
import FangfanTestSupport
import XCTest

@testable import FangfanCore

final class ZipArchiveTests: XCTestCase {
    func testBuildAndReadBack() throws {
        let text = Array(String(repeating: "锦和镇 东港村 4408250050030001\n", count: 500).utf8)
        var zip = ZipBuilder()
        try zip.add("a/deflated.txt", text)
        try zip.add("stored.bin", [0, 1, 2, 255], deflate: false)
        try zip.add("empty", [])
        try zip.add("目录/名字.xml", Array("<x/>".utf8))
        let archive = try ZipArchive(bytes: try zip.finish())

        XCTAssertEqual(archive.entries.map(\.name), ["a/deflated.txt", "stored.bin", "empty", "目录/名字.xml"])
        let deflated = try XCTUnwrap(archive.entry(named: "a/deflated.txt"))
        XCTAssertEqual(deflated.method, 8)
        XCTAssertEqual(deflated.uncompressedSize, text.count)
        XCTAssertLessThan(deflated.compressedSize, text.count / 10)
        XCTAssertEqual(deflated.crc32, zipCRC32(text))
        XCTAssertEqual(try archive.read("a/deflated.txt"), text)
        XCTAssertEqual(archive.entry(named: "stored.bin")?.method, 0)
        XCTAssertEqual(try archive.read("stored.bin"), [0, 1, 2, 255])
        XCTAssertEqual(try archive.read("empty"), [])
        XCTAssertEqual(try archive.read("目录/名字.xml"), Array("<x/>".utf8))
        XCTAssertThrowsError(try archive.read("missing")) { XCTAssertEqual($0 as? ZipError, .entryNotFound("missing")) }
    }

    func testCRC32MatchesKnownValue() {
        XCTAssertEqual(zipCRC32(Array("123456789".utf8)), 0xCBF4_3926)
    }

    func testEndRecordFoundBeforeAComment() throws {
        var zip = ZipBuilder()
        try zip.add("a.txt", Array("hello".utf8))
        var bytes = try zip.finish()
        let comment = [UInt8](repeating: UInt8(ascii: "c"), count: 60_000)
        bytes[bytes.count - 2] = UInt8(comment.count & 0xFF)
        bytes[bytes.count - 1] = UInt8(comment.count >> 8)
        bytes += comment
        XCTAssertEqual(try ZipArchive(bytes: bytes).read("a.txt"), Array("hello".utf8))
    }

    func testNotAZip() {
        for bytes in [[], Array("预警编号,户编号\nA-0001,4408250050030001\n".utf8), [UInt8](repeating: 0x50, count: 100_000)] {
            XCTAssertThrowsError(try ZipArchive(bytes: bytes)) { XCTAssertEqual($0 as? ZipError, .notAZip) }
        }
    }

    func testEveryTruncationIsRefused() throws {
        var zip = ZipBuilder()
        try zip.add("one.xml", Array(String(repeating: "<row>1</row>", count: 200).utf8))
        try zip.add("two.xml", Array("<two/>".utf8), deflate: false)
        let bytes = try zip.finish()
        for length in 0..<bytes.count {
            let cut = Array(bytes[0..<length])
            do {
                let archive = try ZipArchive(bytes: cut)
                _ = try archive.entries.map { try archive.read($0) }
                XCTFail("a zip cut to \(length) of \(bytes.count) bytes was read")
            } catch is ZipError {
            } catch {
                XCTFail("unexpected error \(error)")
            }
        }
    }

    func testCorruptDataIsRefused() throws {
        let data = Array(String(repeating: "abcdefgh", count: 1000).utf8)
        var zip = ZipBuilder()
        try zip.add("a.txt", data)
        var bytes = try zip.finish()
        bytes[40] ^= 0xFF  // inside the deflate stream
        XCTAssertThrowsError(try ZipArchive(bytes: bytes).read("a.txt")) { error in
            switch error as? ZipError {
            case .entryCorrupt, .crcMismatch: break
            default: XCTFail("unexpected \(error)")
            }
        }
    }

    func testCRCMismatchIsRefused() throws {
        var zip = ZipBuilder()
        try zip.addRaw("a.txt", method: 0, payload: Array("hello".utf8), crc32: 1234, uncompressedSize: 5)
        XCTAssertThrowsError(try ZipArchive(bytes: try zip.finish()).read("a.txt")) { error in
            XCTAssertEqual(error as? ZipError, .crcMismatch(name: "a.txt", expected: 1234, actual: zipCRC32(Array("hello".utf8))))
            XCTAssertTrue("\(error)".contains("CRC-32"))
        }
    }

    func testPathTraversalNamesAreRefused() throws {
        for name in ["../../evil.xml", "xl/../../evil.xml", "/etc/passwd", "xl\\worksheets\\sheet1.xml", "C:/evil.xml", "xl/.."] {
            var zip = ZipBuilder()
            try zip.add("xl/workbook.xml", Array("<workbook/>".utf8))
            try zip.add(name, Array("<evil/>".utf8))
            XCTAssertThrowsError(try ZipArchive(bytes: try zip.finish()), name) { error in
                XCTAssertEqual(error as? ZipError, .unsafeEntryName(name))
                XCTAssertTrue("\(error)".contains("path traversal"))
            }
        }
        var zip = ZipBuilder()
        try zip.add("a..b/c...xml", [1])
        XCTAssertEqual(try ZipArchive(bytes: try zip.finish()).read("a..b/c...xml"), [1])
    }

    func testDuplicateNamesAreRefused() throws {
        var zip = ZipBuilder()
        try zip.add("xl/worksheets/sheet1.xml", Array("<a/>".utf8))
        try zip.add("xl/worksheets/sheet1.xml", Array("<b/>".utf8))
        XCTAssertThrowsError(try ZipArchive(bytes: try zip.finish())) {
            XCTAssertEqual($0 as? ZipError, .duplicateEntryName("xl/worksheets/sheet1.xml"))
        }
    }

    func testEncryptedAndUnknownMethodsAreRefused() throws {
        var zip = ZipBuilder()
        try zip.addRaw("secret.xml", method: 8, payload: [1, 2, 3], crc32: 0, uncompressedSize: 3, flags: 1)
        try zip.addRaw("lzma.xml", method: 14, payload: [1, 2, 3], crc32: 0, uncompressedSize: 3)
        let archive = try ZipArchive(bytes: try zip.finish())
        XCTAssertThrowsError(try archive.read("secret.xml")) { XCTAssertEqual($0 as? ZipError, .encrypted("secret.xml")) }
        XCTAssertThrowsError(try archive.read("lzma.xml")) {
            XCTAssertEqual($0 as? ZipError, .unsupportedMethod(name: "lzma.xml", method: 14))
        }
    }

    func testZip64IsRefused() throws {
        var zip = ZipBuilder()
        try zip.add("a.txt", [1])
        var bytes = try zip.finish()
        // Mark the end record's central directory offset as "see the ZIP64 record".
        for i in (bytes.count - 6)..<(bytes.count - 2) { bytes[i] = 0xFF }
        XCTAssertThrowsError(try ZipArchive(bytes: bytes)) { XCTAssertEqual($0 as? ZipError, .zip64Unsupported) }
    }

    func testLocalHeaderMustMatchCentralDirectory() throws {
        var zip = ZipBuilder()
        try zip.add("good.xml", Array("<good/>".utf8), deflate: false)
        var bytes = try zip.finish()
        bytes[30] = UInt8(ascii: "b")  // first byte of the local header's name
        XCTAssertThrowsError(try ZipArchive(bytes: bytes).read("good.xml")) { error in
            guard case .entryCorrupt(let name, _) = error as? ZipError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "good.xml")
        }
    }

    // MARK: - Compression bombs

    func testHonestGigabyteEntryIsRefusedBeforeInflating() throws {
        var zip = ZipBuilder()
        try zip.addRaw(
            "zeros.xml", method: 8, payload: Self.gigabyteOfZeros.payload, crc32: Self.gigabyteOfZeros.crc,
            uncompressedSize: 1 << 30)
        let bytes = try zip.finish()
        let start = Date()
        XCTAssertThrowsError(try ZipArchive(bytes: bytes).read("zeros.xml")) { error in
            XCTAssertEqual(error as? ZipError, .entryTooLarge(name: "zeros.xml", declared: 1 << 30, limit: 256 << 20))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testEntryInflatingPastItsDeclaredSizeIsRefused() throws {
        var zip = ZipBuilder()
        try zip.addRaw(
            "zeros.xml", method: 8, payload: Self.gigabyteOfZeros.payload, crc32: Self.gigabyteOfZeros.crc,
            uncompressedSize: 1 << 20)
        let bytes = try zip.finish()
        let start = Date()
        XCTAssertThrowsError(try ZipArchive(bytes: bytes).read("zeros.xml")) { error in
            XCTAssertEqual(error as? ZipError, .inflatesPastDeclaredSize(name: "zeros.xml", declared: 1 << 20))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testEntryWithAnExtremeRatioIsRefused() throws {
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        var zip = ZipBuilder()
        try zip.add("zeros.xml", zeros)
        XCTAssertThrowsError(try ZipArchive(bytes: try zip.finish()).read("zeros.xml")) { error in
            XCTAssertEqual(error as? ZipError, .ratioTooHigh(name: "zeros.xml", limit: 200))
        }
    }

    func testEntryShorterThanDeclaredIsRefused() throws {
        let data = Array(String(repeating: "x", count: 1000).utf8)
        var zip = ZipBuilder()
        try zip.addRaw("short.xml", method: 8, payload: try deflateRaw(data), crc32: zipCRC32(data), uncompressedSize: 2000)
        XCTAssertThrowsError(try ZipArchive(bytes: try zip.finish()).read("short.xml")) { error in
            guard case .entryCorrupt = error as? ZipError else { return XCTFail("\(error)") }
        }
    }

    /// 1 GiB of zeros, deflated once for all tests (about 1 MiB).
    static let gigabyteOfZeros: (payload: [UInt8], crc: UInt32) = deflatedZeros(count: 1 << 30)

    static func deflatedZeros(count: Int) -> (payload: [UInt8], crc: UInt32) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        precondition(cfangfan_deflateInit2(stream, 1, -15) == Z_OK)
        defer { deflateEnd(stream) }
        var zeros = [UInt8](repeating: 0, count: 1 << 20)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var out: [UInt8] = []
        var crc: uLong = 0
        let pieces = count / zeros.count
        for i in 0..<pieces {
            crc = zeros.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
            zeros.withUnsafeMutableBufferPointer { input in
                stream.pointee.next_in = input.baseAddress
                stream.pointee.avail_in = uInt(input.count)
                repeat {
                    let produced = chunk.withUnsafeMutableBufferPointer { output in
                        stream.pointee.next_out = output.baseAddress
                        stream.pointee.avail_out = uInt(output.count)
                        deflate(stream, i == pieces - 1 ? Z_FINISH : Z_NO_FLUSH)
                        return output.count - Int(stream.pointee.avail_out)
                    }
                    out += chunk[0..<produced]
                } while stream.pointee.avail_out == 0
            }
        }
        return (out, UInt32(crc))
    }
}
