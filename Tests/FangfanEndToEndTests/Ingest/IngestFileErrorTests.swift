import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// FEEDS.md "A bad file is rejected whole and moved aside with a reason file beside it".
extension IngestTests {
    private var goodIncome: [String] { [T.incomeHeader, "\(T.hh(1)),2021-05,1000.00,200.00,0.00,100.00"] }

    private func medicalXML(declared: Int?, records: Int, omit: String? = nil) -> [String] {
        let p = T.id(born: "19870315", seq: 123)
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<YBJSSJ DCDW=\"湛江市医疗保障局\" DCSJ=\"2021-06-02 08:00:00\"" + (declared.map { " JLS=\"\($0)\"" } ?? "") + ">",
        ]
        for i in 0..<records {
            var fields = [
                ("JSLSH", "JS\(100 + i)"), ("JSLX", "1"), ("YJSLSH", ""), ("SFZH", p), ("XM", "陈大明"), ("JZLX", "住院"),
                ("YLJGMC", "徐闻县人民医院"), ("RYRQ", ""), ("CYRQ", ""), ("JSRQ", "2021-05-06"), ("YLZFY", "1000.00"),
                ("TCZF", "600.00"), ("DBZF", "100.00"), ("YLJZ", "0.00"), ("GRZF", "300.00"),
            ]
            if let o = omit { fields.removeAll { $0.0 == o } }
            lines.append("  <JL>" + fields.map { $0.1.isEmpty ? "<\($0.0)/>" : "<\($0.0)>\($0.1)</\($0.0)>" }.joined() + "</JL>")
        }
        lines.append("</YBJSSJ>")
        return lines
    }

    func testUndecodableBytesWithTheEncodingPinnedToUTF8() throws {
        config.feeds[.income]!.encoding = .utf8
        let f = "income/收入_gbk.csv"
        // GB18030 bytes are not UTF-8: with the encoding pinned, the file cannot be decoded
        let bytes = try gb18030(goodIncome.joined(separator: "\n") + "\n")
        try put(f, bytes: bytes)
        let report = try ingest()
        XCTAssertEqual(report.rejected, 1)
        try assertRejected(f, reasonContains: ["无法解码", "UTF-8"], original: bytes)
    }

    func testInvalidUTF8AfterABOMIsUndecodable() throws {
        let f = "income/收入_bom.csv"
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((goodIncome.joined(separator: "\n") + "\n").utf8) + [0xFF, 0xFE, 0x0A]
        try put(f, bytes: bytes)
        try ingest()
        try assertRejected(f, reasonContains: ["无法解码"], original: bytes)
    }

    func testTruncatedGB18030SequenceIsUndecodable() throws {
        // auto: not UTF-8, so GB18030 — whose last character is cut after its first byte
        let f1 = "income/收入_截断.csv"
        var cut = try gb18030(goodIncome.joined(separator: "\n") + "\n" + "\(T.hh(2)),2021-05,1,2,3,4,张")
        cut.removeLast()
        try put(f1, bytes: cut)
        // and an invalid two-byte sequence in the middle
        let f2 = "income/收入_坏字节.csv"
        let bad = try gb18030(goodIncome.joined(separator: "\n") + "\n") + [0x81, 0x20] + Array(",\n".utf8)
        try put(f2, bytes: bad)
        let report = try ingest()
        XCTAssertEqual(report.rejected, 2)
        try assertRejected(f1, reasonContains: ["无法解码", "GB18030"], original: cut)
        try assertRejected(f2, reasonContains: ["无法解码", "GB18030"], original: bad)
    }

    func testMalformedXML() throws {
        let f = "medical/坏.xml"
        var lines = medicalXML(declared: 2, records: 2)
        lines[2] = lines[2].replacingOccurrences(of: "</JSLSH>", with: "</JSLS>")
        try put(f, lines)
        try ingest()
        try assertRejected(f, reasonContains: ["XML 格式错误"])
    }

    /// A file of several megabytes is parsed in pieces on both cores: the user sees what one parse in
    /// sequence gives — every record, the quarantine naming each bad record by its number in the file,
    /// and for a file broken deep inside, the rejection with the broken line.
    func testLargeXMLInPiecesGivesWhatOneSequenceGives() throws {
        let records = 20_000  // about 6.5 MB: six or seven pieces
        var lines = medicalXML(declared: records, records: records)
        // bad dates in records 2, 9,999 and 19,998 (1-based), each in a different piece
        for k in [1, 9_998, 19_997] { lines[2 + k] = lines[2 + k].replacingOccurrences(of: "2021-05-06", with: "2021-13-06") }
        try put("medical/大.xml", lines)
        let gb = lines.map { $0.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"GB18030\"") }
            .map { $0.replacingOccurrences(of: "<JSLSH>JS", with: "<JSLSH>GB") }  // other settlement ids: not a duplicate
        try put("medical/大_gb.xml", bytes: try gb18030(gb.joined(separator: "\n") + "\n"))
        var broken = lines
        broken[2 + 16_999] = broken[2 + 16_999].replacingOccurrences(of: "</JSLSH>", with: "</JSLS>")
        try put("medical/坏_大.xml", broken.map { $0.replacingOccurrences(of: "<JSLSH>JS", with: "<JSLSH>BAD") })
        let report = try ingest()
        XCTAssertEqual(report.files.count, 3)
        for f in ["medical/大.xml", "medical/大_gb.xml"] {
            XCTAssertEqual(try counts(f), [records, records - 3, 3, 0], f)
            XCTAssertEqual(try quarantine(f).map { $0[1] }, ["2", "9999", "19998"], "record numbers in the file: \(f)")
            let rows = try staged(f)
            XCTAssertEqual(rows.count, records - 3)
            XCTAssertEqual(rows[0][0], f.hasSuffix("gb.xml") ? "GB100" : "JS100")
            XCTAssertEqual(rows.last?[4], "陈大明")
        }
        // the same records either way: the GB18030 file's rows are the UTF-8 file's, ids apart
        let utf8Rows = try staged("medical/大.xml").map { $0.dropFirst() }
        let gbRows = try staged("medical/大_gb.xml").map { $0.dropFirst() }
        XCTAssertEqual(utf8Rows, gbRows)
        // record 17,000 sits on line 17,002 (declaration, root start tag, then one record a line)
        try assertRejected("medical/坏_大.xml", reasonContains: ["XML 格式错误（第 17002 行", "JSLS"])
    }

    func testXMLWithADoctypeIsRejected() throws {
        let f = "medical/实体.xml"
        var lines = medicalXML(declared: 1, records: 1)
        lines.insert("<!DOCTYPE YBJSSJ [<!ENTITY x \"xx\">]>", at: 1)
        try put(f, lines)
        try ingest()
        try assertRejected(f, reasonContains: ["DOCTYPE"])
    }

    func testMissingRequiredColumnIsNamed() throws {
        let f = "income/收入_缺列.csv"
        try put(f, ["年月,工资性收入,经营净收入,财产净收入,转移净收入", "2021-05,1,2,3,4"])
        // a column that is not required may be missing (blank optional fields)
        let g = "medical/无姓名列.csv"
        let header = T.medicalHeader.replacingOccurrences(of: "姓名,", with: "")
        let row = T.medicalRow("JS1", T.id(born: "19870315", seq: 123)).replacingOccurrences(of: "陈大明,", with: "")
        try put(g, [header, row])
        try ingest()
        try assertRejected(f, reasonContains: ["户编号"])
        XCTAssertEqual(try counts(g), [1, 1, 0, 0])
        XCTAssertEqual(try staged(g).first?[4], "")
    }

    /// A title above the header (a merged cell such as 2021年5月收入申报表, common in a county's sheets): the
    /// reason says the first row looks like a title, not that 户编号 is missing (it is there, a row lower).
    func testATitleRowAboveTheHeaderIsNamedAsSuch() throws {
        let f = "income/带标题.csv"
        try put(f, ["2021年5月收入申报表,,,,,", "户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入", "\(T.hh(1)),2021-05,1,2,3,4"])
        let titles = ["2021年5月农户申报汇总"] + Array(repeating: "", count: 4)
        let header = ["户编号", "发现方式", "申报日期", "风险类型", "填报人"]
        let xlsx = try XLSXWriter.data(
            XLSXSheetSpec(
                name: "申报", columns: titles.map { XLSXColumn(header: $0, width: 10) },
                rows: [header.map { .text($0) }, [.text(T.hh(1)), .text("农户申报"), .text("2021-05-01"), .text("因病"), .empty]]))
        try put("application/带标题.xlsx", bytes: xlsx)
        let report = try ingest()
        XCTAssertEqual(report.rejected, 2)
        try assertRejected(f, reasonContains: ["第一行只有“2021年5月收入申报表”一项", "标题", "户编号"])
        try assertRejected("application/带标题.xlsx", reasonContains: ["第一行只有“2021年5月农户申报汇总”一项", "标题"])
    }

    func testRequiredXMLElementMissingEverywhereRejectsTheFile() throws {
        let f = "medical/缺元素.xml"
        try put(f, medicalXML(declared: 3, records: 3, omit: "JSRQ"))
        try ingest()
        try assertRejected(f, reasonContains: ["JSRQ", "settled"])
    }

    func testDeclaredRecordCountNotMatchingIsATruncatedTransfer() throws {
        let f = "medical/补传.xml"
        try put(f, medicalXML(declared: 80, records: 50))
        let g = "medical/多了.xml"
        try put(g, medicalXML(declared: 1, records: 2).map { $0.replacingOccurrences(of: "JS10", with: "JS20") })
        let h = "medical/正好.xml"
        try put(h, medicalXML(declared: 2, records: 2).map { $0.replacingOccurrences(of: "JS10", with: "JS30") })
        let report = try ingest()
        XCTAssertEqual(report.rejected, 2)
        try assertRejected(f, reasonContains: ["JLS=80", "50"])
        try assertRejected(g, reasonContains: ["JLS=1", "2"])
        XCTAssertEqual(try counts(h), [2, 2, 0, 0])
    }

    func testFilesOfNoKnownFeedAreRejected() throws {
        try put("收入.csv", goodIncome)  // at the inbox root
        try put("income/收入.txt", goodIncome)  // unknown extension
        try put("taxes/收入.csv", goodIncome)  // unknown folder
        try put("income/收入.csv.zip", goodIncome)
        let report = try ingest()
        XCTAssertEqual(report.rejected, 4)
        try assertRejected("收入.csv", reasonContains: ["不是任何已知数据项"])
        try assertRejected("taxes/收入.csv", reasonContains: ["不是任何已知数据项"])
        try assertRejected("income/收入.txt", reasonContains: [".csv"])
        try assertRejected("income/收入.csv.zip", reasonContains: [".csv", "压缩包", "解压"])
        XCTAssertEqual(try manifest().filter { $0.file.hasPrefix("taxes/") || $0.file == "收入.csv" }.map(\.feed), ["unknown", "unknown"])
    }

    /// Old Excel and WPS workbooks are what a county office most often drops: the reason says to save as .xlsx.
    func testOldWorkbooksAreRejectedWithWhatToDo() throws {
        try put("income/收入.xls", goodIncome)
        try put("medical/结算.ET", goodIncome)
        let report = try ingest()
        XCTAssertEqual(report.rejected, 2)
        try assertRejected("income/收入.xls", reasonContains: ["旧版 Excel", "另存为", ".xlsx", "（.xls）"])
        try assertRejected("medical/结算.ET", reasonContains: ["WPS", "另存为", "（.et）"])
    }

    func testUnterminatedQuoteMakesTheFileBad() throws {
        let f = "income/收入_引号.csv"
        try put(f, goodIncome + ["\(T.hh(2)),2021-05,\"1000.00,2,3,4", "\(T.hh(3)),2021-05,1,2,3,4"])
        try ingest()
        try assertRejected(f, reasonContains: ["引号", "第 3 行"])
    }

    func testEmptyFilesAreRejected() throws {
        try put("income/空.csv", bytes: [0x0A])
        try put("medical/空.xml", bytes: [])
        try ingest()
        try assertRejected("income/空.csv", reasonContains: ["表头"])
        try assertRejected("medical/空.xml", reasonContains: ["XML"])
    }

    func testGzipFeedsAreReadAndTruncatedGzipIsRejected() throws {
        let csv = Array((goodIncome.joined(separator: "\n") + "\n").utf8)
        let gz = try gzip(csv)
        try put("income/收入.csv.gz", bytes: gz)
        let xml = try gzip(Array(medicalXML(declared: 2, records: 2).joined(separator: "\n").utf8))
        try put("medical/结算.XML.GZ", bytes: xml)
        let cut = Array(try gzip(Array((T.incomeHeader + "\n" + String(repeating: goodIncome[1] + "\n", count: 200)).utf8)).dropLast(12))
        try put("income/截断.csv.gz", bytes: [UInt8](try gzip(Array((T.incomeHeader + "\n").utf8)).dropLast(8)) + [])
        try put("income/截断2.csv.gz", bytes: cut)
        try put("income/不是gzip.csv.gz", bytes: csv)
        let report = try ingest()
        XCTAssertEqual(report.rejected, 3)
        XCTAssertEqual(try counts("income/收入.csv.gz"), [1, 1, 0, 0])
        XCTAssertEqual(try entry("income/收入.csv.gz").format, "csv.gz")
        XCTAssertEqual(try counts("medical/结算.XML.GZ"), [2, 2, 0, 0])
        try assertRejected("income/截断.csv.gz", reasonContains: ["gzip"])
        try assertRejected("income/截断2.csv.gz", reasonContains: ["gzip"])
        try assertRejected("income/不是gzip.csv.gz", reasonContains: ["gzip"])
    }

    func testGzipBombIsRejected() throws {
        config.inflate.maxInflatedBytes = 256 << 10
        let big = Array(String(repeating: "4408251010010001,2021-05,1000.00,200.00,0.00,100.00\n", count: 40_000).utf8)  // ~2 MB
        let bomb = try gzip(Array((T.incomeHeader + "\n").utf8) + big)
        XCTAssertLessThan(bomb.count, 64 << 10)
        try put("income/炸弹.csv.gz", bytes: bomb)
        let xmlBomb = try gzip(
            Array(
                (medicalXML(declared: 0, records: 0).dropLast().joined(separator: "\n")
                    + String(repeating: "<!-- padding padding padding -->", count: 40_000) + "</YBJSSJ>").utf8))
        try put("medical/炸弹.xml.gz", bytes: xmlBomb)
        // and by ratio, once past the grace size
        try ingest()
        try assertRejected("income/炸弹.csv.gz", reasonContains: ["压缩炸弹"])
        try assertRejected("medical/炸弹.xml.gz", reasonContains: ["bomb"])

        config.inflate.maxInflatedBytes = 1 << 30
        config.inflate.ratioGrace = 64 << 10
        config.inflate.maxRatio = 20
        try put("income/高压缩比.csv.gz", bytes: bomb)
        try ingest()
        // the same bytes as the first bomb, checked again (a rejected file makes no duplicates), now by ratio
        try assertRejected("income/高压缩比.csv.gz", reasonContains: ["压缩炸弹", "20"])
    }

    /// ingest.max_inflated_mb covers a spreadsheet's zip entries as well; a file that is no zip is a bad file.
    func testXLSXBombAndBrokenXLSXAreRejected() throws {
        let cols = ["户编号", "发现方式", "申报日期", "风险类型", "填报人"].map { XLSXColumn(header: $0, width: 10) }
        let rows: [[XLSXCell]] = (0..<3000).map { _ in [.text(T.hh(1)), .text("农户申报"), .text("2021-05-01"), .text("因病"), .text("")] }
        let xlsx = try XLSXWriter.data(XLSXSheetSpec(name: "申报", columns: cols, rows: rows))
        try put("application/大表.xlsx", bytes: xlsx)
        try put("application/坏表.xlsx", goodIncome)
        config.inflate.maxInflatedBytes = 64 << 10
        let report = try ingest()
        XCTAssertEqual(report.rejected, 2)
        try assertRejected("application/大表.xlsx", reasonContains: ["XLSX", "65536"])
        try assertRejected("application/坏表.xlsx", reasonContains: ["XLSX"])
        // within the limit the same spreadsheet is read
        config.inflate.maxInflatedBytes = 64 << 20
        try put("application/大表.xlsx", bytes: xlsx)
        try ingest()
        XCTAssertEqual(try manifest().last?.status, .accepted)
        XCTAssertEqual(try manifest().last.map { [$0.rows_read, $0.accepted, $0.quarantined, $0.replaced] }, [3000, 3000, 0, 2999])
    }

    /// A rejected file was not ingested: the same bytes sent again (here: moved into the right folder) are taken.
    func testARejectedFileIsTakenWhenSentAgainInTheRightPlace() throws {
        let bytes = Array((goodIncome.joined(separator: "\n") + "\n").utf8)
        try put("收入.csv", bytes: bytes)
        try ingest()
        try assertRejected("收入.csv", reasonContains: ["不是任何已知数据项"])
        try put("income/收入.csv", bytes: bytes)
        let report = try ingest()
        XCTAssertEqual(report.files.map(\.status), [.accepted])
        XCTAssertEqual(try counts("income/收入.csv"), [1, 1, 0, 0])
        // and once accepted, the same bytes again are a duplicate
        try put("income/收入(2).csv", bytes: bytes)
        XCTAssertEqual(try ingest().files.map(\.status), [.duplicate])
    }

    func testAFeedWithoutAnXMLMappingRejectsXML() throws {
        try put("income/收入.xml", ["<?xml version=\"1.0\"?>", "<SR/>"])
        try put("medical/错根.xml", ["<?xml version=\"1.0\"?>", "<MZJZ JLS=\"0\"></MZJZ>"])
        try ingest()
        try assertRejected("income/收入.xml", reasonContains: ["XML"])
        try assertRejected("medical/错根.xml", reasonContains: ["MZJZ", "YBJSSJ"])
    }

    func testARejectedFileDoesNotStopTheOthers() throws {
        try put("income/a.csv", goodIncome, age: 300)
        try put("income/b.csv", ["年月", "2021-05"], age: 200)
        try put("income/c.csv", [T.incomeHeader, "\(T.hh(2)),2021-05,1,2,3,4"], age: 100)
        let report = try ingest()
        XCTAssertEqual(report.files.map(\.status), [.accepted, .rejected, .accepted])
        XCTAssertEqual(report.rejected, 1)
        XCTAssertEqual(try manifest().map(\.seq), [1, 2, 3])
        XCTAssertEqual(inboxFiles(), [])
    }
}
