import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §9 through the built command: a household whose income fell in March–May is warned in May, and not in
/// February (before the fall, and a month when §9 makes no forecast).
final class ForecastEndToEndTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    struct Alert: Decodable, HouseholdKeyed {
        var household_id: String; var level: String; var triggers: [String]; var risk_types: [String]
        var evidence: [Evidence]; var suggested: [String]; var category: String
    }
    struct Evidence: Decodable { var trigger: String; var text: String }

    func alerts(_ s: Sandbox, _ m: String) throws -> [String: Alert] { try s.alerts(m, as: Alert.self) }

    func testAFallInMarchToMayIsWarnedInMayNotInFebruary() throws {
        let s = try Sandbox("forecast")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        // a household of two added to the fixture's roster (a 一般农户, prev_income 20000.00: no income_drop, since
        // the period average projects 21,000 > 0.7 × 20,000)
        let household = "4408250999990001"
        let head = ResidentID(key: 44082519800101011).description, spouse = ResidentID(key: 44082519820303022).description
        let roster = s.inbox.appendingPathComponent("roster/roster.csv")
        var text = try String(contentsOf: roster, encoding: .utf8)
        text += "\(household),下洋镇,港沟村,一般农户,\(head),陈大明,户主,普通劳动力,20000.00\n"
        text += "\(household),下洋镇,港沟村,一般农户,\(spouse),林秀,配偶,普通劳动力,20000.00\n"
        try text.write(to: roster, atomically: true, encoding: .utf8)
        // 2,500 a month December–February, 1,000 a month March–May (the example of §9)
        var income = "户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入\n"
        for (m, v) in [
            ("2020-12", "2500"), ("2021-01", "2500"), ("2021-02", "2500"), ("2021-03", "1000"),
            ("2021-04", "1000"), ("2021-05", "1000"),
        ] {
            income += "\(household),\(m),\(v),0,0,0\n"
        }
        try income.write(to: s.inbox.appendingPathComponent("income/收入_补充.csv"), atomically: true, encoding: .utf8)
        try s.age(s.inbox)

        XCTAssertEqual(try s.run(["run", "--month", "2021-02", "--quiet"]).status, 0)
        XCTAssertNil(try alerts(s, "2021-02")[household], "February: 7,500 in three months, 15,000 a person a year, no fall")

        XCTAssertEqual(try s.run(["run", "--month", "2021-05", "--quiet"]).status, 0)
        let may = try XCTUnwrap(try alerts(s, "2021-05")[household])
        XCTAssertEqual(may.triggers, ["forecast"])
        XCTAssertEqual(may.risk_types, ["收入下滑预警"])
        XCTAssertEqual(may.level, "orange", "10,500 a person: not below 9,600, near (below 11,520)")
        XCTAssertEqual(may.category, "边缘易致贫户")
        XCTAssertEqual(
            may.evidence.map(\.text),
            [
                "近3个月（2021-03至2021-05）收入 3000.00 元，月均 1000.00 元，低于此前月均 2500.00 元；按近3个月水平推算全年收入 16500.00 元，扣除刚性支出后人均 8250.00 元，将低于监测线 9600.00 元"
            ])
        XCTAssertEqual(may.suggested, ["就业帮扶", "产业帮扶"])
        // it shows where triggers show: the summary's count by trigger, the town's list, the ledger
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json"))) as! [String: Any]
        let byTrigger = (summary["alerts"] as! [String: Any])["by_trigger"] as! [String: Int]
        XCTAssertGreaterThanOrEqual(byTrigger["forecast"] ?? 0, 1)
        let list = try String(contentsOf: s.out.appendingPathComponent("2021-05/towns/下洋镇.csv"), encoding: .utf8)
        XCTAssertTrue(list.contains(household) && list.contains("收入下滑预警"))
        let report = try String(contentsOf: s.out.appendingPathComponent("2021-05/report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("收入下滑预警"))
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        XCTAssertEqual(try ledger.caseRow(household: household)?.lastTriggers, ["forecast"])
    }
}
