import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The XLSX town list's sheet as cadres fill it in (RULES.md §13): the drop-down on 核查结论, the input message
/// on 帮扶措施, the print setup; in the order OOXML requires.
final class TownListSheetTests: XCTestCase {
    /// The CSV list is what `CSVOut.appendField` of `CSVOut.inert` (text columns) or of the value (numbers)
    /// writes, cell by cell: formulas defused, commas, quotes and line breaks quoted, money left as it is.
    func testCSVCellsAsAppendFieldOfInertWritesThem() {
        let texts = ["=1+1", "-3", "a,b", "say \"q\"", "@x,y", "+", "\t制表", "两行\n文字", "普通", "", "长长长长长长长长,逗号"]
        var rows: [TownList.Row] = []
        for k in texts.indices {
            rows.append(
                TownList.Row(
                    cells: TownList.columns.enumerated().map { i, c in
                        c.kind == .text ? texts[(k + i) % texts.count] : (i % 2 == 0 ? "-12.50" : "3")
                    }))
        }
        var expected: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&expected, TownList.columns.map(\.header))
        for r in rows {
            for (i, cell) in r.cells.enumerated() {
                if i > 0 { expected.append(0x2C) }
                CSVOut.appendField(&expected, (TownList.columns[i].kind == .text ? CSVOut.inert(cell) : cell).utf8)
            }
            expected.append(0x0A)
        }
        XCTAssertEqual(String(decoding: TownList.csv(rows), as: UTF8.self), String(decoding: expected, as: UTF8.self))
        XCTAssertTrue(String(decoding: TownList.csv(rows), as: UTF8.self).contains(#""'@x,y""#))
    }

    func parts(_ rows: Int) throws -> (sheet: String, workbook: String, bytes: [UInt8]) {
        let row = TownList.Row(
            cells: TownList.columns.enumerated().map { i, c in
                c.kind == .text ? (c.header == "核查结论" || c.header == "帮扶措施" ? "" : "x\(i)") : "1"
            })
        let bytes = try TownList.xlsx(Array(repeating: row, count: rows), town: "锦和镇")
        let archive = try ZipArchive(bytes: bytes)
        return (
            String(decoding: try archive.read("xl/worksheets/sheet1.xml"), as: UTF8.self),
            String(decoding: try archive.read("xl/workbook.xml"), as: UTF8.self), bytes
        )
    }

    func testDropDownOnFindingAndMessageOnMeasuresOverDataRowsAndTwoHundredMore() throws {
        let (sheet, _, _) = try parts(3)
        // 核查结论 is column U (the 21st), 帮扶措施 column X (the 24th); 3 data rows are rows 2–4, + 200 → 204
        XCTAssertEqual(TownList.columns[20].header, "核查结论")
        XCTAssertEqual(TownList.columns[23].header, "帮扶措施")
        XCTAssertTrue(
            sheet.contains(
                #"<dataValidations count="2">"#
                    + #"<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="U2:U204">"#
                    + #"<formula1>&quot;确认纳入,不予纳入,风险已消除,待核&quot;</formula1></dataValidation>"#
                    + #"<dataValidation allowBlank="1" showInputMessage="1" promptTitle="帮扶措施" "#
                    + #"prompt="一项或多项，以、分隔：产业帮扶、就业帮扶、综合保障、扶志扶智、其他帮扶" sqref="X2:X204"/>"#
                    + "</dataValidations>"), sheet)
        // an empty list still offers the drop-down on the 200 rows a cadre would add (rows 2–201)
        XCTAssertTrue(try parts(0).sheet.contains(#"sqref="U2:U201""#))
    }

    /// 家庭人口 and 超期天数 are whole numbers ("0", style 4), money keeps two decimals ("0.00", style 3): a household of
    /// five reads 5, not 5.00.
    func testCountsAreWholeNumbersAndMoneyHasTwoDecimals() throws {
        let (sheet, _, bytes) = try parts(1)
        let size = TownList.columns.firstIndex { $0.header == "家庭人口" }!
        let overdue = TownList.columns.firstIndex { $0.header == "超期天数" }!
        let prev = TownList.columns.firstIndex { $0.header == "上年家庭纯收入" }!
        XCTAssertTrue(sheet.contains(#"<c r="\#(XLSXWriter.columnName(size))2" s="4"><v>1</v></c>"#), sheet)
        XCTAssertTrue(sheet.contains(#"<c r="\#(XLSXWriter.columnName(overdue))2" s="4"><v>1</v></c>"#), sheet)
        XCTAssertTrue(sheet.contains(#"<c r="\#(XLSXWriter.columnName(prev))2" s="3"><v>1</v></c>"#), sheet)
        let styles = String(decoding: try ZipArchive(bytes: bytes).read("xl/styles.xml"), as: UTF8.self)
        XCTAssertTrue(styles.contains(#"<cellXfs count="5">"#), styles)
        XCTAssertTrue(styles.contains(#"<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#))
    }

    func testPrintSetupAndElementOrder() throws {
        let (sheet, workbook, _) = try parts(2)
        XCTAssertTrue(sheet.contains(#"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#))
        XCTAssertTrue(sheet.contains(#"<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>"#))
        let order = [
            "<sheetPr>", "<dimension ", "<sheetViews>", "<sheetFormatPr ", "<cols>", "<sheetData>", "<autoFilter ",
            "<dataValidations ", "<pageMargins ", "<pageSetup ", "</worksheet>",
        ]
        let positions = try order.map { tag in try XCTUnwrap(sheet.range(of: tag), tag).lowerBound }
        XCTAssertEqual(positions, positions.sorted(), "CT_Worksheet's element order")
        XCTAssertTrue(sheet.hasPrefix(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n<worksheet "))
        XCTAssertTrue(
            workbook.contains(#"<definedName name="_xlnm.Print_Titles" localSheetId="0">'锦和镇'!$1:$1</definedName>"#),
            workbook)
        XCTAssertTrue(
            workbook.contains(#"<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'锦和镇'!$A$1:$Y$3</definedName>"#),
            workbook)
    }

    func testSameRowsSameBytesAndStillReadable() throws {
        let a = try parts(5), b = try parts(5)
        XCTAssertEqual(a.bytes, b.bytes)
        let rows = try XLSXReader.firstSheetRows(bytes: a.bytes)
        XCTAssertEqual(rows.count, 6)
        XCTAssertEqual(rows[0].cells.first, .text("预警编号"))
    }

    func testOtherSheetsUnchangedAndBadValuesRefused() throws {
        // a sheet that asks for none of it has no sheetPr, no validations, no print setup, no print titles
        let plain = XLSXSheetSpec(name: "x", columns: [XLSXColumn(header: "h", width: 10)], rows: [[.text("a")]])
        let archive = try ZipArchive(bytes: try XLSXWriter.data(plain))
        let sheet = String(decoding: try archive.read("xl/worksheets/sheet1.xml"), as: UTF8.self)
        let workbook = String(decoding: try archive.read("xl/workbook.xml"), as: UTF8.self)
        for absent in ["<sheetPr>", "<dataValidations", "<pageSetup "] { XCTAssertFalse(sheet.contains(absent), absent) }
        XCTAssertFalse(workbook.contains("Print_Titles"))
        for bad in [["a,b"], ["a\"b"], [""], [String(repeating: "长", count: 256)]] {
            let spec = XLSXSheetSpec(
                name: "x", columns: [XLSXColumn(header: "h", width: 10)], rows: [],
                validations: [XLSXValidation(column: 0, values: bad)])
            XCTAssertThrowsError(try XLSXWriter.data(spec), "\(bad)")
        }
        // the range stops at the sheet's last row
        let near = XLSXSheetSpec(
            name: "x", columns: [XLSXColumn(header: "h", width: 10)], rows: [],
            validations: [XLSXValidation(column: 1, values: ["是"], extraRows: 2_000_000)])
        XCTAssertTrue(try XLSXWriter.dataValidations(near).contains(#"sqref="B2:B1048576""#))
    }
}
