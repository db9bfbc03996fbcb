import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// Every decoded UTF-8 byte of `bytes`.
private func decodeAll(
    _ bytes: [UInt8], _ encoding: TextEncoding, pieces: [Int] = [],
    blockSize: Int = 1 << 20
) throws -> [UInt8] {
    let d = try DecodedSource(MemoryByteSource(bytes, pieces: pieces), encoding: encoding, blockSize: blockSize)
    var out = [UInt8]()
    while try d.next(into: &out) {}
    return out
}

/// The offset of an `InputError.undecodable`, or a test failure.
private func undecodableOffset(_ body: () throws -> [UInt8], file: StaticString = #filePath, line: UInt = #line) -> Int? {
    switch errorThrown(body, file: file, line: line) {
    case .some(InputError.undecodable(let offset, _)): return offset
    case let e:
        XCTFail("expected InputError.undecodable, got \(String(describing: e))", file: file, line: line)
        return nil
    }
}

/// The offset of a `NotUTF8`, or a test failure.
private func notUTF8Offset(_ body: () throws -> [UInt8], file: StaticString = #filePath, line: UInt = #line) -> Int? {
    switch errorThrown(body, file: file, line: line) {
    case let n as NotUTF8: return n.offset
    case let e:
        XCTFail("expected NotUTF8, got \(String(describing: e))", file: file, line: line)
        return nil
    }
}

private let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
private func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

// MARK: - UTF-8

final class UTF8DecodingTests: XCTestCase {

    func testValidUTF8PassesThroughUnchanged() throws {
        let text = ascii("户编号,é,😀,ʤ\r\n\"a\"\n")
        XCTAssertEqual(try decodeAll(text, .utf8), text)
        XCTAssertEqual(try decodeAll(text, .auto), text)
        XCTAssertEqual(try decodeAll([], .utf8), [])
        XCTAssertEqual(try decodeAll([], .auto), [])
        XCTAssertEqual(try decodeAll(ascii("a"), .auto), ascii("a"))
    }

    func testByteOrderMarkIsRemovedAndMeansUTF8() throws {
        let text = ascii("户编号,x\r\n")
        XCTAssertEqual(try decodeAll(bom + text, .utf8), text)
        XCTAssertEqual(try decodeAll(bom + text, .auto), text)
        XCTAssertEqual(try decodeAll(bom + text, .auto, pieces: [1]), text)
        XCTAssertEqual(try decodeAll(bom + text, .auto, pieces: [2, 1, 5]), text)
        XCTAssertEqual(try decodeAll(bom, .auto), [])
        // only the first BOM goes
        XCTAssertEqual(try decodeAll(bom + bom + ascii("a"), .utf8), bom + ascii("a"))

        let d = try DecodedSource(MemoryByteSource(bom + text), encoding: .auto)
        var out = [UInt8]()
        while try d.next(into: &out) {}
        XCTAssertEqual(d.encoding, .utf8)
    }

    func testAutoOnUTF8WithBOMSample() throws {
        let bytes = try SharedSamples.bytes("messy/income/收入申报_2021Q1b.csv")
        XCTAssertTrue(bytes.starts(with: bom), "the sample is expected to start with a BOM")
        XCTAssertEqual(try decodeAll(bytes, .auto), Array(bytes.dropFirst(3)))
        XCTAssertEqual(try decodeAll(bytes, .auto, pieces: Cuts.random(seed: 3)), Array(bytes.dropFirst(3)))
    }

