import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

final class XMLRecordReaderTests: XCTestCase {

    // MARK: - Fixtures

    /// The department samples kept in the repository (fixtures/samples, see its README).
    static let samples: URL = SharedSamples.root

    static let medicalFields = [
        "JSLSH", "JSLX", "YJSLSH", "SFZH", "XM", "JZLX", "YLJGMC", "RYRQ", "CYRQ",
        "JSRQ", "YLZFY", "TCZF", "DBZF", "YLJZ", "GRZF",
    ]
    static let medical = XMLRecordSpec(
        root: "YBJSSJ", record: "JL", fields: medicalFields.map { ($0, $0) }, countAttribute: "JLS")
    static let civil = XMLRecordSpec(
        root: "MZJZ", record: "JZJL",
        fields: ["SFZH", "XM", "JZLX", "BDLX", "BZRS", "JE", "RQ"].map { ($0, $0) }, countAttribute: "JLS")
    static let disaster = XMLRecordSpec(
        root: "ZQSJ", record: "SZH",
        fields: [
            ("event_id", "ZHSJ/@BH"), ("hazard", "ZHSJ/@ZZ"), ("event_name", "ZHSJ/@MC"),
            ("occurred", "ZHSJ/@FSRQ"), ("person_id", "HZSFZH"), ("name", "HZXM"), ("town", "XZ"),
            ("village", "CUN"), ("house_damage", "FWSH"), ("crop_area_mu", "NZWSZMJ"),
            ("direct_loss", "ZJJJSS"),
        ],
        countAttribute: "JLS")

    static let medicalGB = "messy/medical/医保结算_202104-202105.xml"
    static let medicalResent = "messy/medical/医保结算_补传.xml"
    static let civilGB = "messy/civil/民政救助_202105.xml"
    static let disasterGz = "messy/disaster/灾情_2021.xml.gz"

    func samplePath(_ relative: String) -> String {
        Self.samples.appendingPathComponent(relative).path
    }

    func sampleBytes(_ relative: String) throws -> [UInt8] {
        let source = try openByteSource(path: samplePath(relative))  // inflates .gz
        return try drain(source)
    }

    func drain(_ source: ByteSource) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    struct ReadResult: Equatable {
        var records: [XMLRecord]
        var rootAttributes: [String: String]
        var declaredCount: Int?
        var fieldsSeen: Set<Int>
    }

    func readAll(_ source: ByteSource, _ spec: XMLRecordSpec, maxDepth: Int = 32) throws -> ReadResult {
        let reader = try XMLRecordReader(source: source, spec: spec, maxDepth: maxDepth)
        var records: [XMLRecord] = []
        while let r = try reader.next() { records.append(r) }
        XCTAssertNil(try reader.next(), "stays at the end")
        XCTAssertEqual(reader.recordsRead, records.count)
        return ReadResult(
            records: records, rootAttributes: reader.rootAttributes,
            declaredCount: reader.declaredCount, fieldsSeen: reader.fieldsSeen)
    }

