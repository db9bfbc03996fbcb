import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The parse in pieces on both cores (`XMLParallelParse`) must give exactly what the parse in one
/// sequence gives: the same records (numbers, lines, values), root attributes and declared count, and
/// for a broken file the same records before the same error at the same position.
final class XMLParallelParseTests: XCTestCase {
    typealias R = XMLRecordReaderTests
    static let medical = R.medical
    static let disaster = R.disaster

    /// Everything a reader gives for a document, to the end or to its error.
    struct Outcome: Equatable, CustomStringConvertible {
        var records: [XMLRecord] = []
        var error: XMLReadError?
        var rootAttributes: [String: String] = [:]
        var declaredCount: Int?
        var fieldsSeen: Set<Int> = []
        /// Not compared: how the parallel parse went (pieces handed out, whether the sequential parse took over).
        var pieces: (handed: Int, tookOver: Bool)?

        static func == (a: Outcome, b: Outcome) -> Bool {
            a.records == b.records && a.error == b.error && a.rootAttributes == b.rootAttributes
                && a.declaredCount == b.declaredCount && a.fieldsSeen == b.fieldsSeen
        }

        var description: String {
            "\(records.count) records, error \(error.map { "\($0)" } ?? "none"), root \(rootAttributes), declared \(declaredCount.map(String.init) ?? "-")"
        }
    }

    /// Reads `bytes` in one sequence (`pieceBytes` nil) or in pieces of about `pieceBytes`, from a
    /// source that hands over `split` bytes at a time.
    static func read(
        _ bytes: [UInt8], _ spec: XMLRecordSpec, pieceBytes: Int?, split: [Int] = [],
        maxDepth: Int = 32
    ) -> Outcome {
        var out = Outcome()
        do {
            let reopen: (() throws -> ByteSource)? = pieceBytes == nil ? nil : { MemoryByteSource(bytes, pieces: split) }
            let reader = try XMLRecordReader(
                source: MemoryByteSource(bytes, pieces: split), spec: spec, maxDepth: maxDepth,
                reopen: reopen, pieceBytes: pieceBytes ?? 1)
            defer {
                out.rootAttributes = reader.rootAttributes
                out.declaredCount = reader.declaredCount
                out.fieldsSeen = reader.fieldsSeen
                out.pieces = reader.parallelPieces
            }
            do {
                while let r = try reader.next() { out.records.append(r) }
                if try reader.next() != nil { out.error = .source("records after the end") }
            } catch let e as XMLReadError {
                out.error = e
                if (try? reader.next()) != nil { out.error = .source("no error after the error") }
            }
        } catch {
            out.error = .source("reader: \(error)")
        }
        return out
    }

    /// Checks that pieces of several sizes give what one sequence gives; returns that outcome and
    /// the outcomes in pieces.
    @discardableResult
    static func assertPiecesAgree(
        _ bytes: [UInt8], _ spec: XMLRecordSpec, _ name: String, maxDepth: Int = 32,
        sizes: [Int] = [1, 40, 97, 300, 1 << 20], split: [Int] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) -> (Outcome, [Outcome]) {
        let whole = read(bytes, spec, pieceBytes: nil, split: split, maxDepth: maxDepth)
        var parts: [Outcome] = []
        for size in sizes {
            let inPieces = read(bytes, spec, pieceBytes: size, split: split, maxDepth: maxDepth)
            XCTAssertEqual(inPieces, whole, "\(name): pieces of \(size) bytes", file: file, line: line)
            parts.append(inPieces)
        }
        return (whole, parts)
    }

    // MARK: - Generated documents

    /// The tests' seeded generator (`Cuts.SplitMix64`), with the draws the generators below need.
    struct Rng {
        var g: Cuts.SplitMix64
        init(state: UInt64) { g = Cuts.SplitMix64(seed: state) }
        mutating func int(_ n: Int) -> Int { Int.random(in: 0..<n, using: &g) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    }

