import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §12's first two bullets through the built command: a household whose income runs back to the
/// previous June is projected differently under `rules.period = "rolling_12"` than under the plan's period, and
/// `rules.sudden_hardship = true` lists it as 突发严重困难户 (the summary and the report count by category).
final class NationalEndToEndTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    struct Alert: Decodable, HouseholdKeyed {
        var household_id: String; var level: String; var triggers: [String]; var category: String
        var income_projected: String; var months_with_income: Int; var period_months: Int
        var evidence: [Evidence]; var notes: [String]
    }
    struct Evidence: Decodable { var trigger: String; var text: String }

    let household = "4408250999990002"

    /// One member, 一般农户, prev_income 30000.00; 2,500 a month June–November 2020, 500 a month December–May.
    func sandbox(_ name: String) throws -> Sandbox {
        let s = try Sandbox(name)
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let head = ResidentID(key: 44082519800101011).description
        let roster = s.inbox.appendingPathComponent("roster/roster.csv")
        var text = try String(contentsOf: roster, encoding: .utf8)
        text += "\(household),下洋镇,港沟村,一般农户,\(head),陈大明,户主,普通劳动力,30000.00\n"
        try text.write(to: roster, atomically: true, encoding: .utf8)
        var income = "户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入\n"
        for m in ["2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11"] { income += "\(household),\(m),2500,0,0,0\n" }
        for m in ["2020-12", "2021-01", "2021-02", "2021-03", "2021-04", "2021-05"] { income += "\(household),\(m),500,0,0,0\n" }
        try income.write(to: s.inbox.appendingPathComponent("income/收入_补充.csv"), atomically: true, encoding: .utf8)
        try s.age(s.inbox)
        return s
    }

    func summary(_ s: Sandbox) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json"))) as! [String: Any]
    }

    func testRollingPeriodAndSuddenHardship() throws {
        // The plan's period (defaults): December–May, 6 × 500 = 3,000 → projected 6,000.00 ≤ 0.7 × 30,000 = 21,000
        // (income_drop), 6,000 a person below 9,600: red, the type's category.
        let plan = try sandbox("national-plan")
        defer { plan.remove() }
        XCTAssertEqual(try plan.run(["run", "--month", "2021-05", "--quiet"]).status, 0)
        let p = try XCTUnwrap(try plan.alerts("2021-05", as: Alert.self)[household])
        XCTAssertEqual(p.income_projected, "6000.00")
        XCTAssertEqual(p.months_with_income, 6)
        XCTAssertEqual(p.period_months, 6)
        XCTAssertEqual(p.triggers, ["income_drop"])
        XCTAssertEqual(p.level, "red")
        XCTAssertEqual(p.category, "边缘易致贫户")
        let ps = try summary(plan)
        XCTAssertEqual((ps["period"] as! [String: Any])["kind"] as? String, "plan_2021")
        XCTAssertEqual((ps["period"] as! [String: Any])["from"] as? String, "2020-12")
        XCTAssertNil((ps["alerts"] as! [String: Any])["by_category"], "by_category only with the option on")

        // rolling_12: June 2020–May 2021, 6 × 2,500 + 6 × 500 = 18,000 in 12 months → projected 18,000.00
        // ≤ 21,000 (income_drop), 18,000 a person: not below, not near (11,520): yellow; 突发严重困难户.
        let rolling = try sandbox("national-rolling")
        defer { rolling.remove() }
        let config = try rolling.shippedConfig(
            "national.toml",
            replacing: [("period = \"plan_2021\" ", "period = \"rolling_12\" "), ("sudden_hardship = false ", "sudden_hardship = true ")])
        XCTAssertEqual(try rolling.run(["run", "--month", "2021-05", "--quiet"], config: config.path).status, 0)
        let r = try XCTUnwrap(try rolling.alerts("2021-05", as: Alert.self)[household])
        XCTAssertEqual(r.income_projected, "18000.00")
        XCTAssertEqual(r.months_with_income, 12)
        XCTAssertEqual(r.period_months, 12)
        XCTAssertEqual(r.triggers, ["income_drop"])
        XCTAssertEqual(r.level, "yellow")
        XCTAssertEqual(r.category, "突发严重困难户")
        XCTAssertEqual(r.notes, [])
        XCTAssertTrue(
            r.evidence.contains { $0.text.contains("按 12 个月申报（滚动12个月 2020-06至2021-05）推算全年收入 18000.00") },
            "\(r.evidence.map(\.text))")
        let rs = try summary(rolling)
        let period = rs["period"] as! [String: Any]
        XCTAssertEqual(period["kind"] as? String, "rolling_12")
        XCTAssertEqual(period["from"] as? String, "2020-06")
        XCTAssertEqual(period["to"] as? String, "2021-05")
        XCTAssertEqual(period["months"] as? Int, 12)
        XCTAssertEqual(rs["monitoring_year"] as? Int, 2021)
        let byCategory = try XCTUnwrap((rs["alerts"] as! [String: Any])["by_category"] as? [String: Int])
        XCTAssertGreaterThanOrEqual(byCategory["突发严重困难户"] ?? 0, 1)
        XCTAssertEqual(byCategory.values.reduce(0, +), (rs["alerts"] as! [String: Any])["total"] as? Int)
        let list = try String(contentsOf: rolling.out.appendingPathComponent("2021-05/towns/下洋镇.csv"), encoding: .utf8)
        XCTAssertTrue(list.contains("突发严重困难户"))
        // the XLSX list can be filtered by it: 类别 is a header cell inside the autofilter (A1 to the last column)
        let xlsx = rolling.out.appendingPathComponent("2021-05/towns/下洋镇.xlsx").path
        let rows = try XLSXReader.firstSheetRows(path: xlsx).map { row in
            row.cells.map { c -> String in
                if case .text(let t)? = c { return t }
                return ""
            }
        }
        let column = try XCTUnwrap(rows[0].firstIndex(of: "类别"))
        XCTAssertTrue(rows.contains { $0.count > column && $0[column] == "突发严重困难户" && $0.contains(household) })
        let zip = try ZipArchive(path: xlsx)
        let sheet = String(decoding: try zip.read(zip.entry(named: "xl/worksheets/sheet1.xml")!), as: UTF8.self)
        // the filter's range starts at A1 and ends at the header's last column, so 类别 (column C) is inside it
        let filter = try XCTUnwrap(sheet.range(of: #"<autoFilter ref="A1:"#))
        let lastColumn = String(sheet[filter.upperBound...].prefix { $0.isLetter })
        XCTAssertEqual(lastColumn, XLSXWriter.columnName(rows[0].count - 1))
        XCTAssertEqual(XLSXWriter.columnName(column), "C")
        let report = try String(contentsOf: rolling.out.appendingPathComponent("2021-05/report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("滚动12个月 2020-06 至 2021-05"))
        XCTAssertTrue(report.contains("按类别：") && report.contains("突发严重困难户"))
        // an unknown period is refused before anything changes, naming the key
        let unknown = try rolling.shippedConfig("national.toml", replacing: [("period = \"plan_2021\" ", "period = \"rolling_6\" ")])
        let bad = try rolling.run(["run", "--month", "2021-05", "--quiet"], config: unknown.path)
        XCTAssertEqual(bad.status, 78)
        XCTAssertTrue(bad.stderr.contains("rules.period"), bad.stderr)
    }

    /// A generated county whose income runs back to the previous June (gen.py --income-from 2020-06: each
    /// household's June–November 2020 at 2–3×, 0.3–0.6× or about its later monthly mean) gives, under each
    /// period, the alerts tools/oracle.py computes from the rules in DuckDB SQL — and the two periods differ:
    /// fixtures/oracle/gen-prior-income-2021-05.alerts.csv (60 alerts) and …-rolling12-… (74), made by
    /// `python3 tools/gen.py --seed 7 --households 300 --income-from 2020-06 --out DIR` and
    /// `python3 tools/oracle.py --inbox DIR --month 2021-05 [--period rolling_12] --out FILE`.
    func testAGeneratedCountyWithIncomeFromThePreviousJuneAgreesWithTheOracleUnderEachPeriod() throws {
        var got: [String: [String]] = [:]
        for period in ["plan_2021", "rolling_12"] {
            let s = try Sandbox("prior-income-\(period)")
            defer { s.remove() }
            try python(["tools/gen.py", "--seed", "7", "--households", "300", "--income-from", "2020-06", "--quiet", "--out", s.inbox.path])
            try s.age(s.inbox)
            let config = try s.shippedConfig("period.toml", replacing: [("period = \"plan_2021\" ", "period = \"\(period)\" ")])
            XCTAssertEqual(try s.run(["run", "--month", "2021-05", "--quiet"], config: config.path).status, 0)
            got[period] = try s.alertLines("2021-05")
            let summary =
                try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json")))
                as! [String: Any]
            let from = (summary["period"] as? [String: Any])?["from"] as? String
            XCTAssertEqual(from, period == "plan_2021" ? "2020-12" : "2020-06")
        }
        let plan = try Sandbox.oracleLines(Sandbox.repo.appendingPathComponent("fixtures/oracle/gen-prior-income-2021-05.alerts.csv"))
        let rolling = try Sandbox.oracleLines(
            Sandbox.repo.appendingPathComponent("fixtures/oracle/gen-prior-income-rolling12-2021-05.alerts.csv"))
        XCTAssertEqual(plan.count, 60)
        XCTAssertEqual(rolling.count, 74)
        XCTAssertEqual(got["plan_2021"], plan)
        XCTAssertEqual(got["rolling_12"], rolling)
        XCTAssertNotEqual(plan, rolling)
    }

    /// A generated county (gen.py seed 7, 300 households) under `rules.sudden_hardship = true` gives the alerts
    /// and categories tools/oracle.py computes (`--categories --sudden-hardship`):
    /// fixtures/oracle/gen-sudden-hardship-2021-05.alerts.csv — 11 of its 60 alerts are 突发严重困难户, among them
    /// a household with only a declaration naming 因灾; declarations naming other risk types keep their type's
    /// category; the two 监测户 stay 在监测. The same alerts as without the option: only categories move.
    func testAGeneratedCountyUnderSuddenHardshipAgreesWithTheOracle() throws {
        let s = try Sandbox("sudden-hardship-gen")
        defer { s.remove() }
        try python(["tools/gen.py", "--seed", "7", "--households", "300", "--quiet", "--out", s.inbox.path])
        try s.age(s.inbox)
        let config = try s.shippedConfig("sudden.toml", replacing: [("sudden_hardship = false ", "sudden_hardship = true ")])
        XCTAssertEqual(try s.run(["run", "--month", "2021-05", "--quiet"], config: config.path).status, 0)
        let got = try s.alerts("2021-05", as: Alert.self).values.map {
            "\($0.household_id),\($0.level),\($0.triggers.joined(separator: ";")),\($0.category)"
        }.sorted()
        let expected = try Sandbox.oracleLines(
            Sandbox.repo.appendingPathComponent("fixtures/oracle/gen-sudden-hardship-2021-05.alerts.csv"))
        XCTAssertEqual(expected.count, 60)
        XCTAssertEqual(expected.filter { $0.hasSuffix(",突发严重困难户") }.count, 11)
        XCTAssertTrue(expected.contains("4408250020020001,orange,declared,突发严重困难户"))
        XCTAssertEqual(got, expected)
    }
}