    /// Also checks that the parse in pieces on both cores gives the same (`XMLParallelParseTests`).
    func readAll(
        _ text: String, _ spec: XMLRecordSpec, maxDepth: Int = 32,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> ReadResult {
        XMLParallelParseTests.assertPiecesAgree(
            Array(text.utf8), spec, "readAll", maxDepth: maxDepth, sizes: [1, 50],
            file: file, line: line)
        return try readAll(MemoryByteSource(Array(text.utf8)), spec, maxDepth: maxDepth)
    }

    /// Reads until the reader throws; returns the error, the records read before it and the time taken.
    func readError(
        _ source: ByteSource, _ spec: XMLRecordSpec = medical, maxDepth: Int = 32,
        file: StaticString = #filePath, line: UInt = #line
    ) -> (XMLReadError?, [XMLRecord], TimeInterval) {
        let start = Date()
        var records: [XMLRecord] = []
        do {
            let reader = try XMLRecordReader(source: source, spec: spec, maxDepth: maxDepth)
            while let r = try reader.next() { records.append(r) }
            XCTFail("expected an error, read \(records.count) records", file: file, line: line)
            return (nil, records, Date().timeIntervalSince(start))
        } catch let e as XMLReadError {
            // An error sticks: the next call throws it again.
            return (e, records, Date().timeIntervalSince(start))
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return (nil, records, Date().timeIntervalSince(start))
        }
    }

    /// Also checks that the parse in pieces on both cores gives the same (`XMLParallelParseTests`).
    func readError(
        _ text: String, _ spec: XMLRecordSpec = medical, maxDepth: Int = 32,
        file: StaticString = #filePath, line: UInt = #line
    ) -> (XMLReadError?, [XMLRecord], TimeInterval) {
        XMLParallelParseTests.assertPiecesAgree(
            Array(text.utf8), spec, "readError", maxDepth: maxDepth, sizes: [1, 50],
            file: file, line: line)
        return readError(MemoryByteSource(Array(text.utf8)), spec, maxDepth: maxDepth, file: file, line: line)
    }

    func value(_ r: XMLRecord, _ spec: XMLRecordSpec, _ name: String) -> String? {
        guard let i = spec.fields.firstIndex(where: { $0.name == name }) else { return nil }
        return r.values[i]
    }

    /// Deterministic piece sizes (SplitMix64).
    func pieces(seed: UInt64, count: Int = 257, range: ClosedRange<Int> = 1...13) -> [Int] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return range.lowerBound + Int(z % UInt64(range.count))
        }
    }

    // MARK: - Samples

    func testMedicalGB18030Sample() throws {
        let spec = Self.medical
        let result = try readAll(try FileByteSource(path: samplePath(Self.medicalGB)), spec)
        XCTAssertEqual(result.records.count, 353)
        XCTAssertEqual(result.declaredCount, 353)
        XCTAssertEqual(result.declaredCount, result.records.count)
        XCTAssertEqual(result.rootAttributes["DCDW"], "湛江市医疗保障局")
        XCTAssertEqual(result.rootAttributes["DCSJ"], "2021-06-02 08:00:00")
        XCTAssertEqual(result.fieldsSeen, Set(0..<spec.fields.count))

        let first = result.records[0]
        XCTAssertEqual(first.number, 1)
        XCTAssertEqual(first.line, 3)
        XCTAssertEqual(value(first, spec, "JSLSH"), "JS202106110000313")
        XCTAssertEqual(value(first, spec, "XM"), "李建刚")
        XCTAssertEqual(value(first, spec, "YLJGMC"), "广东医科大学附属医院")
        XCTAssertEqual(value(first, spec, "YJSLSH"), "", "<YJSLSH/> is present and empty")
        XCTAssertEqual(value(first, spec, "RYRQ"), "")
        XCTAssertEqual(value(first, spec, "GRZF"), "175.43")

        // A reversal (冲销) on line 125 names the settlement it reverses.
        let reversal = try XCTUnwrap(result.records.first { value($0, spec, "JSLSH") == "CX202107280000507" })
        XCTAssertEqual(reversal.line, 125)
        XCTAssertEqual(reversal.number, 123)
        XCTAssertEqual(value(reversal, spec, "JSLX"), "2")
        XCTAssertEqual(value(reversal, spec, "YJSLSH"), "JS202107280000507")
        XCTAssertEqual(value(reversal, spec, "XM"), "邱霞艳")
        XCTAssertEqual(value(reversal, spec, "YLZFY"), "-474.22")

        let last = try XCTUnwrap(result.records.last)
        XCTAssertEqual(last.number, 353)
        XCTAssertEqual(last.line, 355)
        XCTAssertEqual(value(last, spec, "XM"), "李秀")
        for (i, r) in result.records.enumerated() {
            XCTAssertEqual(r.number, i + 1)
            XCTAssertEqual(r.line, i + 3)
        }
    }

    func testResentMedicalSampleDeclaresMoreRecordsThanItHolds() throws {
        let result = try readAll(try FileByteSource(path: samplePath(Self.medicalResent)), Self.medical)
        XCTAssertEqual(result.records.count, 50)
        XCTAssertEqual(result.declaredCount, 80, "a truncated transfer: the caller rejects the file")
        XCTAssertNotEqual(result.declaredCount, result.records.count)
        XCTAssertEqual(value(result.records[49], Self.medical, "XM"), "符涛福")
        XCTAssertEqual(value(result.records[5], Self.medical, "YLJGMC"), "徐闻县人民医院(北院),住院部")
    }

    func testCivilSample() throws {
        let spec = Self.civil
        let result = try readAll(try FileByteSource(path: samplePath(Self.civilGB)), spec)
        XCTAssertEqual(result.records.count, 13)
        XCTAssertEqual(result.declaredCount, 13)
        XCTAssertEqual(result.rootAttributes["DCDW"], "徐闻县民政局")
        let first = result.records[0]
        XCTAssertEqual(first.values, ["440825198805221070", "庄勇娜", "临时救助", "新增", "3", "4276.89", "2020/10/27"])
        XCTAssertEqual(first.line, 3)
        XCTAssertEqual(value(result.records[12], spec, "XM"), "蔡玉")
        XCTAssertEqual(value(result.records[12], spec, "JZLX"), "低保")
    }

    func testDisasterGzipSampleInheritsEventFields() throws {
        let spec = Self.disaster
        // openByteSource puts the capped InflateByteSource in front of the file.
        let result = try readAll(try openByteSource(path: samplePath(Self.disasterGz)), spec)
        XCTAssertEqual(result.records.count, 7)
        XCTAssertNil(result.declaredCount, "no JLS on this root")
        XCTAssertEqual(result.rootAttributes["DCDW"], "徐闻县应急管理局")
        XCTAssertEqual(
            result.records.map { value($0, spec, "event_id") },
            ["ZH2020015", "ZH2021001", "ZH2021001", "ZH2021001", "ZH2021004", "ZH2021004", "ZH2021004"])
        XCTAssertEqual(
            result.records.map { value($0, spec, "hazard") },
            ["台风", "低温冷冻", "低温冷冻", "低温冷冻", "风雹", "风雹", "风雹"])
        XCTAssertEqual(result.records.map(\.line), [4, 7, 8, 9, 12, 13, 14])
        let second = result.records[1]
        XCTAssertEqual(
            second.values,
            [
                "ZH2021001", "低温冷冻", "2021年1月低温冷冻灾害", "2021/1/12", "44082519620715514X",
                "蔡华", "前山镇", "头沟村", "无", "2.6", "7008.75",
            ])
        XCTAssertEqual(value(result.records[0], spec, "event_name"), "2020年第16号台风浪卡")
        XCTAssertEqual(value(result.records[6], spec, "name"), "郑刚")
        XCTAssertEqual(result.fieldsSeen, Set(0..<spec.fields.count))
    }

    // MARK: - Input splits

    func testSameRecordsWhateverTheInputSplit() throws {
        var bom = [UInt8]([0xEF, 0xBB, 0xBF])
        bom += try sampleBytes(Self.medicalResent)
        let medicalGB = try sampleBytes(Self.medicalGB)
        let crlf = medicalGB.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        let cases: [(String, [UInt8], XMLRecordSpec)] = [
            ("medical GB18030", medicalGB, Self.medical),
            ("medical GB18030 CRLF", crlf, Self.medical),
            ("medical UTF-8", try sampleBytes(Self.medicalResent), Self.medical),
            ("medical UTF-8 BOM", bom, Self.medical),
            ("civil GB18030", try sampleBytes(Self.civilGB), Self.civil),
            ("disaster UTF-8", try sampleBytes(Self.disasterGz), Self.disaster),
        ]
        let crlfExpected = try readAll(MemoryByteSource(medicalGB), Self.medical)
        for (name, bytes, spec) in cases {
            XMLParallelParseTests.assertPiecesAgree(bytes, spec, name, sizes: [1, 100, 1000])
            let whole = try readAll(MemoryByteSource(bytes), spec)
            XCTAssertFalse(whole.records.isEmpty, name)
            if name.hasSuffix("CRLF") { XCTAssertEqual(whole, crlfExpected, "CRLF reads as LF") }
            for seed in UInt64(1)...12 {
                let split = try readAll(MemoryByteSource(bytes, pieces: pieces(seed: seed)), spec)
                XCTAssertEqual(split, whole, "\(name), seed \(seed)")
            }
            // One byte at a time: every multi-byte character is cut.
            XCTAssertEqual(try readAll(MemoryByteSource(bytes, pieces: [1]), spec), whole, "\(name), 1-byte pieces")
        }
        // And the gzip sample split before the inflater.
        let gz = try drain(FileByteSource(path: samplePath(Self.disasterGz)))
        let whole = try readAll(MemoryByteSource(try sampleBytes(Self.disasterGz)), Self.disaster)
        for seed in UInt64(1)...6 {
            let source = try InflateByteSource(MemoryByteSource(gz, pieces: pieces(seed: seed)))
            XCTAssertEqual(try readAll(source, Self.disaster), whole, "gzip, seed \(seed)")
        }
    }

    // MARK: - Field paths

    func testFieldPathForms() throws {
        let spec = XMLRecordSpec(
            root: "R", record: "REC",
            fields: [
                ("id", "@ID"), ("event", "EV/@BH"), ("group", "G/@N"), ("name", "XM"), ("deep", "A/B"),
                ("note", "BZ"), ("missing", "NONE"), ("self", "REC/@ID"), ("rootattr", "R/@DCDW"),
            ],
            countAttribute: "JLS")
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment with <!DOCTYPE inside it is not a DOCTYPE -->
            <?pi data?>
            <R xmlns:x="urn:x" DCDW="单位" JLS=" 4 ">
              <G N="outer">
                <EV BH="E1">
                  <REC ID="1"><XM>陈<b>大</b><![CDATA[明<&>]]></XM><A><B>deep</B><B>second</B></A><X>ignored</X><BZ>  a &amp; b &#x4E2D; </BZ></REC>
                  <EV BH="E2"><REC ID="2"><XM>first</XM><XM>second</XM><BZ/></REC></EV>
                  <REC ID="3"><x:XM>namespaced</x:XM><BZ>
            multi
            line</BZ></REC>
                </EV>
              </G>
              <EV BH="E3"/>
              <REC ID="4"/>
            </R>
            """
        let result = try readAll(xml, spec)
        XCTAssertEqual(result.declaredCount, 4)
        XCTAssertEqual(result.rootAttributes, ["DCDW": "单位", "JLS": " 4 "], "namespace declarations are not attributes")
        XCTAssertEqual(result.records.count, 4)
        XCTAssertEqual(
            result.records[0].values,
            ["1", "E1", "outer", "陈大明<&>", "deep", "  a & b 中 ", nil, "1", "单位"])
        XCTAssertEqual(result.records[0].line, 7)
        XCTAssertEqual(
            result.records[1].values,
            ["2", "E2", "outer", "first", nil, "", nil, "2", "单位"], "nearest EV wins; first XM wins")
        XCTAssertEqual(
            result.records[2].values,
            ["3", "E1", "outer", "namespaced", nil, "\nmulti\nline", nil, "3", "单位"], "back to the outer EV")
        XCTAssertEqual(result.records[2].line, 9)
        XCTAssertEqual(
            result.records[3].values,
            ["4", nil, nil, nil, nil, nil, nil, "4", "单位"], "empty record; EV E3 and G closed")
        XCTAssertEqual(result.records[3].line, 15)
        XCTAssertEqual(result.fieldsSeen, [0, 1, 2, 3, 4, 5, 7, 8], "field 6 never appeared")
    }

    func testBadFieldPathIsRefused() {
        for path in ["", "A//B", "@", "A/@B/C", "A/B/@C", "@A/@B", "@A/B"] {
            let spec = XMLRecordSpec(root: "R", record: "REC", fields: [("f", path)])
            XCTAssertThrowsError(try XMLRecordReader(source: MemoryByteSource([]), spec: spec), path) {
                XCTAssertEqual(
                    $0 as? InputError,
                    .xml(
                        "XML field path \"\(path)\" is not one of the forms NAME, NAME/NAME, @ATTR, ELEMENT/@ATTR"))
            }
        }
    }

    // MARK: - Hostile and broken input

    let boundSeconds: TimeInterval = 1

    func testBillionLaughsIsRefusedAtTheDoctype() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE YBJSSJ [\n<!ENTITY lol \"lol\">\n"
        for i in 1...9 {
            let previous = i == 1 ? "lol" : "lol\(i - 1)"
            xml += "<!ENTITY lol\(i) \"\(String(repeating: "&\(previous);", count: 10))\">\n"
        }
        xml += "]>\n<YBJSSJ JLS=\"1\"><JL><JSLSH>&lol9;</JSLSH></JL></YBJSSJ>\n"
        for pieces in [[], [1], self.pieces(seed: 7)] {
            let (error, records, time) = readError(MemoryByteSource(Array(xml.utf8), pieces: pieces))
            XCTAssertEqual(error, .doctypeForbidden(line: 2))
            XCTAssertTrue(records.isEmpty)
            XCTAssertLessThan(time, boundSeconds)
        }
    }

    func testQuadraticBlowupIsRefused() {
        let big = String(repeating: "A", count: 100_000)
        let refs = String(repeating: "&a;", count: 50_000)
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE YBJSSJ [<!ENTITY a \"\(big)\">]>\n<YBJSSJ><JL><JSLSH>\(refs)</JSLSH></JL></YBJSSJ>"
        let (error, records, time) = readError(xml)
        XCTAssertEqual(error, .doctypeForbidden(line: 2))
        XCTAssertTrue(records.isEmpty)
        XCTAssertLessThan(time, boundSeconds)
    }

    func testExternalEntitiesAreRefusedAndNeverRead() {
        for target in ["file:///etc/passwd", "http://127.0.0.1:9/", "/etc/passwd"] {
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE YBJSSJ [ <!ENTITY xxe SYSTEM "\(target)"> ]>
                <YBJSSJ JLS="1"><JL><JSLSH>&xxe;</JSLSH><XM>x</XM></JL></YBJSSJ>
                """
            let (error, records, time) = readError(xml)
            XCTAssertEqual(error, .doctypeForbidden(line: 2), target)
            XCTAssertFalse(records.contains { $0.values.contains { $0?.contains("root:") ?? false } })
            XCTAssertLessThan(time, boundSeconds)
        }
        // A parameter entity pulling in an external DTD.
        let pe = """
            <?xml version="1.0"?>
            <!-- export -->
            <!DOCTYPE YBJSSJ SYSTEM "http://127.0.0.1:9/x.dtd" [ <!ENTITY % p SYSTEM "file:///etc/passwd"> %p; ]>
            <YBJSSJ/>
            """
        let (error, _, time) = readError(pe)
        XCTAssertEqual(error, .doctypeForbidden(line: 3))
        XCTAssertLessThan(time, boundSeconds)
    }

    func testDoctypeIsRefusedEvenWhenTheByteScanCannotSeeIt() {
        // UTF-16 hides the ASCII bytes of "<!DOCTYPE" from the prolog scan: the DOCTYPE node is refused
        // when libxml2 reports it, and the external entity is still never loaded.
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE YBJSSJ [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<YBJSSJ><JL><JSLSH>&xxe;</JSLSH></JL></YBJSSJ>"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let (error, records, time) = readError(MemoryByteSource(bytes))
        guard case .doctypeForbidden = error else { return XCTFail("\(String(describing: error))") }  // line approximate here
        XCTAssertTrue(records.isEmpty)
        XCTAssertLessThan(time, boundSeconds)
    }

    func testBillionLaughsInUTF16IsStillRefused() {
        // Without the byte scan, libxml2 parses the DTD and meets the entity loop before it hands
        // out the DOCTYPE node; its guard stops it, and the reader still names the DOCTYPE.
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE YBJSSJ [\n<!ENTITY lol \"lol\">\n"
        for i in 1...9 {
            let previous = i == 1 ? "lol" : "lol\(i - 1)"
            xml += "<!ENTITY lol\(i) \"\(String(repeating: "&\(previous);", count: 10))\">\n"
        }
        xml += "]>\n<YBJSSJ JLS=\"1\"><JL><JSLSH>&lol9;</JSLSH></JL></YBJSSJ>\n"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let (error, records, time) = readError(MemoryByteSource(bytes))
        guard case .doctypeForbidden = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(records.isEmpty)
        XCTAssertLessThan(time, boundSeconds)
    }

    func testEntityReferencesWithoutDeclarationAreMalformed() {
        let (error, _, time) = readError("<?xml version=\"1.0\"?>\n<YBJSSJ><JL><JSLSH>&xxe;</JSLSH></JL></YBJSSJ>")
        guard case .malformed(let line, _, let message) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(line, 2)
        XCTAssertTrue(message.contains("xxe"), message)
        XCTAssertLessThan(time, boundSeconds)
    }

    func testDeepNestingIsRefused() {
        let xml =
            "<?xml version=\"1.0\"?>\n<YBJSSJ>\n" + String(repeating: "<a>", count: 10_000)
            + String(repeating: "</a>", count: 10_000) + "</YBJSSJ>"
        let (error, _, time) = readError(xml)
        XCTAssertEqual(error, .tooDeep(line: 3, limit: 32))
        XCTAssertLessThan(time, boundSeconds)
        let (error2, _, _) = readError(MemoryByteSource(Array(xml.utf8), pieces: pieces(seed: 3)), maxDepth: 5)
        XCTAssertEqual(error2, .tooDeep(line: 3, limit: 5))
        // Depth within the limit is fine.
        let ok = "<YBJSSJ>" + String(repeating: "<a>", count: 31) + String(repeating: "</a>", count: 31) + "</YBJSSJ>"
        XCTAssertNoThrow(try readAll(ok, Self.medical))
    }

    func testUnclosedTagIsMalformedWithLineAndColumn() {
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<YBJSSJ JLS=\"2\">\n  <JL><JSLSH>1</JSLSH></JL>\n  <JL><JSLSH>2</JSLSH>\n</YBJSSJ>\n"
        let (error, records, time) = readError(xml)
        XCTAssertLessThanOrEqual(records.count, 1, "records before the fault may be handed out; the caller rejects the file")
        guard case .malformed(let line, let column, let message) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(line, 5)
        XCTAssertEqual(column, 10)
        XCTAssertTrue(message.contains("JL"), message)
        XCTAssertLessThan(time, boundSeconds)

        let (truncated, _, _) = readError("<?xml version=\"1.0\"?>\n<YBJSSJ>\n  <JL><JSLSH>1</JS")
        guard case .malformed(let tline, _, _) = truncated else { return XCTFail("\(String(describing: truncated))") }
        XCTAssertEqual(tline, 3)
    }

    func testUndecodableBytesAreMalformedWithPosition() {
        var rows = ""
        for i in 0..<500 { rows += "  <JL><JSLSH>\(i)</JSLSH><XM>陈大明</XM></JL>\n" }
        // GB18030: 0x81 must be followed by a trail byte; 0x20 is not one.
        func gb18030(_ text: String) -> [UInt8] {  // enough for ASCII and 陈大明
            Array(text.replacingOccurrences(of: "陈大明", with: "\u{1}").utf8).flatMap {
                $0 == 1 ? [0xB3, 0xC2, 0xB4, 0xF3, 0xC3, 0xF7] : [$0]
            }
        }
        var gb = gb18030("<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<YBJSSJ>\n" + rows)
        gb += Array("  <JL><XM>".utf8) + [0x81, 0x20] + Array("</XM></JL>\n".utf8)
        gb += gb18030(rows + "</YBJSSJ>\n")
        var utf8 = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<YBJSSJ>\n\(rows)  <JL><XM>".utf8)
        utf8 += [0xE9, 0x99] + Array("</XM></JL>\n\(rows)</YBJSSJ>\n".utf8)  // a cut 3-byte character
        for (name, bytes) in [("GB18030", gb), ("UTF-8", utf8)] {
            for p in [[], pieces(seed: 11)] {
                let (error, records, time) = readError(MemoryByteSource(bytes, pieces: p))
                guard case .malformed(let line, let column, _) = error else {
                    XCTFail("\(name): \(String(describing: error))"); continue
                }
                XCTAssertEqual(line, 503, name)
                XCTAssertEqual(column, 11, name)
                XCTAssertLessThanOrEqual(records.count, 500, name)
                XCTAssertLessThan(time, boundSeconds)
            }
        }
    }

    func testWrongRoot() {
        let (error, _, time) = readError("<?xml version=\"1.0\"?>\n<MZJZ JLS=\"0\"></MZJZ>")
        XCTAssertEqual(error, .wrongRoot(expected: "YBJSSJ", found: "MZJZ"))
        XCTAssertLessThan(time, boundSeconds)
    }

    func testNonIntegerDeclaredCount() {
        for bad in ["abc", "1.5", "-1", "", "4.40825E+17"] {
            let (error, _, time) = readError("<?xml version=\"1.0\"?>\n<YBJSSJ JLS=\"\(bad)\"><JL/></YBJSSJ>")
            XCTAssertEqual(error, .badDeclaredCount(bad))
            XCTAssertLessThan(time, boundSeconds)
        }
    }

    func testEmptyAndNonXMLInput() {
        let (empty, _, _) = readError("")
        XCTAssertEqual(empty, .malformed(line: 1, column: 1, message: "the file is empty"))
        let (csv, _, _) = readError("结算流水号,结算类型\nJS1,1\n")
        guard case .malformed = csv else { return XCTFail("\(String(describing: csv))") }
    }

    final class FailingSource: ByteSource {
        struct Boom: Error, CustomStringConvertible { var description: String { "disk on fire" } }
        let inner: MemoryByteSource
        var remaining: Int
        init(_ bytes: [UInt8], failAfter: Int) { inner = MemoryByteSource(bytes); remaining = failAfter }
        var consumedFileBytes: Int { inner.consumedFileBytes }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            if remaining <= 0 { throw Boom() }
            let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, remaining)]))
            remaining -= n
            return n
        }
    }

    func testSourceErrorsAreReportedAsThemselves() throws {
        let bytes = try sampleBytes(Self.medicalResent)
        for failAfter in [0, 2, 100, 5000] {
            let (error, _, _) = readError(FailingSource(bytes, failAfter: failAfter))
            XCTAssertEqual(error, .source("disk on fire"), "after \(failAfter) bytes")
        }
    }

    func testGzipBombIsASourceError() throws {
        // 2 MB of one repeated record, gzip-compressed to a few KB.
        let records = String(repeating: "<JL><JSLSH>JS1</JSLSH></JL>\n", count: (2 << 20) / 28)
        let plain = Array("<?xml version=\"1.0\"?>\n<YBJSSJ>\n\(records)</YBJSSJ>\n".utf8)
        let gz = try Self.gzip(plain)
        let cases: [(InflateLimits, String, String)] = [
            (
                InflateLimits(maxInflatedBytes: 512 << 10, maxRatio: 1_000_000, ratioGrace: 1 << 30),
                "gzip inflates past 524288 bytes", "refused as a compression bomb"
            ),
            (
                InflateLimits(maxInflatedBytes: 1 << 30, maxRatio: 50, ratioGrace: 256 << 10),
                "gzip inflates", "(more than 50×): refused as a compression bomb"
            ),
        ]
        for (limits, prefix, suffix) in cases {
            let start = Date()
            let reader = try XMLRecordReader(source: InflateByteSource(MemoryByteSource(gz), limits: limits), spec: Self.medical)
            var count = 0
            do {
                while try reader.next() != nil { count += 1 }
                XCTFail("expected the cap to stop the file")
            } catch let e as XMLReadError {
                guard case .source(let message) = e else { XCTFail("\(e)"); continue }
                XCTAssertTrue(message.hasPrefix(prefix), message)
                XCTAssertTrue(message.hasSuffix(suffix), message)
            }
            XCTAssertGreaterThan(count, 0)
            XCTAssertLessThan(Date().timeIntervalSince(start), boundSeconds)
        }
        // A truncated gzip file: the inflater's own message, not a parse error.
        let sample = try drain(FileByteSource(path: samplePath(Self.disasterGz)))
        let (truncated, _, _) = readError(
            try InflateByteSource(MemoryByteSource(Array(sample.prefix(sample.count / 2)))),
            Self.disaster)
        XCTAssertEqual(truncated, .source(InputError.gzipCorrupt("the stream ends before its end marker (truncated file)").description))
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xmlreader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("f")
        try Data(bytes).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-n", file.path]
        try p.run()
        p.waitUntilExit()
        return Array(try Data(contentsOf: dir.appendingPathComponent("f.gz")))
    }

    func testErrorsStickAndEndStays() throws {
        let reader = try XMLRecordReader(source: MemoryByteSource(Array("<YBJSSJ><JL></YBJSSJ>".utf8)), spec: Self.medical)
        XCTAssertThrowsError(try reader.next())
        XCTAssertThrowsError(try reader.next()) { XCTAssertNotNil($0 as? XMLReadError) }
    }

    // MARK: - Large file

    /// Resident memory in KB.
    func residentKB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    /// Hands memory that earlier tests freed back to the system (glibc's malloc_trim), so that the
    /// resident size measures what is in use now.
    func trimHeap() {
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
    }

    func testLargeFileReadsInBoundedMemory() throws {
        let count = 200_000
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xmlreader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("large.xml").path
        try Self.writeLargeFile(path: path, records: count)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertGreaterThan(size, 50_000_000)

        trimHeap()
        let before = residentKB()
        var peak = before
        let reader = try XMLRecordReader(source: FileByteSource(path: path), spec: Self.medical)
        var n = 0
        while let r = try reader.next() {
            n += 1
            if r.number != n || r.line != n + 2 {
                XCTFail("record \(n): number \(r.number), line \(r.line)"); break
            }
            if n % 10_000 == 0 {
                peak = max(peak, residentKB())
                XCTAssertEqual(r.values[0], "JS\(n)")
                XCTAssertEqual(r.values[4], "陈大明\(n % 97)")
            }
        }
        XCTAssertEqual(n, count)
        XCTAssertEqual(reader.declaredCount, count)
        // Past line 65535 the line numbers still hold (checked on every record above).
        print("large file: \(size) bytes; resident \(before) KB before reading, \(peak) KB at most while reading")
        XCTAssertLessThan(
            peak - before, Bounds.kilobytes(16 << 10), "resident memory grew by \(peak - before) KB on a \(size >> 20) MB file")
    }

    /// A medical file of `records` records, one per line, written in pieces.
    static func writeLargeFile(path: String, records: Int) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(
            contentsOf: Data(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<YBJSSJ DCDW=\"湛江市医疗保障局\" DCSJ=\"2021-06-02 08:00:00\" JLS=\"\(records)\">\n"
                    .utf8))
        var chunk = ""
        for i in 1...records {
            chunk +=
                "  <JL><JSLSH>JS\(i)</JSLSH><JSLX>1</JSLX><YJSLSH/><SFZH>440825198909081391</SFZH><XM>陈大明\(i % 97)</XM><JZLX>普通门诊</JZLX><YLJGMC>广东医科大学附属医院</YLJGMC><RYRQ/><CYRQ/><JSRQ>2021/6/11</JSRQ><YLZFY>578.74</YLZFY><TCZF>403.31</TCZF><DBZF>0.00</DBZF><YLJZ>0.00</YLJZ><GRZF>175.43</GRZF></JL>\n"
            if i % 5000 == 0 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        chunk += "</YBJSSJ>\n"
        try handle.write(contentsOf: Data(chunk.utf8))
    }
}
