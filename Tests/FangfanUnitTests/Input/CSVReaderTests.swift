import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// A record as read: its starting line and its fields' bytes (byte-exact, unlike String ==).
struct ReadRecord: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [[UInt8]]
    init(_ line: Int, _ fields: [String]) { self.line = line; self.fields = fields.map { Array($0.utf8) } }
    init(_ r: CSVRecord) { line = r.line; fields = (0..<r.count).map { Array(r[$0]) } }
    var description: String {
        "\(line): " + fields.map { String(decoding: $0, as: UTF8.self).debugDescription }.joined(separator: ",")
    }
}

/// Where `MemoryByteSource(pieces:)` cuts its input.
enum Cuts {
    /// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator, the same cuts on every machine.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Random piece sizes 1...17.
    static func random(seed: UInt64, count: Int = 499) -> [Int] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int.random(in: 1...17, using: &rng) }
    }
}

/// Reads every record of `bytes`; `.auto` that meets non-UTF-8 bytes starts again as GB18030, as the ingest does.
/// Every input is read three times, by `next()`, by `withNextFields` and by `forEachRecord` (the rows' paths),
/// and the three must agree: the same records, or the same error (`between` once after each record).
func readCSV(
    _ bytes: [UInt8], encoding: TextEncoding = .utf8, pieces: [Int] = [],
    limits: CSVLimits = CSVLimits(), file: StaticString = #filePath, line: UInt = #line
) throws -> [ReadRecord] {
    do {
        func reader() throws -> CSVReader {
            CSVReader(try DecodedSource(MemoryByteSource(bytes, pieces: pieces), encoding: encoding), limits: limits)
        }
        func record(_ line: Int, _ f: RecordFields) -> ReadRecord {
            var r = ReadRecord(line, [])
            r.fields = (0..<f.ends.count).map { Array(f.field($0)) }
            return r
        }
        func read(_ body: (CSVReader, inout [ReadRecord]) throws -> Void) -> Result<[ReadRecord], Error> {
            Result {
                var out: [ReadRecord] = []
                try body(try reader(), &out)
                return out
            }
        }
        let byNext = read { r, out in while let x = try r.next() { out.append(ReadRecord(x)) } }
        let inPlace = read { r, out in while try r.withNextFields({ out.append(record($0, $1)) }) {} }
        var betweens = 0
        let inLoop = read { r, out in try r.forEachRecord({ out.append(record($0, $1)) }, between: { betweens += 1 }) }
        for (name, other) in [("withNextFields", inPlace), ("forEachRecord", inLoop)] {
            switch (byNext, other) {
            case (.success(let a), .success(let b)):
                XCTAssertEqual(b, a, "\(name) and next() read the same records", file: file, line: line)
            case (.failure(let a), .failure(let b)):
                XCTAssertEqual("\(b)", "\(a)", "\(name) and next() fail alike", file: file, line: line)
            default:
                XCTFail("\(name): \(other), next(): \(byNext)", file: file, line: line)
            }
        }
        if case .success(let records) = inLoop { XCTAssertEqual(betweens, records.count, file: file, line: line) }
        return try byNext.get()
    } catch is NotUTF8 where encoding == .auto {
        return try readCSV(bytes, encoding: .gb18030, pieces: pieces, limits: limits)
    }
}

func readCSV(_ text: String, pieces: [Int] = [], limits: CSVLimits = CSVLimits()) throws -> [ReadRecord] {
    try readCSV(Array(text.utf8), pieces: pieces, limits: limits)
}

/// The error `body` throws, or a test failure.
func errorThrown<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> Error? {
    do {
        let v = try body()
        XCTFail("expected an error, got \(String(describing: v).prefix(200))", file: file, line: line)
        return nil
    } catch { return error }
}

/// GB18030 bytes of the few characters the fixtures use (GB 18030-2005 tables).
enum GB18030Bytes {
    static let zhong: [UInt8] = [0xD6, 0xD0]  // 中 U+4E2D
    static let wen: [UInt8] = [0xCE, 0xC4]  // 文 U+6587
    static let eAcute: [UInt8] = [0xA8, 0xA6]  // é U+00E9
    static let euro: [UInt8] = [0xA2, 0xE3]  // € U+20AC
    static let grin: [UInt8] = [0x94, 0x39, 0xFC, 0x36]  // 😀 U+1F600, a four-byte sequence
    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
}

