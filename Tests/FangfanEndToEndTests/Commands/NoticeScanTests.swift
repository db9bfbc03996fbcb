import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §13's public notice shows nothing a notice may not show: on the generated fixture county, every red
/// and orange alert of May is returned 确认纳入 (with measures), and every cell of every notice of June — CSV and
/// XLSX, every town — is scanned for resident IDs (whole or masked), amounts, risk types, evidence and measures.
extension VerificationLoopTests {
    func testEveryCellOfEveryNoticeOfAGeneratedCountyIsClean() throws {
        let s = try Sandbox("notice-scan")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05"], today: "2021-06-02").status, 0)
        let may = try alerts(s, "2021-05")
        let proposed = may.filter { ($0["level"] as? String) != "yellow" && ($0["category"] as? String) != "在监测" }
        XCTAssertGreaterThan(proposed.count, 10)
        var csv = "预警编号,户编号,核查结论,核查人,核查日期,帮扶措施\n"
        for a in proposed {
            csv += "\(a["alert_id"] as! String),\(a["household_id"] as! String),确认纳入,李明,2021-06-10,就业帮扶、综合保障\n"
        }
        let dir = s.inbox.appendingPathComponent("verification")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try csv.write(to: dir.appendingPathComponent("核查结果_全县_202105.csv"), atomically: true, encoding: .utf8)
        try s.age(dir)
        XCTAssertEqual(try s.run(["run", "--month", "2021-06"], today: "2021-07-02").status, 0)

        // what a notice may not show
        let roster = try String(contentsOf: fixture.appendingPathComponent("inbox/roster/roster.csv"), encoding: .utf8)
        var ids = Set<String>()
        for line in roster.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f.count > 4, f[4].count == 18 { ids.insert(String(f[4])) }
        }
        XCTAssertGreaterThan(ids.count, 500)
        var forbidden = Set<String>()
        for a in may {
            forbidden.insert(a["household_id"] as! String)
            forbidden.insert(a["head_id_masked"] as! String)
            for k in ["prev_income", "income_projected", "rigid", "net_per_capita"] { forbidden.insert(a[k] as! String) }
            for e in a["evidence"] as! [[String: Any]] { forbidden.insert(e["text"] as! String) }
        }
        let words = Set(Triggers.codes.map(Triggers.riskType) + FeedSchema.riskTypes + FeedSchema.measures)
        let amount = try NSRegularExpression(pattern: "^-?[0-9]+\\.[0-9]{2}$")

        let noticeDir = s.out.appendingPathComponent("2021-06/notice")
        let files = try FileManager.default.contentsOfDirectory(atPath: noticeDir.path).sorted()
        XCTAssertGreaterThan(files.filter { $0.hasSuffix(".csv") }.count, 3, "notices for several towns")
        var rows = 0
        for name in files {
            let path = noticeDir.appendingPathComponent(name)
            var table: [[String]]
            if name.hasSuffix(".csv") {
                let data = try Data(contentsOf: path)
                table = String(decoding: data.dropFirst(3), as: UTF8.self).split(separator: "\n").map { parseCSVLine(String($0)) }
            } else {
                let (headers, body) = try sheet(path)
                table = [headers] + body
            }
            XCTAssertEqual(table.first, ["乡镇", "行政村", "户主姓名", "家庭人口", "类别", "事项", "日期"], name)
            for row in table.dropFirst() {
                rows += 1
                for cell in row {
                    XCTAssertFalse(ids.contains(where: { cell.contains($0) || cell.contains(String($0.prefix(6))) }), "\(name): an ID")
                    XCTAssertFalse(forbidden.contains(where: { !$0.isEmpty && cell.contains($0) }), "\(name): \(cell)")
                    XCTAssertFalse(words.contains(where: { cell.contains($0) }), "\(name): \(cell)")
                    XCTAssertNil(amount.firstMatch(in: cell, range: NSRange(cell.startIndex..., in: cell)), "\(name): \(cell)")
                    XCTAssertFalse(cell.contains("元"), "\(name): \(cell)")
                }
            }
        }
        XCTAssertEqual(rows, 2 * proposed.count, "every confirmed household posted once, in CSV and in XLSX")
    }
}