    func testPinnedUTF8NamesTheOffsetOfTheFirstBadByte() {
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("abc") + [0xFF] + ascii("def"), .utf8) }, 3)
        XCTAssertEqual(undecodableOffset { try decodeAll([0x80], .utf8) }, 0)
        // offsets count the file's bytes, BOM included
        XCTAssertEqual(undecodableOffset { try decodeAll(bom + ascii("ab") + [0xC0, 0x80], .utf8) }, 5)
        // after multi-byte characters: 中 is 3 bytes, so 中中 + FF → 6
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("中中") + [0xFF], .utf8) }, 6)
        // in a later block, and whatever the cuts
        let late = ascii("abcdefgh") + ascii("中") + [0xFE] + ascii("tail")
        XCTAssertEqual(undecodableOffset { try decodeAll(late, .utf8, blockSize: 4) }, 11)
        for seed in UInt64(1)...20 {
            XCTAssertEqual(undecodableOffset { try decodeAll(late, .utf8, pieces: Cuts.random(seed: seed)) }, 11)
        }
        XCTAssertEqual(undecodableOffset { try decodeAll(late, .utf8, pieces: [1]) }, 11)
    }

    func testCharacterCutAtTheEndOfTheFile() {
        // 中 = E4 B8 AD; the file ends after E4 B8
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0xE4, 0xB8], .utf8) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0xE4, 0xB8], .utf8, pieces: [1]) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0xF0, 0x9F, 0x98], .utf8, pieces: [3]) }, 2)
        XCTAssertEqual(notUTF8Offset { try decodeAll(ascii("ab") + [0xE4], .auto) }, 2)
    }

    func testOverlongSurrogateAndOutOfRangeFormsAreInvalid() {
        let invalid: [[UInt8]] = [
            [0xC0, 0xAF], [0xC1, 0xBF],  // overlong two-byte
            [0xE0, 0x80, 0xAF], [0xE0, 0x9F, 0xBF],  // overlong three-byte
            [0xF0, 0x80, 0x80, 0xAF], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong four-byte
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // UTF-16 surrogates U+D800, U+DFFF
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF],
            [0x80], [0xBF],  // continuation bytes with no lead
            [0xC2, 0x41], [0xE4, 0xB8, 0x41], [0xF0, 0x9F, 0x98, 0x41],  // lead cut short by ASCII
        ]
        for seq in invalid {
            let bytes = ascii("ab") + seq + ascii("cd")
            XCTAssertEqual(undecodableOffset { try decodeAll(bytes, .utf8) }, 2, "\(seq)")
            XCTAssertEqual(undecodableOffset { try decodeAll(bytes, .utf8, pieces: [1]) }, 2, "\(seq) bytewise")
            XCTAssertEqual(notUTF8Offset { try decodeAll(bytes, .auto) }, 2, "\(seq) auto")
        }
    }

    /// Random strings of valid characters, stray bytes and cut sequences: UTF-8 input decodes exactly when
    /// Swift's own validation accepts it (the three-byte fast path of Chinese text included), in one block
    /// or cut byte by byte.
    func testAgreesWithSwiftsValidationOnRandomBytes() {
        var rng = Cuts.SplitMix64(seed: 11)
        let pool: [[UInt8]] = [
            Array("中".utf8), Array("文".utf8), Array("a".utf8), [0xED, 0x9F, 0xBF], [0xEF, 0xBF, 0xBF],
            [0xE0, 0xA0, 0x80], [0xEE, 0x80, 0x80], [0xE4], [0xB8], [0xED, 0xA0, 0x80], [0xE4, 0xB8],
            [0xE0, 0x9F, 0xBF], [0xC2, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xFF], [0xE1, 0x41, 0x80],
        ]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 14) { bytes += pool[Int(rng.next() % UInt64(pool.count))] }
            let valid = String(validating: bytes, as: UTF8.self) != nil
            XCTAssertEqual((try? decodeAll(bytes, .utf8)) != nil, valid, "\(bytes)")
            XCTAssertEqual((try? decodeAll(bytes, .utf8, pieces: [1])) != nil, valid, "\(bytes) bytewise")
            if valid { XCTAssertEqual(try? decodeAll(bytes, .utf8), bytes) }
        }
    }

    func testBoundaryFormsAreValid() throws {
        let valid: [[UInt8]] = [
            [0xC2, 0x80], [0xDF, 0xBF],  // U+0080, U+07FF
            [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],  // U+0800, U+D7FF
            [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],  // U+E000, U+FFFF
            [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],  // U+10000, U+10FFFF
        ]
        for seq in valid {
            let bytes = ascii("ab") + seq + ascii("cd")
            XCTAssertEqual(try decodeAll(bytes, .utf8), bytes, "\(seq)")
            XCTAssertEqual(try decodeAll(bytes, .utf8, pieces: [1]), bytes, "\(seq) bytewise")
        }
    }

    func testSplitInvariance() throws {
        let text = bom + ascii("户编号,é,😀,ʤ\r\n\"a\"\n" + String(repeating: "锦和镇😀é,", count: 40))
        let whole = try decodeAll(text, .utf8)
        for seed in UInt64(1)...20 {
            XCTAssertEqual(try decodeAll(text, .utf8, pieces: Cuts.random(seed: seed)), whole, "seed \(seed)")
            XCTAssertEqual(try decodeAll(text, .auto, pieces: Cuts.random(seed: seed), blockSize: 7), whole, "seed \(seed)")
        }
    }
}

// MARK: - GB18030 and the automatic choice

final class GB18030DecodingTests: XCTestCase {
    // 中文,é€😀\r\n in GB18030
    static let text =
        GB18030Bytes.zhong + GB18030Bytes.wen + GB18030Bytes.ascii(",") + GB18030Bytes.eAcute + GB18030Bytes.euro + GB18030Bytes.grin
        + GB18030Bytes.ascii("\r\n")

    func testDecodesTwoAndFourByteSequences() throws {
        XCTAssertEqual(try decodeAll(Self.text, .gb18030), ascii("中文,é€😀\r\n"))
        XCTAssertEqual(try decodeAll([], .gb18030), [])
    }

    func testSplitInvariance() throws {
        let bytes = Array([[UInt8]](repeating: Self.text, count: 30).joined())
        let whole = try decodeAll(bytes, .gb18030)
        XCTAssertEqual(whole, ascii(String(repeating: "中文,é€😀\r\n", count: 30)))
        for seed in UInt64(1)...20 {
            XCTAssertEqual(try decodeAll(bytes, .gb18030, pieces: Cuts.random(seed: seed)), whole, "seed \(seed)")
            XCTAssertEqual(try decodeAll(bytes, .gb18030, pieces: Cuts.random(seed: seed), blockSize: 5), whole, "seed \(seed)")
        }
        XCTAssertEqual(try decodeAll(bytes, .gb18030, pieces: [1]), whole)
    }