final class CSVReaderTests: XCTestCase {

    // MARK: - csv-spectrum cases, as our own fixtures

    func testSimple() throws {
        XCTAssertEqual(try readCSV("a,b,c\n1,2,3\n"), [ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "2", "3"])])
        XCTAssertEqual(try readCSV("a,b,c\r\n1,2,3\r\n"), [ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "2", "3"])])
    }

    func testCommaInQuotes() throws {
        let csv = "first,last,address,city,zip\nJohn,Doe,120 any st.,\"Anytown, WW\",08123\n"
        XCTAssertEqual(
            try readCSV(csv),
            [
                ReadRecord(1, ["first", "last", "address", "city", "zip"]),
                ReadRecord(2, ["John", "Doe", "120 any st.", "Anytown, WW", "08123"]),
            ])
    }

    func testEscapedQuotes() throws {
        XCTAssertEqual(
            try readCSV("a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n"),
            [
                ReadRecord(1, ["a", "b"]), ReadRecord(2, ["1", "ha \"ha\" ha"]), ReadRecord(3, ["3", "4"]),
            ])
        XCTAssertEqual(
            try readCSV("key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n"),
            [
                ReadRecord(1, ["key", "val"]), ReadRecord(2, ["1", "{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"]),
            ])
        XCTAssertEqual(try readCSV("\"\"\"\"\n\"a\"\"\"\n"), [ReadRecord(1, ["\""]), ReadRecord(2, ["a\""])])
    }

    func testNewlinesInQuotesKeepTheRecordsStartingLine() throws {
        let csv = "a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n"
        XCTAssertEqual(
            try readCSV(csv),
            [
                ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "2", "3"]),
                ReadRecord(3, ["Once upon \na time", "5", "6"]), ReadRecord(5, ["7", "8", "9"]),
            ])
        // CRLF files keep the CRLF inside the quoted field, as sent
        let crlf = "a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n"
        XCTAssertEqual(
            try readCSV(crlf),
            [
                ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "2", "3"]),
                ReadRecord(3, ["Once upon \r\na time", "5", "6"]), ReadRecord(5, ["7", "8", "9"]),
            ])
    }

    func testQuotesAndNewlines() throws {
        XCTAssertEqual(
            try readCSV("a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n"),
            [
                ReadRecord(1, ["a", "b"]), ReadRecord(2, ["1", "ha \n\"ha\" \nha"]), ReadRecord(5, ["3", "4"]),
            ])
    }

    func testPhysicalLineNumbersAfterMultiLineFields() throws {
        let csv = "h1,h2\n\"x\n\ny\",1\n\"p\r\nq\",2\r\nlast,3"
        XCTAssertEqual(
            try readCSV(csv),
            [
                ReadRecord(1, ["h1", "h2"]), ReadRecord(2, ["x\n\ny", "1"]), ReadRecord(5, ["p\r\nq", "2"]),
                ReadRecord(7, ["last", "3"]),
            ])
    }

    func testEmptyFields() throws {
        XCTAssertEqual(
            try readCSV("a,b,c\n1,\"\",\"\"\n2,3,4\n"),
            [
                ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "", ""]), ReadRecord(3, ["2", "3", "4"]),
            ])
        XCTAssertEqual(
            try readCSV("a,b,c\r\n1,\"\",\"\"\r\n2,3,4\r\n"),
            [
                ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "", ""]), ReadRecord(3, ["2", "3", "4"]),
            ])
        XCTAssertEqual(try readCSV(",,\n,x,\n"), [ReadRecord(1, ["", "", ""]), ReadRecord(2, ["", "x", ""])])
    }

    func testEmptyLastField() throws {
        XCTAssertEqual(try readCSV("a,b,\n1,2,\n"), [ReadRecord(1, ["a", "b", ""]), ReadRecord(2, ["1", "2", ""])])
        XCTAssertEqual(try readCSV("a,b,\r\n1,2,"), [ReadRecord(1, ["a", "b", ""]), ReadRecord(2, ["1", "2", ""])])
    }

    func testQuotesOnlyField() throws {
        XCTAssertEqual(try readCSV("\"\"\n"), [ReadRecord(1, [""])])
        XCTAssertEqual(try readCSV("\"\""), [ReadRecord(1, [""])])
        XCTAssertEqual(try readCSV("\"\",\"\"\r\n"), [ReadRecord(1, ["", ""])])
    }

    func testUTF8() throws {
        XCTAssertEqual(
            try readCSV("a,b,c\n1,2,3\n4,5,ʤ\n"),
            [
                ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "2", "3"]), ReadRecord(3, ["4", "5", "ʤ"]),
            ])
        XCTAssertEqual(
            try readCSV("户编号,姓名\n4408250080090000,\"张勇玉，\"\"玉\"\"\"\n"),
            [
                ReadRecord(1, ["户编号", "姓名"]), ReadRecord(2, ["4408250080090000", "张勇玉，\"玉\""]),
            ])
    }

    func testSpacesAreKept() throws {
        // trimming is the value parsers' job, not the reader's
        XCTAssertEqual(try readCSV(" a , b \n"), [ReadRecord(1, [" a ", " b "])])
    }

    // MARK: - line ends and blank lines

    func testLastLineWithAndWithoutLineEnd() throws {
        let expected = [ReadRecord(1, ["a", "b"]), ReadRecord(2, ["1", "2"])]
        XCTAssertEqual(try readCSV("a,b\n1,2\n"), expected)
        XCTAssertEqual(try readCSV("a,b\n1,2"), expected)
        XCTAssertEqual(try readCSV("a,b\r\n1,2\r\n"), expected)
        XCTAssertEqual(try readCSV("a,b\r\n1,2"), expected)
        XCTAssertEqual(try readCSV("a,b\n\"1\",\"2\""), expected)
    }

    func testBlankLinesAreSkippedButCounted() throws {
        XCTAssertEqual(try readCSV("a\n\nb\n\r\n\nc\n\n"), [ReadRecord(1, ["a"]), ReadRecord(3, ["b"]), ReadRecord(6, ["c"])])
        XCTAssertEqual(try readCSV("\n\r\nx,y\r\n\r\n"), [ReadRecord(3, ["x", "y"])])
        XCTAssertEqual(try readCSV(""), [])
        XCTAssertEqual(try readCSV("\n\n"), [])
        // a line holding a comma or an empty quoted field is a record, not a blank line
        XCTAssertEqual(try readCSV("a\n,\n\"\"\n"), [ReadRecord(1, ["a"]), ReadRecord(2, ["", ""]), ReadRecord(3, [""])])
    }

    func testByteOrderMarkIsNotPartOfTheFirstField() throws {
        XCTAssertEqual(
            try readCSV([0xEF, 0xBB, 0xBF] + Array("户编号,x\n1,2\n".utf8), encoding: .auto),
            [ReadRecord(1, ["户编号", "x"]), ReadRecord(2, ["1", "2"])])
        XCTAssertEqual(
            try readCSV([0xEF, 0xBB, 0xBF] + Array("\"a\",b\n".utf8), encoding: .utf8),
            [ReadRecord(1, ["a", "b"])])
    }

    // MARK: - bad files

    func testUnterminatedQuoteNamesTheLineWhereItOpened() {
        XCTAssertEqual(errorThrown { try readCSV("a,b\n1,\"abc\ndef\n") } as? InputError, .unterminatedQuote(line: 2))
        XCTAssertEqual(
            errorThrown { try readCSV("a,b\n\"x\ny\",1\n2,\"open") } as? InputError,
            .unterminatedQuote(line: 4))
        XCTAssertEqual(errorThrown { try readCSV("\"") } as? InputError, .unterminatedQuote(line: 1))
        XCTAssertEqual(errorThrown { try readCSV("a\r\nb\r\n\"c\r\n\r\n") } as? InputError, .unterminatedQuote(line: 3))
        // a doubled quote at the end is still inside the field
        XCTAssertEqual(errorThrown { try readCSV("a,\"b\"\"\n") } as? InputError, .unterminatedQuote(line: 1))
    }

    func testFieldTooLarge() {
        let limits = CSVLimits(maxFieldBytes: 5, maxFields: 100)
        XCTAssertEqual(
            try readCSV("abcde,\"vwxyz\",\"ab\"\"cd\"\n", limits: limits),
            [ReadRecord(1, ["abcde", "vwxyz", "ab\"cd"])])
        XCTAssertEqual(
            errorThrown { try readCSV("ok\nabcdef\n", limits: limits) } as? InputError,
            .fieldTooLarge(line: 2, limit: 5))
        XCTAssertEqual(
            errorThrown { try readCSV("ok\nx,\"abc\ndef\"\n", limits: limits) } as? InputError,
            .fieldTooLarge(line: 2, limit: 5))
        // a quoted field made only of doubled quotes grows too: 6 quotes inside
        XCTAssertEqual(
            errorThrown { try readCSV("\"" + String(repeating: "\"\"", count: 6) + "\"\n", limits: limits) }
                as? InputError, .fieldTooLarge(line: 1, limit: 5))
        let quotes = [0x22] + [UInt8](repeating: 0x22, count: 4 << 20) + [0x22, 0x0A]  // 2 Mi quotes inside
        XCTAssertEqual(errorThrown { try readCSV(quotes) } as? InputError, .fieldTooLarge(line: 1, limit: 1 << 20))
        // with the default limit (1 MiB), a 2 MiB field
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 2 << 20) + [0x0A]
        XCTAssertEqual(errorThrown { try readCSV(big) } as? InputError, .fieldTooLarge(line: 1, limit: 1 << 20))
    }

    func testRecordTooLarge() {
        let limits = CSVLimits(maxFieldBytes: 100, maxFields: 3)
        XCTAssertEqual(try readCSV("a,b,c\n1,2,3", limits: limits), [ReadRecord(1, ["a", "b", "c"]), ReadRecord(2, ["1", "2", "3"])])
        XCTAssertEqual(
            errorThrown { try readCSV("a,b,c\n1,2,3,4\n", limits: limits) } as? InputError,
            .recordTooLarge(line: 2, limit: 3))
        XCTAssertEqual(
            errorThrown { try readCSV("a,b,c,\n", limits: limits) } as? InputError,
            .recordTooLarge(line: 1, limit: 3))
        XCTAssertEqual(
            errorThrown { try readCSV("a,b,c,d", limits: limits) } as? InputError,
            .recordTooLarge(line: 1, limit: 3))
        XCTAssertEqual(
            errorThrown { try readCSV("a,b,c,d,e,f,g\n", limits: limits) } as? InputError,
            .recordTooLarge(line: 1, limit: 3))
    }

    /// The record limit counts the fields' bytes, not the commas between them, whether the line is read
    /// whole (no quotes, in the buffer) or field by field (quoted, or cut across blocks).
    func testRecordBytesLimitCountsFieldBytesOnly() {
        let limits = CSVLimits(maxFieldBytes: 100, maxFields: 100, maxRecordBytes: 6)
        for pieces in [[], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]] {
            XCTAssertEqual(try readCSV("ab,cd,ef\n", pieces: pieces, limits: limits), [ReadRecord(1, ["ab", "cd", "ef"])])
            XCTAssertEqual(try readCSV("\"ab\",cd,ef\n", pieces: pieces, limits: limits), [ReadRecord(1, ["ab", "cd", "ef"])])
            XCTAssertEqual(
                errorThrown { try readCSV("x\nab,cd,efg\n", pieces: pieces, limits: limits) } as? InputError,
                .recordBytesTooLarge(line: 2, limit: 6))
            XCTAssertEqual(
                errorThrown { try readCSV("x\n\"ab\",cd,efg\n", pieces: pieces, limits: limits) } as? InputError,
                .recordBytesTooLarge(line: 2, limit: 6))
        }
    }

    /// A record written back (link's linked files): as read when nothing was quoted, else field by field.
    func testAppendFieldsWritesTheRecordBack() throws {
        let text = "a,,b c,\n\"x,y\",\"he said \"\"hi\"\"\",z\r\n\"\",q\n"
        for pieces in [[], Cuts.random(seed: 7)] {
            let reader = CSVReader(try DecodedSource(MemoryByteSource(Array(text.utf8), pieces: pieces), encoding: .utf8))
            var out: [UInt8] = []
            while let r = try reader.next() { r.appendFields(to: &out); out.append(0x0A) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), ",a,,b c,\n,\"x,y\",\"he said \"\"hi\"\"\",z\n,,q\n")
        }
    }

    func testMillionCommasFailFast() throws {
        let line = [UInt8](repeating: UInt8(ascii: ","), count: 1_000_000) + [0x0A]
        let start = Date()
        XCTAssertEqual(
            errorThrown { try readCSV(Array("a,b\n".utf8) + line) } as? InputError,
            .recordTooLarge(line: 2, limit: CSVLimits().maxFields))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        // it stops at the limit: with small blocks, only the first few kilobytes of the line are ever read
        let reader = CSVReader(try DecodedSource(MemoryByteSource(line), encoding: .utf8, blockSize: 1 << 12))
        XCTAssertThrowsError(try reader.next())
        XCTAssertLessThanOrEqual(reader.consumedFileBytes, 2 * CSVLimits().maxFields)
    }

    // MARK: - input cut at random places

    /// Fixtures that put quotes, CRLF, multi-byte characters and multi-line fields near every cut.
    static let fixtures: [String] = [
        "a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n",
        "a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n",
        "a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
        "first,last\r\n\"Doe, \"\"J\"\"\",\"\"\r\n\r\n,\r\n\"\",x\r\nlast",
        "户编号,乡镇,姓名\r\n4408250080090000,下桥镇,\"张勇玉，\r\n玉\"\r\n4408250080090001,锦和镇,陈大明\r\n",
        "é,😀,€,ʤ\n\"😀😀\",\"中\"\"文\",,\n\n\n末行,无换行",
        "\u{FEFF}\"a\",b\r\n\"\",\"\"\r\n",
    ]

    func testSplitInvarianceOnOwnFixtures() throws {
        for (k, text) in Self.fixtures.enumerated() {
            let bytes = Array(text.utf8)
            let whole = try readCSV(bytes, encoding: .auto)
            XCTAssertFalse(whole.isEmpty)
            for seed in UInt64(1)...20 {
                let pieces = Cuts.random(seed: seed &* 7919 &+ UInt64(k))
                XCTAssertEqual(try readCSV(bytes, encoding: .utf8, pieces: pieces), whole, "fixture \(k) seed \(seed)")
                XCTAssertEqual(try readCSV(bytes, encoding: .auto, pieces: pieces), whole, "fixture \(k) seed \(seed)")
            }
            // one byte at a time
            XCTAssertEqual(try readCSV(bytes, pieces: [1]), whole, "fixture \(k) bytewise")
        }
    }

    func testSplitInvarianceOnGB18030Fixture() throws {
        // 中文,"é€😀"\r\n"a,""中""\r\n😀",€\r\n,\r\n
        let bytes =
            GB18030Bytes.zhong + GB18030Bytes.wen + GB18030Bytes.ascii(",\"") + GB18030Bytes.eAcute + GB18030Bytes.euro + GB18030Bytes.grin
            + GB18030Bytes.ascii("\"\r\n\"a,\"\"")
            + GB18030Bytes.zhong + GB18030Bytes.ascii("\"\"\r\n") + GB18030Bytes.grin + GB18030Bytes.ascii("\",") + GB18030Bytes.euro
            + GB18030Bytes.ascii("\r\n,\r\n")
        let expected = [ReadRecord(1, ["中文", "é€😀"]), ReadRecord(2, ["a,\"中\"\r\n😀", "€"]), ReadRecord(4, ["", ""])]
        XCTAssertEqual(try readCSV(bytes, encoding: .gb18030), expected)
        XCTAssertEqual(try readCSV(bytes, encoding: .auto), expected)
        for seed in UInt64(1)...20 {
            let pieces = Cuts.random(seed: seed)
            XCTAssertEqual(try readCSV(bytes, encoding: .gb18030, pieces: pieces), expected, "seed \(seed)")
            XCTAssertEqual(try readCSV(bytes, encoding: .auto, pieces: pieces), expected, "seed \(seed)")
        }
        XCTAssertEqual(try readCSV(bytes, encoding: .gb18030, pieces: [1]), expected)
    }

    func testSplitInvarianceOnSharedSamples() throws {
        let files = try SharedSamples.csvFiles()
        XCTAssertGreaterThanOrEqual(files.count, 10, "samples not found under \(SharedSamples.root.path)")
        var sawGB18030 = false, sawBOM = false
        for (name, bytes) in files {
            let isUTF8 = String(validating: bytes, as: UTF8.self) != nil
            let pinned: TextEncoding = isUTF8 ? .utf8 : .gb18030
            sawGB18030 = sawGB18030 || !isUTF8
            sawBOM = sawBOM || bytes.starts(with: [0xEF, 0xBB, 0xBF])
            let whole = try readCSV(bytes, encoding: pinned)
            XCTAssertGreaterThan(whole.count, 0, name)
            XCTAssertFalse(whole[0].fields[0].starts(with: [0xEF, 0xBB, 0xBF]), "\(name): BOM left in the header")
            XCTAssertEqual(try readCSV(bytes, encoding: .auto), whole, name)
            for seed in UInt64(1)...20 {
                let pieces = Cuts.random(seed: seed)
                XCTAssertEqual(try readCSV(bytes, encoding: pinned, pieces: pieces), whole, "\(name) seed \(seed)")
                if seed <= 5 {
                    XCTAssertEqual(try readCSV(bytes, encoding: .auto, pieces: pieces), whole, "\(name) auto seed \(seed)")
                }
            }
        }
        XCTAssertTrue(sawGB18030, "expected GB18030 samples")
        XCTAssertTrue(sawBOM, "expected a UTF-8 sample with BOM")
    }

    func testSampleContentsSpotCheck() throws {
        // the messy roster is GB18030 with CRLF; its first data row, read by eye with iconv
        let bytes = try SharedSamples.bytes("messy/roster/花名册_2021.csv")
        let records = try readCSV(bytes, encoding: .gb18030)
        XCTAssertEqual(records.first, ReadRecord(1, ["户编号", "乡镇", "行政村", "户类型", "身份证号", "姓名", "与户主关系", "劳动技能", "上年家庭纯收入"]))
        XCTAssertEqual(
            records.dropFirst().first,
            ReadRecord(2, ["4408250080090000", "下桥镇", "头桥村", "一般农户", "44082519770210271X", "张勇玉", "户主", "弱劳动力或半劳动力", "108883.76元"]))
    }
}

