import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §13's verification deadline through the built command: May run on 2021-06-02 (D), then May again on
/// D + 15 (nothing overdue) and on D + 16 (every case still in 预警 is 1 day overdue).
final class OverdueTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    func testDeadlineEdgesOnListsAlertsOverdueCSVSummaryAndReport() throws {
        let s = try Sandbox("overdue")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let oracle = try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv"))
        let redOrOrange = Set(oracle.filter { $0.contains(",red,") || $0.contains(",orange,") }.map { String($0.prefix(16)) })
        let month = s.out.appendingPathComponent("2021-05")
        /// The cases in 预警 (a 监测户's red or orange alert opens its case in 监测中: no deadline)
        func warned() throws -> Set<String> {
            Set(try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path).cases(state: .warned).map(\.householdId))
        }

        func overdueCSV() throws -> [[String]] {
            let data = try Data(contentsOf: month.appendingPathComponent("overdue.csv"))
            XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 with BOM")
            return String(decoding: data.dropFirst(3), as: UTF8.self).split(separator: "\n").map { parseCSVLine(String($0)) }
        }
        func summaryOverdue() throws -> [String: Int] {
            let o = try JSONSerialization.jsonObject(with: Data(contentsOf: month.appendingPathComponent("summary.json"))) as! [String: Any]
            return try XCTUnwrap(o["overdue"] as? [String: Int])
        }

        for today in ["2021-06-02", "2021-06-17"] {
            let r = try s.run(["run", "--month", "2021-05"], today: today)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try overdueCSV(), [Emitter.overdueHeaders], "\(today): D + 15 at most, nothing overdue")
            XCTAssertEqual(try summaryOverdue().values.reduce(0, +), 0)
            XCTAssertFalse(try String(contentsOf: month.appendingPathComponent("alerts.jsonl"), encoding: .utf8).contains("overdue_days"))
        }
        let cases = try warned()
        XCTAssertFalse(cases.isEmpty)
        XCTAssertTrue(cases.isSubset(of: redOrOrange))
        XCTAssertLessThan(cases.count, redOrOrange.count, "the fixture has 监测户 alerted red or orange: in 监测中, never overdue")
        let towns = try summaryOverdue().keys.sorted()
        XCTAssertFalse(towns.isEmpty, "every town of the roster, with 0")

        let r = try s.run(["run", "--month", "2021-05"], today: "2021-06-18")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try overdueCSV()
        XCTAssertEqual(rows[0], ["乡镇", "行政村", "户编号", "户主姓名", "预警编号", "预警等级", "首次列出日期", "超期天数"])
        XCTAssertEqual(Set(rows.dropFirst().map { $0[2] }), cases, "every case of May still in 预警")
        XCTAssertEqual(rows.count - 1, cases.count)
        for row in rows.dropFirst() {
            XCTAssertEqual(row[6], "2021-06-02")
            XCTAssertEqual(row[7], "1", "D + 16 is 1 day overdue")
            XCTAssertTrue(row[5] == "红色" || row[5] == "橙色", row[5])
            XCTAssertTrue(row[4].hasPrefix("YJ2021-" + row[2]), row[4])
            XCTAssertFalse(row[3].isEmpty)
        }
        XCTAssertEqual(rows.dropFirst().map { $0[0] }, rows.dropFirst().map { $0[0] }.sorted(), "ordered by town")
        let overdue = try summaryOverdue()
        XCTAssertEqual(overdue.keys.sorted(), towns)
        XCTAssertEqual(overdue.values.reduce(0, +), cases.count)
        for t in towns { XCTAssertEqual(overdue[t], rows.dropFirst().filter { $0[0] == t }.count, t) }

        // alerts.jsonl: overdue_days on the red and orange alerts only
        let lines = try String(contentsOf: month.appendingPathComponent("alerts.jsonl"), encoding: .utf8).split(separator: "\n")
        for line in lines {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let h = o["household_id"] as! String
            XCTAssertEqual(o["overdue_days"] as? Int, cases.contains(h) ? 1 : nil, h)
        }
        // the lists: 超期天数 1 on those rows, blank elsewhere, in CSV and XLSX
        let someTown = rows[1][0], someHousehold = rows[1][2]
        let csv = String(decoding: try Data(contentsOf: month.appendingPathComponent("towns/\(someTown).csv")).dropFirst(3), as: UTF8.self)
            .split(separator: "\n").map { parseCSVLine(String($0)) }
        let col = try XCTUnwrap(csv[0].firstIndex(of: "超期天数"))
        XCTAssertEqual(csv[0][col + 1], "核查结论", "just before the cadres' columns")
        for row in csv.dropFirst() { XCTAssertEqual(row[col], cases.contains(row[5]) ? "1" : "", row[5]) }
        let sheet = try XLSXReader.firstSheetRows(path: month.appendingPathComponent("towns/\(someTown).xlsx").path)
        let xrow = try XCTUnwrap(sheet.first { $0.cells[5] == .text(someHousehold) })
        XCTAssertEqual(xrow.cells[col], .number("1"))
        // the report: the count per town
        let report = try String(contentsOf: month.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("核查超期（按乡镇）"))
        XCTAssertTrue(report.contains("<tr><td>\(someTown)</td><td class=\"bad\">\(overdue[someTown]!)</td></tr>"), report)
    }
}
