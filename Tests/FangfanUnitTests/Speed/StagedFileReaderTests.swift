import Foundation
import XCTest

@testable import FangfanCore

/// `StagedFileReader` gives the records `CSVReader` gives (fields, line, quoted, the bytes link copies), at any
/// block size, and fails where it fails.
final class StagedFileReaderTests: XCTestCase {
    struct Seen: Equatable {
        var fields: [[UInt8]]
        var line: Int
        var quoted: Bool
        var copied: [UInt8]
    }

    func seen(_ r: CSVRecord) -> Seen {
        var copied: [UInt8] = []
        r.appendFields(to: &copied)
        return Seen(fields: (0..<r.count).map { Array(r[$0]) }, line: r.line, quoted: r.quoted, copied: copied)
    }

    let limits = CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64)

    func file(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "staged-reader-\(UUID().uuidString).csv"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func plain(_ path: String) -> Result<[Seen], InputError> {
        do {
            let reader = CSVReader(try DecodedSource(try FileByteSource(path: path), encoding: .utf8), limits: limits)
            var out: [Seen] = []
            while let r = try reader.next() { out.append(seen(r)) }
            return .success(out)
        } catch let e as InputError { return .failure(e) } catch { XCTFail("\(error)"); return .success([]) }
    }

    func fast(_ path: String, blockSize: Int) -> Result<[Seen], InputError> {
        do {
            let reader = try StagedFileReader(path: path, limits: limits, blockSize: blockSize)
            var record = CSVRecord(line: 1)
            var out: [Seen] = []
            while try reader.next(into: &record) { out.append(seen(record)) }
            return .success(out)
        } catch let e as InputError { return .failure(e) } catch { XCTFail("\(error)"); return .success([]) }
    }

    /// The records as `forEachRecord` hands them out in place (no line number: link does not ask for one).
    func inPlace(_ path: String, blockSize: Int) -> Result<[Seen], InputError> {
        do {
            let reader = try StagedFileReader(path: path, limits: limits, blockSize: blockSize)
            var out: [Seen] = []
            try reader.forEachRecord { r in
                var copied: [UInt8] = []
                r.appendFields(to: &copied)
                out.append(Seen(fields: (0..<r.count).map { Array(r[$0]) }, line: 0, quoted: r.quoted, copied: copied))
            }
            return .success(out)
        } catch let e as InputError { return .failure(e) } catch { XCTFail("\(error)"); return .success([]) }
    }

    func assertSame(_ text: [UInt8], _ message: String = "", file f: StaticString = #filePath, line l: UInt = #line) throws {
        let path = try file(text)
        let expected = plain(path)
        let withoutLines = expected.map { $0.map { s in Seen(fields: s.fields, line: 0, quoted: s.quoted, copied: s.copied) } }
        for size in [16, 17, 31, 64, 1000, 1 << 20] {
            XCTAssertEqual(fast(path, blockSize: size), expected, "block \(size) \(message)", file: f, line: l)
            XCTAssertEqual(inPlace(path, blockSize: size), withoutLines, "in place, block \(size) \(message)", file: f, line: l)
        }
    }

    func testEdgeCases() throws {
        let cases = [
            "a,b,c\n1,2,3\n",
            "a,b,c\n1,2,3",  // last line without its line end
            "a,\"b,c\",d\n\"x\"\"y\",,\"\"\n",  // quoted fields, doubled quotes, empty fields
            "a,\"line\nbreak\",c\n1,2,3\n",  // a line break inside quotes
            "a,\"cr\r\nlf\",c\r\n1,2,3\r\n",  // CRLF ends, and inside quotes
            "a,b\rc,d\r\re,f\n",  // lone CRs
            "\n\na,b\n\n\nc,d\n\n",  // blank lines
            ",\n,,\n",  // empty fields only
            "\u{FEFF}a,b\n1,2\n",  // a BOM
            "\"a\"b,c\nx\"y\",z\n",  // lenient quotes
            "",
            "\n",
            "a",
            "\"\"",
            "a,b,\n",
            "a,b,",
            "中文,编号,\"徐闻县人民医院(北院),住院部\",金额\n中文,1,2,3\n",
        ]
        for c in cases { try assertSame(Array(c.utf8), c.debugDescription) }
    }

    func testUnterminatedQuoteFailsTheSame() throws {
        try assertSame(Array("a,b\n1,\"2\n3,4\n".utf8))
        let path = try file(Array("a,b\n1,\"2\n3,4\n".utf8))
        XCTAssertEqual(fast(path, blockSize: 16), .failure(.unterminatedQuote(line: 2)))
    }

    func testTooManyFieldsFailsTheSame() throws {
        try assertSame(Array((String(repeating: "a,", count: 70) + "b\n").utf8))
    }

    func testRandomTexts() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [[UInt8]] = ["a", "bc", "中", ",", ",", "\"", "\n", "\r", "0123456789"].map { Array($0.utf8) }
        for _ in 0..<300 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<120, using: &rng) { text += alphabet.randomElement(using: &rng)! }
            try assertSame(text, String(decoding: text, as: UTF8.self).debugDescription)
        }
    }

    /// Rows as ingest stages them (`CSVOut`), long enough to cross many blocks, and through the store's two paths.
    func testStagedRowsAcrossBlocks() throws {
        let names = FeedKind.medical.schema.fields.map(\.name)
        var text: [UInt8] = []
        CSVOut.appendRow(&text, names)
        for i in 0..<3000 {
            var row = names.indices.map { k in k % 3 == 0 ? "" : "v\(i)-\(k)" }
            row[1] = i % 7 == 0 ? "徐闻县人民医院(北院),住院部" : i % 11 == 0 ? "说\"好\"的\n医院" : "卫生院\(i)"
            CSVOut.appendRow(&text, row)
        }
        try assertSame(text)
        let path = try file(text)
        var fast: [Seen] = [], plain: [Seen] = []
        try StagedStore.forEach(.medical, file: path) { fast.append(seen($0)) }
        try StagedStore.forEachPlain(.medical, file: path) { plain.append(seen($0)) }
        XCTAssertEqual(fast.count, 3000)
        XCTAssertEqual(fast, plain)
    }
}