/// The word-at-a-time scans, against a byte-by-byte reference, with the byte of interest at every position
/// of buffers shorter and longer than a word.
final class CSVScanTests: XCTestCase {
    func testDelimiterAndSpecialScansAgreeWithByteByByte() {
        let fillers: [UInt8] = [0x41, 0xE5, 0x80, 0x22, 0x20, 0xFF]
        for n in 0..<20 {
            for at in -1..<n {
                for special: UInt8 in [0x2C, 0x0A, 0x0D, 0x22] {
                    let filler = fillers[(n + at + 6) % fillers.count]
                    var bytes = [UInt8](repeating: filler, count: n)
                    if at >= 0 { bytes[at] = special }
                    bytes.withUnsafeBufferPointer { p in
                        for from in 0...n {
                            let expected = (from..<n).first { [0x2C, 0x0A, 0x0D].contains(p[$0]) } ?? n
                            XCTAssertEqual(CSVReader.delimiter(in: p, from: from), expected, "n \(n) at \(at) from \(from)")
                        }
                        let hasSpecial = p.contains { [0x2C, 0x22, 0x0A, 0x0D].contains($0) }
                        XCTAssertEqual(CSVOut.hasSpecial(p), hasSpecial, "n \(n) at \(at)")
                    }
                }
            }
        }
    }
}