    /// Deterministic sizes for splitting a source's reads.
    static func pieces(seed: UInt64, range: ClosedRange<Int> = 1...13) -> [Int] {
        var rng = Rng(state: seed)
        return (0..<257).map { _ in range.lowerBound + rng.int(range.count) }
    }

    static let texts = [
        "陈大明", "¥12 €3 𠀀镕", "ｱ·é", "JS00\(1)", "", " 普通门诊 ", "a &amp; b", "&lt;x&gt;", "&#38;&#x4E2D;", "2021-05-03", "1,234.50",
        "<![CDATA[<b>粗</b>]]>",
    ]
    /// Text that looks like a cut but is not one: inside a CDATA section or (as a comment) between fields.
    static let decoys = ["<![CDATA[</JL>]]>", "<!-- </JL> -->", "<!--</ZHSJ>-->"]

    /// A medical document: `tricky` adds what can fool the cutter (decoys in comments, CDATA
    /// sections and attribute values, a comment and a PI before the root, a grouping element).
    static func medicalDocument(_ rng: inout Rng, records: Int, tricky: Bool, crlf: Bool) -> String {
        let nl = crlf ? "\r\n" : "\n"
        var s = ""
        if rng.chance(80) { s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + nl }
        if tricky && rng.chance(50) { s += "<!-- 导出 </JL> -->" + nl + "<?export v=\"2\"?>" + nl }
        s += "<YBJSSJ DCDW=\"湛江市医疗保障局\"" + (rng.chance(50) ? nl + "  " : " ") + "JLS=\"\(records)\""
        if tricky && rng.chance(50) { s += " NOTE='a > b'" }  // `<` cannot be in a value, `>` can
        s += ">" + nl
        var grouped = false
        // one kind of trap per tricky document, or none: a decoy between records, in a field, a batch
        let trap = tricky ? rng.int(4) : 0
        for i in 1...max(records, 1) where records > 0 {
            if trap == 1 && rng.chance(4) { s += "  " + rng.pick(decoys) + nl }
            if trap == 3 && !grouped && rng.chance(4) {
                s += "<PC>" + nl  // records one level down, in a batch
                grouped = true
            }
            s += "  <JL" + (tricky && rng.chance(10) ? " BZ=\"/>\"" : "") + ">"
            for (k, name) in R.medicalFields.enumerated() where rng.chance(90) {
                if rng.chance(15) { s += nl + "    " }
                if k == 0 {
                    s += "<JSLSH>JS\(i)</JSLSH>"
                } else if rng.chance(10) {
                    s += "<\(name)/>"
                } else {
                    var text = rng.pick(texts)
                    if trap == 2 && rng.chance(1) { text += "<![CDATA[</JL>]]>" }
                    s += "<\(name)>\(text)</\(name)>"
                }
            }
            s += rng.chance(10) ? "</JL >" : "</JL>"
            if grouped && rng.chance(20) {
                s += "</PC>"
                grouped = false
            }
            s += nl
        }
        if grouped { s += "</PC>" + nl }
        s += "</YBJSSJ>" + nl
        if tricky && rng.chance(30) { s += "<!-- end -->" + nl }
        return s
    }

    /// A disaster document: records inside event groups, fields from the group's attributes.
    static func disasterDocument(_ rng: inout Rng, groups: Int) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ZQSJ JLS=\"0\">\n"
        for g in 1...groups {
            s += "<ZHSJ BH=\"ZH\(g)\" ZZ=\"洪涝\" MC=\"第\(g)号\" FSRQ=\"2021-0\(1 + g % 9)-01\">\n"
            for r in 0..<(1 + rng.int(5)) {
                s += "  <SZH><HZSFZH>4408\(g)\(r)</HZSFZH><HZXM>\(rng.pick(texts))</HZXM><XZ>下桥镇</XZ><CUN>村\(r)</CUN></SZH>\n"
            }
            s += "</ZHSJ>\n"
        }
        return s + "</ZQSJ>\n"
    }