    func testInvalidSequenceNamesItsOffset() {
        // 0x80 and 0xFF are never valid; 0x81 0x7F has a trail byte outside 0x40...0xFE
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0x80] + ascii("cd"), .gb18030) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0xFF] + ascii("cd"), .gb18030) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("abc") + [0x81, 0x7F] + ascii("cd"), .gb18030) }, 3)
        // after two-byte characters: 中文 is 4 bytes
        XCTAssertEqual(undecodableOffset { try decodeAll(GB18030Bytes.zhong + GB18030Bytes.wen + [0x80], .gb18030) }, 4)
        // in a later block, whatever the cuts: 10 good bytes then 0x80
        let late = GB18030Bytes.ascii("abcd") + GB18030Bytes.zhong + GB18030Bytes.grin + [0x80] + GB18030Bytes.ascii("tail")
        XCTAssertEqual(undecodableOffset { try decodeAll(late, .gb18030, blockSize: 4) }, 10)
        for seed in UInt64(1)...20 {
            XCTAssertEqual(undecodableOffset { try decodeAll(late, .gb18030, pieces: Cuts.random(seed: seed)) }, 10)
        }
    }

    func testCharacterCutAtTheEndOfTheFile() {
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0xD6], .gb18030) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0x94, 0x39], .gb18030) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(ascii("ab") + [0x94, 0x39, 0xFC], .gb18030) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(GB18030Bytes.zhong + [0x94, 0x39, 0xFC], .gb18030, pieces: [1]) }, 2)
        XCTAssertEqual(undecodableOffset { try decodeAll(GB18030Bytes.zhong + [0xD6], .gb18030, pieces: [2]) }, 2)
    }

    func testAutoThrowsNotUTF8AtTheFirstInvalidByte() {
        // 中 (D6 D0): D0 cannot follow the lead byte D6 in UTF-8 → offset 3 of "ab," + 中
        XCTAssertEqual(notUTF8Offset { try decodeAll(ascii("ab,") + GB18030Bytes.zhong, .auto) }, 3)
        // 一 (D2 BB) happens to be valid UTF-8 (U+04BB): the first invalid byte is 中's, at 4
        XCTAssertEqual(notUTF8Offset { try decodeAll(ascii("x,") + [0xD2, 0xBB] + GB18030Bytes.zhong, .auto) }, 4)
        // after a long UTF-8 prefix, in a later block
        let late = ascii(String(repeating: "锦和镇,", count: 10)) + GB18030Bytes.zhong  // 10 × 10 bytes
        XCTAssertEqual(notUTF8Offset { try decodeAll(late, .auto, blockSize: 16) }, 100)
        for seed in UInt64(1)...20 {
            XCTAssertEqual(notUTF8Offset { try decodeAll(late, .auto, pieces: Cuts.random(seed: seed)) }, 100)
        }
        // a BOM pins UTF-8: bad bytes after it are undecodable, not a reason to try GB18030
        XCTAssertEqual(undecodableOffset { try decodeAll(bom + GB18030Bytes.zhong, .auto) }, 3)
    }

    func testAutoOnGB18030Samples() throws {
        // both start with a GB18030 header whose first byte (BB, BD) is a UTF-8 continuation byte
        for rel in ["messy/roster/花名册_2021.csv", "messy/medical/医保结算_202012-202103.csv"] {
            let bytes = try SharedSamples.bytes(rel)
            XCTAssertEqual(notUTF8Offset { try decodeAll(bytes, .auto) }, 0, rel)
            XCTAssertEqual(notUTF8Offset { try decodeAll(bytes, .auto, pieces: Cuts.random(seed: 9)) }, 0, rel)
            let decoded = try decodeAll(bytes, .gb18030)
            XCTAssertNotNil(String(validating: decoded, as: UTF8.self), rel)
            XCTAssertEqual(try decodeAll(bytes, .gb18030, pieces: Cuts.random(seed: 11)), decoded, rel)
        }
    }
}

/// A NUL byte is never text: the decoder names its offset, and ingest rejects the file as binary.
final class BinaryInputTests: XCTestCase {
    func testNULByteIsRefusedWithItsOffset() throws {
        let bytes = Array("户编号,年月\n4408250010010000,2021-05\n".utf8) + [0] + Array("x\n".utf8)
        for encoding in [TextEncoding.utf8, .gb18030, .auto] {
            let src = try DecodedSource(MemoryByteSource(bytes, pieces: [5]), encoding: encoding)
            var out: [UInt8] = []
            XCTAssertThrowsError(try { while try src.next(into: &out) {} }()) { e in
                if encoding == .gb18030, case InputError.undecodable = e { return }  // the header is not GB18030
                XCTAssertEqual(e as? InputError, .binary(offset: bytes.count - 3), "\(encoding)")
            }
        }
    }
}
