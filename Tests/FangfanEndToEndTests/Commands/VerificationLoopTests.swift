import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The loop cadres live in: a list goes out, findings come back through the inbox, the next month shows them.
final class VerificationLoopTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    func alerts(_ s: Sandbox, _ month: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: s.out.appendingPathComponent("\(month)/alerts.jsonl"))
        return try data.split(separator: 0x0A).map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
    }

    /// Cells as text, keyed by header, from the first sheet of a returned list.
    func sheet(_ path: URL) throws -> (headers: [String], rows: [[String]]) {
        let rows = try XLSXReader.firstSheetRows(path: path.path)
        func text(_ v: XLSXValue?) -> String {
            switch v {
            case .text(let s)?: return s
            case .number(let s)?: return s
            case .bool(let b)?: return b ? "TRUE" : "FALSE"
            case nil: return ""
            }
        }
        let headers = rows[0].cells.map(text)
        return (headers, rows.dropFirst().map { r in (0..<headers.count).map { $0 < r.cells.count ? text(r.cells[$0]) : "" } })
    }

    func testFindingsOnTheEmittedXLSXMoveCasesAndTheNextListShowsThemMonitored() throws {
        let s = try Sandbox("loop")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05"]).status, 0)
        let may = try alerts(s, "2021-05")
        let red = try XCTUnwrap(may.first { $0["level"] as? String == "red" && $0["category"] as? String != "在监测" })
        let town = red["town"] as! String
        let household = red["household_id"] as! String
        let list = s.out.appendingPathComponent("2021-05/towns/\(town).xlsx")
        var (headers, rows) = try sheet(list)
        let col = { (h: String) in headers.firstIndex(of: h)! }
        for h in ["预警编号", "户编号", "核查结论", "核查人", "核查日期", "帮扶措施", "备注"] {
            XCTAssertTrue(headers.contains(h), "the list has no column \(h) for the cadres' findings")
        }
        // a cadre fills in the findings: the red household is confirmed with a measure; another row of the town is rejected
        let i = try XCTUnwrap(rows.firstIndex { $0[col("户编号")] == household })
        rows[i][col("核查结论")] = "确认纳入"
        rows[i][col("核查人")] = "王村干"
        rows[i][col("核查日期")] = "2021-06-10"
        rows[i][col("帮扶措施")] = "就业帮扶、产业帮扶"
        var rejectedHousehold: String?
        if let j = rows.indices.first(where: { $0 != i && rows[$0][col("预警等级")].hasPrefix("橙色") }) {
            rows[j][col("核查结论")] = "不予纳入"
            rows[j][col("核查人")] = "王村干"
            rejectedHousehold = rows[j][col("户编号")]
        }
        // and one line for an alert the ledger never emitted
        var bogus = rows[i]
        bogus[col("预警编号")] = "YJ2021-4408259999999999-01"
        rows.append(bogus)
        let returned = XLSXSheetSpec(
            name: town, columns: headers.map { XLSXColumn(header: $0, width: 12) },
            rows: rows.map { $0.map { $0.isEmpty ? XLSXCell.empty : .text($0) } })
        let dir = s.inbox.appendingPathComponent("verification")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dropped = dir.appendingPathComponent("核查结果_\(town)_202105.xlsx")
        try XLSXWriter.write(returned, to: dropped.path)
        try s.age(dir)

        let june = try s.run(["run", "--month", "2021-06"], today: "2021-07-02")
        XCTAssertEqual(june.status, 0, june.stderr)
        // the ledger moved the cases
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        let states = try ledger.caseStates()
        XCTAssertEqual(states[household], .monitored)
        if let r = rejectedHousehold { XCTAssertEqual(states[r], .rejected) }
        XCTAssertTrue(try ledger.cases(state: .monitored).first { $0.householdId == household }!.measures.contains("就业帮扶"))
        // the unknown alert id was quarantined, the rest applied
        let quarantine = try String(contentsOf: s.out.appendingPathComponent("2021-06/quarantine.csv"), encoding: .utf8)
        XCTAssertTrue(quarantine.contains("unknown_alert"))
        // June's list shows the household as 在监测
        let a = try XCTUnwrap(try alerts(s, "2021-06").first(where: { $0["household_id"] as? String == household }))
        XCTAssertEqual(a["category"] as? String, "在监测")
        let (jh, jrows) = try sheet(s.out.appendingPathComponent("2021-06/towns/\(town).xlsx"))
        let row = try XCTUnwrap(jrows.first(where: { $0[jh.firstIndex(of: "户编号")!] == household }))
        XCTAssertEqual(row[jh.firstIndex(of: "类别")!], "在监测")
        // May's run had no finding to post; June's notice (RULES.md §13) posts the household moved into 监测中
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: s.out.appendingPathComponent("2021-05/notice").path), [])
        func notice() throws -> [[String]] {
            let data = try Data(contentsOf: s.out.appendingPathComponent("2021-06/notice/\(town).csv"))
            XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF])
            return String(decoding: data.dropFirst(3), as: UTF8.self).split(separator: "\n").map { parseCSVLine(String($0)) }
        }
        let posted = try notice()
        XCTAssertEqual(
            posted,
            [
                ["乡镇", "行政村", "户主姓名", "家庭人口", "类别", "事项", "日期"],
                [
                    town, red["village"] as! String, red["head_name"] as! String, String(red["size"] as! Int),
                    red["category"] as! String, "纳入监测", "2021-06-10",
                ],
            ],
            "one row: the confirmed household; the rejected one is not posted")
        let noticeText = try String(contentsOf: s.out.appendingPathComponent("2021-06/notice/\(town).csv"), encoding: .utf8)
        for secret in [household, red["head_id_masked"] as! String, red["net_per_capita"] as! String, "就业帮扶"]
            + (red["risk_types"] as! [String])
        {
            XCTAssertFalse(noticeText.contains(secret), "the notice shows no \(secret)")
        }
        let xlsxNotice = try sheet(s.out.appendingPathComponent("2021-06/notice/\(town).xlsx"))
        XCTAssertEqual([xlsxNotice.headers] + xlsxNotice.rows, posted)
        // rule precision (§13): the confirmed red alert counts for each of its triggers, the rejected one likewise
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-06/summary.json"))) as! [String: Any]
        let byTrigger = try XCTUnwrap((summary["findings"] as? [String: Any])?["by_trigger"] as? [String: [String: Any]])
        // (the fixture county has no file of §12's feeds: their codes are not counted)
        XCTAssertEqual(Set(byTrigger.keys), Set(Triggers.codes(basicNeeds: false)))
        let confirmedTriggers = red["triggers"] as! [String]
        let rejectedTriggers =
            rejectedHousehold.flatMap { r in may.first { $0["household_id"] as? String == r } }?["triggers"] as? [String] ?? []
        for code in Triggers.codes(basicNeeds: false) {
            let n = confirmedTriggers.contains(code) ? 1 : 0, m = rejectedTriggers.contains(code) ? 1 : 0
            XCTAssertEqual(byTrigger[code]?["confirmed"] as? Int, n, code)
            XCTAssertEqual(byTrigger[code]?["rejected"] as? Int, m, code)
            let rate = byTrigger[code]?["rate"]
            if n + m == 0 {
                XCTAssertTrue(rate is NSNull, code)
            } else {
                XCTAssertEqual(rate as? String, n == 1 && m == 1 ? "0.50" : n == 1 ? "1.00" : "0.00", code)
            }
        }
        XCTAssertTrue(try String(contentsOf: s.out.appendingPathComponent("2021-06/report.html"), encoding: .utf8).contains("各触发规则核查确认率"))
        // dropping the same file again changes nothing
        let before = try ledger.history(household: household).count
        try FileManager.default.copyItem(
            at: s.state.appendingPathComponent("archive/verification").appendingPathComponent(
                try FileManager.default.contentsOfDirectory(atPath: s.state.appendingPathComponent("archive/verification").path).first {
                    $0.hasSuffix(".xlsx")
                }!),
            to: dir.appendingPathComponent("再次发送.xlsx"))
        try s.age(dir)
        XCTAssertEqual(try s.run(["run", "--month", "2021-06"], today: "2021-07-02").status, 0)
        XCTAssertEqual(try ledger.history(household: household).count, before)
        XCTAssertEqual(try notice(), posted, "a rerun of June posts the same notice")
        // the ledger view shows the history, read-only
        let show = try s.run(["ledger", "show", household])
        XCTAssertEqual(show.status, 0)
        XCTAssertTrue(show.stdout.contains("监测中"), show.stdout)
        // a number typed with full-width digits is the same household; a digit dropped is said to be a bad number
        let wide = String(String.UnicodeScalarView(household.unicodeScalars.map { Unicode.Scalar($0.value - 0x30 + 0xFF10)! }))
        let shown = try s.run(["ledger", "show", wide])
        XCTAssertEqual(shown.status, 0)
        XCTAssertEqual(shown.stdout, show.stdout)
        let short = try s.run(["ledger", "show", String(household.dropLast())])
        XCTAssertEqual(short.status, 64)
        XCTAssertTrue(short.stderr.contains("户编号应为 16 位数字"), short.stderr)
    }

    /// The town list's CSV opened in Excel and saved back (GB18030, 户编号 shown and saved as 4.40825E+15): its
    /// rows are quarantined, nothing in the ledger changes, and the reason tells the cadres to use the XLSX.
    func testAReturnedCSVWhoseHouseholdNumbersASpreadsheetDamagedChangesNothingAndSaysToUseTheXLSX() throws {
        let s = try Sandbox("loopcsv")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05"]).status, 0)
        let red = try XCTUnwrap(try alerts(s, "2021-05").first { $0["level"] as? String == "red" && $0["category"] as? String != "在监测" })
        let town = red["town"] as! String
        let household = red["household_id"] as! String
        // (the list read as a spreadsheet reads it: the BOM gone, quoted fields whole)
        let reader = CSVReader(
            try DecodedSource(try FileByteSource(path: s.out.appendingPathComponent("2021-05/towns/\(town).csv").path), encoding: .utf8))
        var lines: [[String]] = []
        while let r = try reader.next() { lines.append((0..<r.count).map { r.string($0) }) }
        let col = { (h: String) in lines[0].firstIndex(of: h)! }
        let i = try XCTUnwrap(lines.firstIndex { $0[col("户编号")] == household })
        var row = lines[i]
        row[col("户编号")] = "4.40825E+15"  // as Excel shows a 16-digit number, and saves it
        row[col("核查结论")] = "确认纳入"
        row[col("核查人")] = "王村干"
        row[col("核查日期")] = "2021/6/10"
        var bytes: [UInt8] = []
        CSVOut.appendRow(&bytes, lines[0])
        CSVOut.appendRow(&bytes, row)
        let text = String(decoding: bytes, as: UTF8.self)
        let dir = s.inbox.appendingPathComponent("verification")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(try gb18030(text)).write(to: dir.appendingPathComponent("\(town)核查.csv"))
        try s.age(dir)
        let june = try s.run(["run", "--month", "2021-06"], today: "2021-07-02")
        XCTAssertEqual(june.status, 0, june.stderr)
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        XCTAssertEqual(try ledger.caseStates()[household], .warned, "a finding without its household number is not applied")
        let quarantine = try String(contentsOf: s.out.appendingPathComponent("2021-06/quarantine.csv"), encoding: .utf8)
        let line = try XCTUnwrap(quarantine.split(separator: "\n").first { $0.hasPrefix("verification/") })
        XCTAssertTrue(line.contains(",户编号,4.40825E+15,household_id,"), String(line))
        XCTAssertTrue(line.contains("本行核查结论未录入") && line.contains("XLSX"), String(line))
    }

    func testADeclarationPutsAHouseholdWithoutDepartmentTriggerOnTheNextListAsOrange() throws {
        let s = try Sandbox("declared")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05"]).status, 0)
        let alerted = Set(try alerts(s, "2021-05").map { $0["household_id"] as! String })
        let roster = try String(contentsOf: fixture.appendingPathComponent("inbox/roster/roster.csv"), encoding: .utf8)
        let household = try XCTUnwrap(
            roster.split(separator: "\n").dropFirst().map { String($0.prefix(16)) }
                .first { !alerted.contains($0) && $0.allSatisfy(\.isNumber) })
        let app = s.inbox.appendingPathComponent("application")
        try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
        try "户编号,申报人身份证号,发现方式,申报日期,风险类型,填报人,情况说明\n\(household),,农户申报,2021-06-03,因病、因学,,孩子上大学，老人住院\n"
            .write(to: app.appendingPathComponent("申报_202106.csv"), atomically: true, encoding: .utf8)
        try s.age(app)
        XCTAssertEqual(try s.run(["run", "--month", "2021-06"], today: "2021-07-02").status, 0)
        let a = try XCTUnwrap(try alerts(s, "2021-06").first { $0["household_id"] as? String == household })
        XCTAssertEqual(a["level"] as? String, "orange")
        XCTAssertEqual(a["triggers"] as? [String], ["declared"])
        XCTAssertEqual(a["channels"] as? [String], ["申报"])
        XCTAssertEqual(a["risk_types"] as? [String], ["因病", "因学"])
        let ev = (a["evidence"] as! [[String: Any]]).map { $0["text"] as! String }.joined()
        XCTAssertTrue(ev.contains("农户申报") && ev.contains("2021-06-03") && ev.contains("因病、因学"), ev)
        let suggested = a["suggested"] as! [String]
        XCTAssertTrue(suggested.contains { $0.hasPrefix("综合保障") } && suggested.contains("其他帮扶"), "\(suggested)")
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        XCTAssertEqual(try ledger.caseStates()[household], .warned)
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-06/summary.json"))) as! [String: Any]
        let channels = (summary["alerts"] as! [String: Any])["by_channel"] as! [String: Int]
        XCTAssertGreaterThanOrEqual(channels["申报"]!, 1)
        // the town list shows the channel
        let town = a["town"] as! String
        let csv = try String(contentsOf: s.out.appendingPathComponent("2021-06/towns/\(town).csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains(household) && csv.contains("申报"))
    }
}