    func testPiecesGiveTheSameRecordsAsOneParse() throws {
        var rng = Rng(state: 7)
        for round in 0..<24 {
            let crlf = round % 3 == 2
            let text = Self.medicalDocument(&rng, records: 20 + rng.int(60), tricky: false, crlf: crlf)
            let (whole, parts) = Self.assertPiecesAgree(
                Array(text.utf8), Self.medical, "plain \(round)",
                split: round % 2 == 0 ? [] : Self.pieces(seed: UInt64(round)))
            XCTAssertNil(whole.error, "plain \(round)")
            XCTAssertGreaterThan(whole.records.count, 19)
            // plain documents are cut and parsed on both cores, never handed to the sequential parse
            XCTAssertEqual(parts[1].pieces?.tookOver, false, "plain \(round)")
            XCTAssertGreaterThan(parts[1].pieces?.handed ?? 0, 10, "plain \(round)")
            XCTAssertEqual(parts.last?.pieces?.handed, 1, "one piece when the file is smaller than a piece")
        }
    }

    func testDecoysAndGroupsGiveTheSameRecords() throws {
        var rng = Rng(state: 11)
        var tookOver = 0, cut = 0
        for round in 0..<40 {
            let text = Self.medicalDocument(&rng, records: 10 + rng.int(50), tricky: true, crlf: round % 4 == 1)
            let (whole, parts) = Self.assertPiecesAgree(
                Array(text.utf8), Self.medical, "tricky \(round)",
                split: round % 3 == 0 ? [1, 7, 2] : [])
            XCTAssertNil(whole.error, "tricky \(round): \(text)")
            if parts[1].pieces?.tookOver == true { tookOver += 1 } else { cut += 1 }
        }
        print("decoys: \(cut) documents cut, \(tookOver) handed to the sequential parse")
        // both ways are exercised: decoys that fool the cutter, and documents cut anyway
        XCTAssertGreaterThan(tookOver, 0)
        XCTAssertGreaterThan(cut, 0)
    }

    func testGroupedRecordsAreCutBetweenGroups() throws {
        var rng = Rng(state: 3)
        for round in 0..<8 {
            let text = Self.disasterDocument(&rng, groups: 5 + rng.int(20))
            let (whole, parts) = Self.assertPiecesAgree(Array(text.utf8), Self.disaster, "disaster \(round)")
            XCTAssertNil(whole.error)
            XCTAssertEqual(parts[1].pieces?.tookOver, false)
            XCTAssertGreaterThan(parts[1].pieces?.handed ?? 0, 4)
            XCTAssertEqual(whole.records.first?.values[0], "ZH1")
        }
    }

