import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

final class XLSXTests: XCTestCase {
    // MARK: - Writer → reader

    func testRoundTrip() throws {
        let columns = [
            XLSXColumn(header: "户编号", width: 18), XLSXColumn(header: "身份证号", width: 20.5),
            XLSXColumn(header: "户主姓名", width: 10), XLSXColumn(header: "金额", width: 12),
            XLSXColumn(header: "备注", width: 40),
        ]
        var rows: [[XLSXCell]] = [
            [
                .text("4408250050030001"), .text("440825199001011234"), .text("陈伟"), .number("-1234.50"),
                .text(#"=HYPERLINK("http://x")"#),
            ],
            [.text("4408250050030002"), .empty, .text("黄芳"), .number("0"), .empty],
            [
                .text("  两端空格 "), .text("a & <b> \"q\" 'y'"), .text("行一\n行二\r\n行三\t列"), .number("1234567.89"),
                .text("控制\u{1}字符\u{1F}与 _x0041_ 字面"),
            ],
        ]
        for i in 0..<1000 {
            rows.append([
                .text(String(format: "44082500500%05d", i)), .text("44082519900101\(String(format: "%04d", i))"),
                .text("名字\(i)"), .number("\(i).\(String(format: "%02d", i % 100))"),
            ])
        }
        let sheet = XLSXSheetSpec(name: "锦和镇", columns: columns, rows: rows)
        let read = try XLSXReader.firstSheetRows(bytes: try XLSXWriter.data(sheet))

        XCTAssertEqual(read.count, 1 + rows.count)
        XCTAssertEqual(read.map(\.number), Array(1...(1 + rows.count)))
        XCTAssertEqual(read[0].cells, columns.map { .text($0.header) })
        XCTAssertEqual(
            read[1].cells,
            [
                .text("4408250050030001"), .text("440825199001011234"), .text("陈伟"),
                .number("-1234.50"), .text(#"=HYPERLINK("http://x")"#),
            ])
        XCTAssertEqual(read[2].cells, [.text("4408250050030002"), nil, .text("黄芳"), .number("0")])
        XCTAssertEqual(
            read[3].cells,
            [
                .text("  两端空格 "), .text("a & <b> \"q\" 'y'"), .text("行一\n行二\r\n行三\t列"),
                .number("1234567.89"), .text("控制\u{1}字符\u{1F}与 _x0041_ 字面"),
            ])
        XCTAssertEqual(
            read[1003].cells,
            [
                .text("4408250050000999"), .text("440825199001010999"), .text("名字999"),
                .number("999.99"),
            ])
    }

    func testOutputIsDeterministic() throws {
        let sheet = XLSXSheetSpec(
            name: "东港村", columns: [XLSXColumn(header: "户编号", width: 18)],
            rows: [[.text("4408250050030001")], [.number("12.00")]])
        XCTAssertEqual(try XLSXWriter.data(sheet), try XLSXWriter.data(sheet))
    }

    func testWorkbookParts() throws {
        let sheet = XLSXSheetSpec(
            name: "镇: [测试]/? 'x'",
            columns: [
                XLSXColumn(header: "预警编号", width: 12),
                XLSXColumn(header: "金额", width: 10),
            ],
            rows: [[.text("A-0001"), .number("5.5")], [.empty]])
        let archive = try ZipArchive(bytes: try XLSXWriter.data(sheet))
        XCTAssertEqual(
            Set(archive.entries.map(\.name)),
            [
                "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml",
            ])
        let worksheet = String(decoding: try archive.read("xl/worksheets/sheet1.xml"), as: UTF8.self)
        XCTAssertTrue(worksheet.contains(#"<dimension ref="A1:B3"/>"#))
        XCTAssertTrue(worksheet.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        XCTAssertTrue(worksheet.contains(#"<col min="1" max="1" width="12.0" customWidth="1"/>"#))
        XCTAssertTrue(worksheet.contains(#"<c r="A1" s="1" t="inlineStr"><is><t>预警编号</t></is></c>"#))
        XCTAssertTrue(worksheet.contains(#"<c r="A2" s="2" t="inlineStr"><is><t>A-0001</t></is></c>"#))
        XCTAssertTrue(worksheet.contains(#"<c r="B2" s="3"><v>5.5</v></c>"#))
        XCTAssertTrue(worksheet.contains(#"<autoFilter ref="A1:B3"/>"#))
        let workbook = String(decoding: try archive.read("xl/workbook.xml"), as: UTF8.self)
        XCTAssertTrue(workbook.contains(#"<sheet name="镇_ _测试___ 'x" sheetId="1" r:id="rId1"/>"#), workbook)
        XCTAssertTrue(workbook.contains(#"hidden="1">'镇_ _测试___ ''x'!$A$1:$B$3</definedName>"#), workbook)
        let styles = String(decoding: try archive.read("xl/styles.xml"), as: UTF8.self)
        XCTAssertTrue(styles.contains(#"<xf numFmtId="49" fontId="1""#))
        XCTAssertTrue(styles.contains(#"<xf numFmtId="2" fontId="0""#))
        XCTAssertTrue(styles.contains("<b/>"))
    }

    /// Each text cell's XML, worked out by hand: plain text (Chinese, full-width punctuation) as it is; a
    /// space (ASCII or U+3000) at either end or a line break kept with xml:space; markup, "_x…_" look-alikes
    /// and U+FFFE escaped. And each reads back as it was written.
    func testTextCellsAreEscapedOnlyWhereNeeded() throws {
        let cases: [(String, String)] = [
            ("王大明（户主）", "<t>王大明（户主）</t>"),
            ("、走访核实。", "<t>、走访核实。</t>"),
            ("\u{00A0}不换行空格", "<t xml:space=\"preserve\">\u{00A0}不换行空格</t>"),
            ("全身空格\u{2003}", "<t xml:space=\"preserve\">全身空格\u{2003}</t>"),
            ("4408250050030001", "<t>4408250050030001</t>"),
            (" 前导空格", #"<t xml:space="preserve"> 前导空格</t>"#),
            ("全角空格\u{3000}", "<t xml:space=\"preserve\">全角空格\u{3000}</t>"),
            ("\u{3000}开头", "<t xml:space=\"preserve\">\u{3000}开头</t>"),
            ("两行\n文字", "<t xml:space=\"preserve\">两行\n文字</t>"),
            ("A&B<C>\"", "<t>A&amp;B&lt;C&gt;&quot;</t>"),
            ("x_x0041_", "<t>x_x005F_x0041_</t>"),
            ("a_b", "<t>a_b</t>"),
            ("坏\u{FFFE}字", "<t>坏_xFFFE_字</t>"),
            // past the first eight bytes, where the scan goes a word at a time
            ("一二三四五六七八&B", "<t>一二三四五六七八&amp;B</t>"),
            ("abcdefghij<k>", "<t>abcdefghij&lt;k&gt;</t>"),
            ("abcdefgh_x0041_", "<t>abcdefgh_x005F_x0041_</t>"),
            ("长长长长长长坏\u{FFFE}字", "<t>长长长长长长坏_xFFFE_字</t>"),
            ("abcdefgh\"q\"", "<t>abcdefgh&quot;q&quot;</t>"),
            ("abcdefghijklmnop", "<t>abcdefghijklmnop</t>"),
            ("长长长长长长长长\u{EFFF}", "<t>长长长长长长长长\u{EFFF}</t>"),
        ]
        let sheet = XLSXSheetSpec(
            name: "t", columns: [XLSXColumn(header: "h", width: 10)],
            rows: cases.map { [.text($0.0)] })
        let xml = String(decoding: try XLSXWriter.worksheet(sheet), as: UTF8.self)
        for (i, (_, expected)) in cases.enumerated() {
            XCTAssertTrue(
                xml.contains(#"<c r="A\#(i + 2)" s="2" t="inlineStr"><is>"# + expected + "</is></c>"),
                "row \(i + 2): \(expected)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-cells-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.xlsx").path
        try XLSXWriter.write(sheet, to: path)
        let read = try XLSXReader.firstSheetRows(path: path)
        XCTAssertEqual(read.dropFirst().map { $0.cells.first! }, cases.map { .text($0.0) })
    }

    /// The byte-wise escaping gives what the character-wise rules give (the reference below is the earlier
    /// implementation, kept here): on the edge cases and on random strings from an alphabet of the
    /// characters it treats specially, in text and in attributes.
    func testEscapingMatchesTheCharacterRules() {
        func reference(_ s: String, attribute: Bool) -> String {
            var out = ""
            let scalars = Array(s.unicodeScalars)
            for (i, c) in scalars.enumerated() {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\r": out += "&#13;"
                case "\t": out += attribute ? "&#9;" : "\t"
                case "\n": out += attribute ? "&#10;" : "\n"
                case "_"
                where i + 6 < scalars.count && scalars[i + 1] == "x" && scalars[i + 6] == "_"
                    && scalars[(i + 2)..<(i + 6)].allSatisfy(\.properties.isASCIIHexDigit):
                    out += "_x005F_"
                default:
                    if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF {
                        let h = String(c.value, radix: 16, uppercase: true)
                        out += "_x" + String(repeating: "0", count: 4 - h.count) + h + "_"
                    } else {
                        out.unicodeScalars.append(c)
                    }
                }
            }
            return out
        }
        let edges = [
            "", "_", "_x0041_", "_x0041", "x_x0041__x00fF_", "_xG041_", "__x0041_", "_x00411_", "\u{FFFE}", "\u{FFFF}",
            "\u{FFFD}", "\u{EFBF}", "a\u{1B}b", "\u{0}", "\r\n\t", "（户主）_x1234_", "&&<<>>\"\"", "_x_x0041_",
        ]
        let alphabet: [String] = [
            "_", "x", "X", "0", "4", "a", "F", "g", "&", "<", ">", "\"", "\r", "\n", "\t", "\u{1}", "\u{1F}", "\u{FFFE}",
            "\u{FFFF}", "\u{FFFD}", "（", "户", "😀", " ",
        ]
        var rng = SystemRandomNumberGenerator()
        let random = (0..<3000).map { _ in
            (0..<Int.random(in: 0...14, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
        }
        for s in edges + random {
            for attribute in [false, true] {
                XCTAssertEqual(XLSXWriter.escapeText(s, attribute: attribute), reference(s, attribute: attribute), s.debugDescription)
            }
        }
    }

    /// The one-pass check of a number cell against the rule it states (`-?digits(.digits)?`), on every string of
    /// up to four characters from its alphabet.
    func testDecimalLiteralCheckMatchesItsRule() {
        func rule(_ s: String) -> Bool {
            s.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil
        }
        var strings = [""]
        var level = [""]
        for _ in 0..<4 {
            level = level.flatMap { p in ["-", ".", "0", "9", "a", " "].map { p + $0 } }
            strings += level
        }
        for s in strings { XCTAssertEqual(XLSXWriter.isDecimalLiteral(s), rule(s), s.debugDescription) }
    }

    func testSheetNames() {
        XCTAssertEqual(XLSXWriter.sheetName("锦和镇"), "锦和镇")
        XCTAssertEqual(XLSXWriter.sheetName("a[b]c:d*e?f/g\\h"), "a_b_c_d_e_f_g_h")
        XCTAssertEqual(XLSXWriter.sheetName(String(repeating: "镇", count: 40)), String(repeating: "镇", count: 31))
        XCTAssertEqual(XLSXWriter.sheetName("'quoted'"), "quoted")
        XCTAssertEqual(XLSXWriter.sheetName("tab\there"), "tabhere")
        XCTAssertEqual(XLSXWriter.sheetName(""), "Sheet1")
        XCTAssertEqual(XLSXWriter.sheetName("History"), "History_")
        XCTAssertEqual(XLSXWriter.sheetName(String(repeating: "😀", count: 20)).utf16.count, 30)
    }

    func testNumbersMustBeDecimalLiterals() {
        for good in ["0", "-1234.50", "1234567.89", "007"] { XCTAssertTrue(XLSXWriter.isDecimalLiteral(good), good) }
        for bad in ["", "-", "1.", ".5", "1.2.3", "1e5", "1,234.50", "¥12", " 1", "NaN", "--1", "1-"] {
            XCTAssertFalse(XLSXWriter.isDecimalLiteral(bad), bad)
        }
        let sheet = XLSXSheetSpec(name: "x", columns: [XLSXColumn(header: "金额", width: 10)], rows: [[.number("1,234.50")]])
        XCTAssertThrowsError(try XLSXWriter.data(sheet)) { XCTAssertEqual($0 as? XLSXError, .invalidNumber(row: 2, column: 1)) }
    }

    func testTooMuchForASheetIsRefused() {
        let long = XLSXSheetSpec(
            name: "x", columns: [XLSXColumn(header: "备注", width: 10)],
            rows: [[.text(String(repeating: "长", count: 32_768))]])
        XCTAssertThrowsError(try XLSXWriter.data(long)) { XCTAssertEqual($0 as? XLSXError, .textTooLong(cell: "A2", limit: 32_767)) }
        let wide = XLSXSheetSpec(name: "x", columns: [], rows: [Array(repeating: .empty, count: 16_385)])
        XCTAssertThrowsError(try XLSXWriter.data(wide)) { XCTAssertEqual($0 as? XLSXError, .tooManyColumns(limit: 16_384)) }
    }

    func testColumnNames() {
        let cases = [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")]
        for (index, name) in cases {
            XCTAssertEqual(XLSXWriter.columnName(index), name)
        }
    }

    func testWriteReplacesTheFileAtomically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("锦和镇.xlsx").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let sheet = XLSXSheetSpec(
            name: "锦和镇", columns: [XLSXColumn(header: "户编号", width: 18)],
            rows: [[.text("4408250050030001")]])
        try XLSXWriter.write(sheet, to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["锦和镇.xlsx"])
        XCTAssertEqual(try XLSXReader.firstSheetRows(path: path).last?.cells, [.text("4408250050030001")])
        XCTAssertThrowsError(try XLSXWriter.write(sheet, to: folder.path + "/missing/x.xlsx")) { error in
            guard case .writeFailed = error as? XLSXError else { return XCTFail("\(error)") }
        }
    }

    // MARK: - Reading other tools' files

    /// Written by openpyxl: inline strings, a workbook relationship with an absolute target.
    func testReadsTheVerificationSample() throws {
        let rows = try XLSXReader.firstSheetRows(path: SharedSamples.root.path + "/verification/核查结果_锦和镇_202105.xlsx")
        XCTAssertEqual(rows.count, 5)
        XCTAssertEqual(
            rows[0].cells,
            [
                "预警编号", "预警等级", "乡镇", "行政村", "户编号", "户主姓名", "核查结论", "核查人",
                "核查日期", "帮扶措施", "备注",
            ].map { .text($0) })
        XCTAssertEqual(rows.map(\.number), [1, 2, 3, 4, 5])
        XCTAssertEqual(rows[1].cells[0], .text("A-0001"))
        XCTAssertEqual(rows[1].cells[4], .text("4408250050030001"))
        XCTAssertEqual(rows[1].cells[9], .text("综合保障、就业帮扶"))
        XCTAssertEqual(rows[2].cells[9], nil)
        XCTAssertEqual(rows[3].cells[0], .text("A-0003"))
        XCTAssertEqual(rows[3].cells[4], .text("4408250050040003"))
        XCTAssertEqual(rows[3].cells[7], nil)
        XCTAssertEqual(
            rows[4].cells,
            [
                .text("A-0004"), .text("黄色"), .text("锦和镇"), .text("北潭村"),
                .text("4408250050040004"), .text("李娜"), .text("确认纳入"), nil, .text("2021-06-09"),
                .text("产业帮扶"), .text("缺核查人：应进隔离区"),
            ])
    }

    /// What Excel writes: shared strings (rich runs, phonetic hints, `_x000D_`), typed cells, formulas,
    /// cells without `r=`, styled empty rows, a relative worksheet target.
    func testReadsExcelStyleCells() throws {
        let sst = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
              <si><t>户编号</t></si>
              <si><r><rPr><b/></rPr><t>锦和</t></r><r><t xml:space="preserve">镇 </t></r><rPh sb="0" eb="2"><t>ジンホ</t></rPh></si>
              <si><t>行一_x000D_
            行二 _x005F_x0041_</t></si>
            </sst>
            """
        let sheet = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
              <sheetData>
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c><c t="s"><v>2</v></c></row>
                <row r="2" spans="1:5" ht="20" customHeight="1"/>
                <row r="3"><c r="B3" s="4"/><c r="C3"><v>44321</v></c><c r="D3" t="b"><v>1</v></c>
                  <c r="E3" t="str"><f>A1&amp;"x"</f><v>4408x</v></c><c r="F3" t="e"><v>#N/A</v></c>
                  <c r="AA3"><v>1234.5</v></c></row>
                <row><c t="inlineStr"><is><t>无 r 的行</t></is></c></row>
              </sheetData>
            </worksheet>
            """
        let rows = try XLSXReader.firstSheetRows(bytes: try Self.workbook(sheet: sheet, sharedStrings: sst))
        XCTAssertEqual(rows.map(\.number), [1, 3, 4])
        XCTAssertEqual(rows[0].cells, [.text("户编号"), nil, .text("锦和镇 "), .text("行一\r\n行二 _x0041_")])
        var third: [XLSXValue?] = [nil, nil, .number("44321"), .bool(true), .text("4408x"), .text("#N/A")]
        third += Array(repeating: nil, count: 20) + [.number("1234.5")]
        XCTAssertEqual(rows[1].cells, third)
        XCTAssertEqual(rows[2].cells, [.text("无 r 的行")])
    }

    /// Empty elements (`<si/>`, `<rPh/>`, `<t/>`, `<v/>`) keep every index in place; shared strings found by relationship.
    func testEmptyElements() throws {
        let sst = #"<sst><si/><si><t/></si><si><rPh/><t>三</t></si><si><t>四</t></si></sst>"#
        let sheet = """
            <worksheet><sheetData><row r="2">\
            <c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>3</v></c>\
            <c r="E2"><v/></c><c r="F2" t="inlineStr"><is/></c><c r="G2" t="inlineStr"><is><t/></is></c><c r="H2"/>\
            <c r="I2" t="n"><v>7</v></c></row><row/></sheetData></worksheet>
            """
        let rows = try XLSXReader.firstSheetRows(
            bytes: try Self.workbook(sheet: sheet, sharedStrings: sst, sharedStringsTarget: "strings/sst.xml"))
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].number, 2)
        XCTAssertEqual(
            rows[0].cells,
            [
                .text(""), .text(""), .text("三"), .text("四"), nil, .text(""), .text(""), nil,
                .number("7"),
            ])
    }

    func testCellReferences() {
        XCTAssertEqual(cellColumnIndex("A1"), 0)
        XCTAssertEqual(cellColumnIndex("Z9"), 25)
        XCTAssertEqual(cellColumnIndex("AA12"), 26)
        XCTAssertEqual(cellColumnIndex("XFD1048576"), 16383)
        for bad in ["", "A", "12", "a1", "1A", "$A$1", "AAAA1", "A1B"] { XCTAssertNil(cellColumnIndex(bad), bad) }
    }

    func testRelationshipTargets() {
        XCTAssertEqual(XLSXReader.resolve("worksheets/sheet1.xml", from: "xl/workbook.xml"), "xl/worksheets/sheet1.xml")
        XCTAssertEqual(XLSXReader.resolve("/xl/worksheets/sheet1.xml", from: "xl/workbook.xml"), "xl/worksheets/sheet1.xml")
        XCTAssertEqual(XLSXReader.resolve("../xl/ws/s.xml", from: "xl/workbook.xml"), "xl/ws/s.xml")
        XCTAssertEqual(XLSXReader.resolve("xl/workbook.xml", from: ""), "xl/workbook.xml")
        XCTAssertEqual(XLSXReader.relationshipsPath(of: "xl/workbook.xml"), "xl/_rels/workbook.xml.rels")
    }

    // MARK: - Hostile and broken files

    func testZipBombSheetIsRefused() throws {
        let zeros = ZipArchiveTests.gigabyteOfZeros
        for declared in [1 << 30, 1 << 20] {
            var zip = try Self.workbookParts()
            try zip.addRaw(
                "xl/worksheets/sheet1.xml", method: 8, payload: zeros.payload, crc32: zeros.crc,
                uncompressedSize: declared)
            let bytes = try zip.finish()
            let start = Date()
            XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: bytes)) { error in
                switch error as? ZipError {
                case .entryTooLarge where declared == 1 << 30, .inflatesPastDeclaredSize where declared == 1 << 20: break
                default: XCTFail("\(error)")
                }
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        }
    }

    func testTraversalEntryIsRefused() throws {
        var zip = try Self.workbookParts()
        try zip.add("xl/worksheets/sheet1.xml", Array(Self.minimalSheet.utf8))
        try zip.add("../../evil.xml", Array("<evil/>".utf8))
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try zip.finish())) {
            XCTAssertEqual($0 as? ZipError, .unsafeEntryName("../../evil.xml"))
        }
    }

    func testBillionLaughsIsRefused() throws {
        var laughs = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        laughs += #"<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">"#
        for i in 2...9 { laughs += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        laughs += #"]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        laughs += #"<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"#
        let start = Date()
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try Self.workbook(sheet: laughs))) { error in
            XCTAssertEqual(error as? XLSXError, .doctype(part: "xl/worksheets/sheet1.xml"))
            XCTAssertTrue("\(error)".contains("DOCTYPE"))
        }
        // In UTF-16 the byte search cannot see the DOCTYPE: libxml2 itself must stop, without expanding.
        var zip = try Self.workbookParts()
        try zip.add("xl/worksheets/sheet1.xml", Self.utf16(laughs))
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try zip.finish())) { error in
            XCTAssertTrue(error is XLSXError, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testExternalEntityIsRefused() throws {
        let xxe =
            #"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#
            + #"<worksheet><sheetData><row><c t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>"#
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try Self.workbook(sheet: xxe))) {
            XCTAssertEqual($0 as? XLSXError, .doctype(part: "xl/worksheets/sheet1.xml"))
        }
        // The same in UTF-16: no byte-level shortcut, the parser itself must refuse it.
        var zip = try Self.workbookParts()
        try zip.add("xl/worksheets/sheet1.xml", Self.utf16(xxe))
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try zip.finish())) {
            XCTAssertEqual($0 as? XLSXError, .doctype(part: "xl/worksheets/sheet1.xml"))
        }
    }

    func testDeepNestingIsRefused() throws {
        let deep =
            "<worksheet><sheetData>" + String(repeating: "<x>", count: 100) + String(repeating: "</x>", count: 100)
            + "</sheetData></worksheet>"
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try Self.workbook(sheet: deep))) {
            XCTAssertEqual($0 as? XLSXError, .tooDeep(part: "xl/worksheets/sheet1.xml", limit: 64))
        }
    }

    func testMalformedXMLReportsLineAndColumnWithoutPrintingToStderr() throws {
        let broken = "<worksheet>\n<sheetData>\n<row r=\"1\"><c r=\"A1\"><v>1</c></row>\n</sheetData></worksheet>"
        let bytes = try Self.workbook(sheet: broken)
        let printed = try Self.capturingStderr {
            XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: bytes)) { error in
                guard case .xml(let part, let line, let column, let message) = error as? XLSXError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(part, "xl/worksheets/sheet1.xml")
                XCTAssertEqual(line, 3)
                XCTAssertGreaterThan(column, 0)
                XCTAssertTrue(message.contains("mismatch"), message)
            }
        }
        XCTAssertEqual(printed, "")
    }

    func testBadCellsAreRefused() throws {
        let cases: [(String, XLSXError)] = [
            (#"<row r="1"><c r="1A"><v>1</v></c></row>"#, .badCellReference(part: "xl/worksheets/sheet1.xml", reference: "1A")),
            (
                #"<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>"#,
                .badCellReference(part: "xl/worksheets/sheet1.xml", reference: "A1")
            ),
            (#"<row r="2"/><row r="1"/>"#, .badRowNumber(part: "xl/worksheets/sheet1.xml", value: "1")),
            (#"<row r="1048577"/>"#, .badRowNumber(part: "xl/worksheets/sheet1.xml", value: "1048577")),
            (
                #"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
                .sharedStringIndex(part: "xl/worksheets/sheet1.xml", cell: "A1", index: "0")
            ),
        ]
        for (rows, expected) in cases {
            let sheet = "<worksheet><sheetData>\(rows)</sheetData></worksheet>"
            XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try Self.workbook(sheet: sheet)), rows) {
                XCTAssertEqual($0 as? XLSXError, expected)
            }
        }
        let wide =
            "<worksheet><sheetData>" + (1...10).map { #"<row r="\#($0)"><c r="XFD\#($0)"><v>1</v></c></row>"# }.joined()
            + "</sheetData></worksheet>"
        let limits = XLSXReadLimits(maxCells: 100_000)
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try Self.workbook(sheet: wide), limits: limits)) {
            XCTAssertEqual($0 as? XLSXError, .tooManyCells(limit: 100_000))
        }
    }

    func testTruncatedWorkbookIsRefused() throws {
        let sheet = XLSXSheetSpec(
            name: "x", columns: [XLSXColumn(header: "户编号", width: 18)],
            rows: (0..<50).map { [.text("44082500500300\($0)")] })
        let bytes = try XLSXWriter.data(sheet)
        for length in stride(from: 0, to: bytes.count, by: 13) {
            XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: Array(bytes[0..<length])), "\(length)")
        }
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: Array(bytes.dropLast()))) {
            XCTAssertEqual($0 as? ZipError, .notAZip)
        }
    }

    func testNotAWorkbookIsRefused() throws {
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: Array("预警编号,户编号\n".utf8))) {
            XCTAssertEqual($0 as? ZipError, .notAZip)
        }
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: ole)) {
            XCTAssertEqual($0 as? XLSXError, .legacyOrEncrypted)
        }
        var zip = ZipBuilder()
        try zip.add("word/document.xml", Array("<document/>".utf8))
        XCTAssertThrowsError(try XLSXReader.firstSheetRows(bytes: try zip.finish())) {
            XCTAssertEqual($0 as? XLSXError, .missingPart("xl/workbook.xml"))
        }
    }

    // MARK: - Helpers

    static let minimalSheet = #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#

    /// Every part of a workbook but its sheet; `sharedStrings` goes to xl/`sharedStringsTarget`, named in the relationships.
    static func workbookParts(sharedStrings: String? = nil, sharedStringsTarget: String = "sharedStrings.xml") throws -> ZipBuilder {
        var zip = ZipBuilder()
        try zip.add(
            "xl/workbook.xml",
            Array(
                """
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                <sheets><sheet name="一" sheetId="1" r:id="rId7"/><sheet name="二" sheetId="2" r:id="rId1"/></sheets></workbook>
                """.utf8))
        try zip.add(
            "xl/_rels/workbook.xml.rels",
            Array(
                """
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>\
                <Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="\(sharedStringsTarget)"/>\
                </Relationships>
                """.utf8))
        try zip.add("xl/worksheets/sheet2.xml", Array(minimalSheet.utf8))
        if let sharedStrings { try zip.add("xl/" + sharedStringsTarget, Array(sharedStrings.utf8)) }
        return zip
    }

    static func workbook(sheet: String, sharedStrings: String? = nil, sharedStringsTarget: String = "sharedStrings.xml")
        throws -> [UInt8]
    {
        var zip = try workbookParts(sharedStrings: sharedStrings, sharedStringsTarget: sharedStringsTarget)
        try zip.add("xl/worksheets/sheet1.xml", Array(sheet.utf8))
        return try zip.finish()
    }

    /// UTF-16LE with a BOM, the declaration saying so.
    static func utf16(_ xml: String) -> [UInt8] {
        let declared = xml.replacingOccurrences(
            of: #"<?xml version="1.0"?>"#,
            with: #"<?xml version="1.0" encoding="UTF-16"?>"#)
        return [0xFF, 0xFE] + declared.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    /// What `body` printed on file descriptor 2.
    static func capturingStderr(_ body: () throws -> Void) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)").path
        let fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd); unlink(file) }
        let saved = dup(2)
        fflush(nil)
        dup2(fd, 2)
        defer { fflush(nil); dup2(saved, 2); close(saved) }
        try body()
        fflush(nil)
        return try String(contentsOfFile: file, encoding: .utf8)
    }
}