    func testGB18030DocumentsAreCut() throws {
        var rng = Rng(state: 5)
        for round in 0..<6 {
            let text = Self.medicalDocument(&rng, records: 40, tricky: round % 2 == 1, crlf: round == 2)
                .replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"GB18030\"")
            guard text.hasPrefix("<?xml") else { continue }
            let bytes = try gb18030(text)
            let (whole, parts) = Self.assertPiecesAgree(
                bytes, Self.medical, "GB18030 \(round)",
                split: Self.pieces(seed: UInt64(round), range: 1...5))
            XCTAssertNil(whole.error)
            XCTAssertEqual(whole.records.count, 40)
            if round % 2 == 0 { XCTAssertEqual(parts[1].pieces?.tookOver, false) }
        }
    }

    /// Numbers and lines are those of the whole document, worked out by hand for three records per
    /// line-span: the head takes lines 1–3, record k starts on line 3k+1 and spans three lines.
    func testNumbersAndLinesAreThoseOfTheWholeDocument() throws {
        var text = "<?xml version=\"1.0\"?>\n<!-- two\nlines -->\n<YBJSSJ\n  JLS=\"30\">"
        for k in 1...30 { text += "\n<JL>\n<JSLSH>JS\(k)</JSLSH>\n</JL>" }
        text += "\n</YBJSSJ>\n"
        // head: line 1 declaration, lines 2-3 comment, lines 4-5 root start tag (ends on line 5)
        // record k: "<JL>" on line 5 + 3(k-1) + 1 = 3k + 3
        let (whole, parts) = Self.assertPiecesAgree(Array(text.utf8), Self.medical, "lines", sizes: [1, 30, 100])
        XCTAssertEqual(whole.records.map(\.number), Array(1...30))
        XCTAssertEqual(whole.records.map(\.line), (1...30).map { 3 * $0 + 3 })
        XCTAssertEqual(whole.records.map { $0.values[0] }, (1...30).map { "JS\($0)" })
        XCTAssertEqual(parts[0].pieces?.handed, 31, "a piece per record at 1 byte, and the root's end")
        XCTAssertEqual(parts[0].pieces?.tookOver, false)
        XCTAssertEqual(parts[2].records.map(\.line), (1...30).map { 3 * $0 + 3 })
    }

    // MARK: - Broken documents

    /// Bytes taken out, put in or cut off anywhere: the same records before the same error.
    func testBrokenDocumentsGiveTheSequentialError() throws {
        var rng = Rng(state: 23)
        let insertions: [[UInt8]] = [
            Array("<".utf8), Array("&".utf8), Array("</JL>".utf8), Array("<!DOCTYPE x>".utf8),
            Array("&ent;".utf8), [0xFF], [0x00], Array("<JL>".utf8),
        ]
        var errors = 0
        for round in 0..<60 {
            let text = Self.medicalDocument(&rng, records: 30, tricky: round % 2 == 0, crlf: false)
            var bytes = Array(text.utf8)
            let at = rng.int(bytes.count)
            switch round % 3 {
            case 0: bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.int(4)))
            case 1: bytes.insert(contentsOf: rng.pick(insertions), at: at)
            default: bytes.removeLast(bytes.count - at)
            }
            let (whole, _) = Self.assertPiecesAgree(bytes, Self.medical, "broken \(round)", sizes: [1, 64, 200])
            if whole.error != nil { errors += 1 }
        }
        XCTAssertGreaterThan(errors, 40, "most changes break the document")
    }

    func testRefusalsAreTheSequentialOnes() throws {
        let records = (1...40).map { "<JL><JSLSH>JS\($0)</JSLSH></JL>\n" }.joined()
        let cases: [(String, String)] = [
            ("DOCTYPE", "<?xml version=\"1.0\"?>\n<!DOCTYPE YBJSSJ [<!ENTITY a \"x\">]>\n<YBJSSJ>\n\(records)</YBJSSJ>\n"),
            ("entity", "<YBJSSJ>\n\(records)<JL><JSLSH>&a;</JSLSH></JL>\n\(records)</YBJSSJ>\n"),
            ("wrong root", "<MZJZ>\n\(records)</MZJZ>\n"),
            ("declared count", "<YBJSSJ JLS=\"many\">\n\(records)</YBJSSJ>\n"),
            (
                "deep",
                "<YBJSSJ>\n\(records)<JL>" + String(repeating: "<A>", count: 40) + String(repeating: "</A>", count: 40)
                    + "</JL>\n\(records)</YBJSSJ>\n"
            ),
            ("doctype in content", "<YBJSSJ>\n\(records)<!DOCTYPE x>\n\(records)</YBJSSJ>\n"),
            ("second root", "<YBJSSJ>\n\(records)</YBJSSJ>\n<YBJSSJ>\n\(records)</YBJSSJ>\n"),
            ("unclosed", "<YBJSSJ>\n\(records)<JL><JSLSH>x</JSLSH>\n\(records)"),
            ("text before the root", "导出\n<YBJSSJ>\n\(records)</YBJSSJ>\n"),
        ]
        for (name, text) in cases {
            let (whole, parts) = Self.assertPiecesAgree(Array(text.utf8), Self.medical, name, maxDepth: 32, sizes: [1, 50, 300])
            XCTAssertNotNil(whole.error, name)
            XCTAssertEqual(parts[0].pieces?.tookOver, true, name)
        }
        // UTF-16: the cutter finds no head it can copy, the sequential parse refuses the DOCTYPE
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE x [<!ENTITY a \"b\">]><YBJSSJ>\(records)</YBJSSJ>".utf16 {
            utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)]
        }
        let (whole, _) = Self.assertPiecesAgree(utf16, Self.medical, "UTF-16 DOCTYPE", sizes: [1, 100])
        guard case .doctypeForbidden = whole.error else { return XCTFail("\(whole)") }
    }

    func testSourceErrorsAndReopenFailures() throws {
        let text = "<YBJSSJ>\n" + (1...200).map { "<JL><JSLSH>JS\($0)</JSLSH></JL>\n" }.joined() + "</YBJSSJ>\n"
        let bytes = Array(text.utf8)
        for failAfter in [0, 10, 1000, 5000] {
            let reader = try XMLRecordReader(
                source: R.FailingSource(bytes, failAfter: failAfter), spec: Self.medical,
                reopen: { R.FailingSource(bytes, failAfter: failAfter) }, pieceBytes: 300)
            var n = 0
            XCTAssertThrowsError(try { while try reader.next() != nil { n += 1 } }()) {
                XCTAssertEqual($0 as? XMLReadError, .source("disk on fire"), "after \(failAfter) bytes")
            }
            // records before the failure are each handed out once, in order
            XCTAssertLessThanOrEqual(n, failAfter / 25 + 1)
        }
        struct Gone: Error, CustomStringConvertible { var description: String { "the file is gone" } }
        let broken = Array((text + "<x>").utf8)
        let reader = try XMLRecordReader(
            source: MemoryByteSource(broken), spec: Self.medical,
            reopen: { throw Gone() }, pieceBytes: 300)
        var n = 0
        XCTAssertThrowsError(try { while try reader.next() != nil { n += 1 } }()) {
            XCTAssertEqual($0 as? XMLReadError, .source("the file is gone"))
        }
        XCTAssertGreaterThan(n, 100, "the pieces parsed before the broken one were handed out")
    }

    /// A source that reads far ahead: it reports the whole file consumed from its first read.
    final class ReadAheadSource: ByteSource {
        let inner: MemoryByteSource
        let total: Int
        var started = false
        init(_ bytes: [UInt8]) { inner = MemoryByteSource(bytes); total = bytes.count }
        var consumedFileBytes: Int { started ? total : 0 }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            started = true
            return try inner.read(into: buffer)
        }
    }

    /// Progress (the file's bytes consumed) never goes back, even when the sequential parse takes over
    /// and reads the file again from its start, behind where the cutter had read.
    func testProgressNeverGoesBack() throws {
        // names of 300 bytes: the sequential parse hands a block (256 KB of field text) before the end
        let name = String(repeating: "x", count: 300)
        let records = (1...3000).map { "<JL><JSLSH>JS\($0)</JSLSH><XM>\(name)</XM></JL>\n" }
        let text =
            "<YBJSSJ>\n" + records[..<2000].joined() + "<!-- " + String(repeating: "</JL> ", count: 2000) + "-->\n"
            + records[2000...].joined() + "</YBJSSJ>\n"
        let bytes = Array(text.utf8)
        let reader = try XMLRecordReader(
            source: ReadAheadSource(bytes), spec: Self.medical,
            reopen: { MemoryByteSource(bytes, pieces: [1000]) }, pieceBytes: 4000)
        var last = 0, n = 0
        while try reader.next() != nil {
            n += 1
            XCTAssertGreaterThanOrEqual(reader.consumedFileBytes, last, "record \(n)")
            last = reader.consumedFileBytes
        }
        XCTAssertEqual(n, 3000)
        XCTAssertEqual(last, bytes.count)
        XCTAssertEqual(reader.parallelPieces?.tookOver, true, "the decoys in the comment fooled the cutter")
        XCTAssertGreaterThan(reader.parallelPieces?.handed ?? 0, 5)
    }

    /// A reader dropped half-way stops both parse threads (none outlives it).
    func testDroppingTheReaderStopsTheThreads() throws {
        let text = "<YBJSSJ>\n" + (1...5000).map { "<JL><JSLSH>JS\($0)</JSLSH></JL>\n" }.joined() + "</YBJSSJ>\n"
        let bytes = Array(text.utf8)
        for stopAfter in [0, 1, 700] {
            weak var source: MemoryByteSource?
            do {
                let memory = MemoryByteSource(bytes)
                source = memory
                let reader = try XMLRecordReader(
                    source: memory, spec: Self.medical,
                    reopen: { MemoryByteSource(bytes) }, pieceBytes: 1000)
                for _ in 0..<stopAfter { _ = try reader.next() }
            }
            let deadline = Date().addingTimeInterval(Bounds.seconds(2))
            while source != nil && Date() < deadline { usleep(1000) }
            XCTAssertNil(source, "a parse thread still holds the file after \(stopAfter) records")
        }
    }

    // MARK: - GB18030

    /// The table decodes exactly as iconv does, and refuses (nil) what it cannot decode.
    func testGB18030TableDecodesAsIconv() throws {
        guard let table = GB18030Table.shared else { throw XCTSkip("iconv has no GB18030") }
        var rng = Rng(state: 99)
        // every two-byte code, and runs of ASCII, two- and four-byte characters (BMP and beyond)
        var text = ""
        for _ in 0..<4000 {
            switch rng.int(6) {
            case 0: text += "<JL a=\"1\">"
            case 1: text.unicodeScalars.append(Unicode.Scalar(UInt32(0x4E00 + rng.int(0x9FA5 - 0x4E00)))!)
            case 2: text += rng.pick(["¥", "€", "𠀀", "😀", "ﬀ", "\u{E5E5}", "·", "ü"])
            case 3: text += String(repeating: "x", count: rng.int(20))
            default: text += rng.pick(Self.texts)
            }
        }
        let bytes = try gb18030(text)
        let decoded = bytes.withUnsafeBufferPointer { table.decode($0) }
        XCTAssertEqual(decoded.map { String(decoding: $0.text, as: UTF8.self) }, text)
        XCTAssertEqual(decoded?.used, bytes.count)
        // cut anywhere, a block leaves its last character, whole, to the next
        for cut in [1, 2, 3, 5, 8, 100, 1001, bytes.count - 1] {
            let first = bytes.withUnsafeBufferPointer { table.decode(UnsafeBufferPointer(rebasing: $0[0..<cut]), final: false) }
            guard let first else { XCTFail("cut at \(cut)"); continue }
            XCTAssertLessThanOrEqual(cut - first.used, 3)
            let rest = bytes.withUnsafeBufferPointer { table.decode(UnsafeBufferPointer(rebasing: $0[first.used...])) }
            XCTAssertEqual(rest.map { first.text + $0.text }, decoded?.text, "cut at \(cut)")
            if cut - first.used > 0 {
                XCTAssertNil(
                    bytes.withUnsafeBufferPointer { table.decode(UnsafeBufferPointer(rebasing: $0[0..<cut])) },
                    "a cut character at the end of the text is an error")
            }
        }
        var allPairs: [UInt8] = []
        for lead in UInt8(0x81)...0xFE { for trail in UInt8(0x40)...0xFE where trail != 0x7F { allPairs += [lead, trail, 0x20] } }
        var viaIconv: [UInt8] = []
        let converter = try GB18030Converter()
        var tableOut: [UInt8] = []
        for k in stride(from: 0, to: allPairs.count, by: 3) {
            let pair = Array(allPairs[k..<(k + 2)])
            var one: [UInt8] = []
            let ok = (try? pair.withUnsafeBufferPointer { try converter.convert($0, at: 0, final: true, into: &one) }) == 2
            let fromTable = pair.withUnsafeBufferPointer { table.decode($0)?.text }
            if let fromTable { XCTAssertTrue(ok, "\(pair)"); XCTAssertEqual(fromTable, one, "\(pair)") }
            if ok, let fromTable { viaIconv += one; tableOut += fromTable }
        }
        XCTAssertGreaterThan(tableOut.count, 20_000 * 2, "nearly every two-byte code is in the table")
        XCTAssertEqual(tableOut, viaIconv)
        for bad: [UInt8] in [[0x80], [0xFF], [0x41, 0x81], [0x81, 0x7F], [0x81, 0x20], [0x81, 0x30, 0x20, 0x30], [0x81, 0x30, 0x81]] {
            XCTAssertNil(bad.withUnsafeBufferPointer { table.decode($0) }, "\(bad)")
        }
    }

    func testGB18030Declaration() {
        func declared(_ s: String) -> Bool { Array(s.utf8).withUnsafeBufferPointer { GB18030Table.declared(inHead: $0) } }
        XCTAssertTrue(declared("<?xml version=\"1.0\" encoding=\"GB18030\"?><R>"))
        XCTAssertTrue(declared("<?xml version='1.0' encoding = 'gb18030' standalone='yes'?>\n<R>"))
        XCTAssertFalse(declared("<?xml version=\"1.0\" encoding=\"UTF-8\"?><R>"))
        XCTAssertFalse(declared("<?xml version=\"1.0\" encoding=\"GBK\"?><R>"))
        XCTAssertFalse(declared("<?xml version=\"1.0\"?><R>"))
        XCTAssertFalse(
            declared("\u{FEFF}<?xml version=\"1.0\" encoding=\"GB18030\"?><R>"), "a UTF-8 byte-order mark is libxml2's to settle")
        XCTAssertFalse(declared("<R><?xml encoding=\"GB18030\"?>"))
    }

    // MARK: - The cutter

    func testHeadAndTopLevelName() {
        func head(_ s: String) -> String? {
            let b = Array(s.utf8)
            return b.withUnsafeBufferPointer { p in
                XMLPieceCutter.findHead(p).map {
                    String(decoding: b[0..<$0.0], as: UTF8.self) + "|" + String(decoding: b[$0.1], as: UTF8.self)
                }
            }
        }
        XCTAssertEqual(
            head("<?xml version=\"1.0\"?>\n<!-- c -->\n<?pi x?>\n<R a=\"1>2\" b='/>'>\n<JL/>"),
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<?pi x?>\n<R a=\"1>2\" b='/>'>|R")
        XCTAssertEqual(head("\u{FEFF}<R\n>x"), "\u{FEFF}<R\n>|R")
        XCTAssertNil(head("<!DOCTYPE R><R>"))
        XCTAssertNil(head("<R/>"))
        XCTAssertNil(head("<R a=\"x"))
        XCTAssertEqual(head("text<R>"), "text<R>|R", "text before the root is libxml2's to refuse, in the first piece")
        XCTAssertNil(head("<![CDATA[x]]><R>"))
        XCTAssertNil(head("<R\0>"))

        func name(_ s: String) -> String? {
            let b = Array(s.utf8)
            return b.withUnsafeBufferPointer { XMLPieceCutter.topLevelName($0, from: 0).map { String(decoding: $0, as: UTF8.self) } }
        }
        XCTAssertEqual(name("<HEAD><X/></HEAD><!-- <A></A> --><JL a='</B>'><B></B></JL><![CDATA[</C>]]><JL/><?p </D>?>"), "JL")
        XCTAssertEqual(name("<G><JL/><JL/></G><G></G>"), "G")
        XCTAssertEqual(name("<A></A><B></B>"), "A", "ties go to the name seen first")
        XCTAssertNil(name("<G><JL></JL>"), "nothing closed at the top level yet")
        XCTAssertNil(name("text only"))
    }
}
