import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The plan's first two discovery channels (农户申报, 干部排查) beside the department channel (issue: declarations).
final class DeclarationTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    struct Alert: Decodable, HouseholdKeyed {
        var household_id: String; var level: String; var triggers: [String]; var channels: [String]
        var risk_types: [String]; var suggested: [String]
    }

    func alerts(_ s: Sandbox, _ m: String) throws -> [String: Alert] { try s.alerts(m, as: Alert.self) }

    /// Households of the fixture roster with no expected alert and no declaration of their own.
    func quietHouseholds() throws -> [String] {
        let expected = Set(
            try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv")).map { String($0.prefix(16)) })
        let declared = Set(
            try String(contentsOf: fixture.appendingPathComponent("inbox/application/application.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { String($0.prefix(16)) })
        let roster = try String(contentsOf: fixture.appendingPathComponent("inbox/roster/roster.csv"), encoding: .utf8)
        var seen = Set<String>(), out: [String] = []
        for line in roster.split(separator: "\n").dropFirst() {
            let h = String(line.prefix(16))
            // not typed 监测户: such a household's case opens directly in 监测中 (§7)
            guard h.count == 16, h.allSatisfy(\.isNumber), !line.contains(",监测户,"), !expected.contains(h), !declared.contains(h),
                seen.insert(h).inserted
            else { continue }
            out.append(h)
        }
        return out
    }

    func testEachChannelAloneWithDepartmentTriggersOutsideThePeriodUnknownHouseholdAndXLSX() throws {
        let s = try Sandbox("channels")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let quiet = try quietHouseholds()
        let (screened, outside, viaXLSX) = (quiet[0], quiet[1], quiet[2])
        // a yellow department alert (illness) that a declaration lifts to orange
        let yellow = try XCTUnwrap(
            try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv"))
                .first { $0.hasSuffix(",yellow,illness") }
        ).prefix(16)
        let unknown = "4408259999990000"
        let app = s.inbox.appendingPathComponent("application")
        try """
        户编号,申报人身份证号,发现方式,申报日期,风险类型,填报人,情况说明
        \(screened),,干部排查,2021-04-20,因务工就业不稳;缺劳动力,李干部,排查发现返乡后无业
        \(yellow),,农户申报,2021/5/6,因病,,住院后申请
        \(outside),,农户申报,2020-11-15,其他,,上一监测年度的申报
        \(unknown),,农户申报,2021-05-01,因灾,,不在花名册
        """.write(to: app.appendingPathComponent("申报_补充.csv"), atomically: true, encoding: .utf8)
        // the same form as XLSX, as a town returns it
        let headers = ["户编号", "申报人身份证号", "发现方式", "申报日期", "风险类型", "填报人", "情况说明"]
        try XLSXWriter.write(
            XLSXSheetSpec(
                name: "申报", columns: headers.map { XLSXColumn(header: $0, width: 12) },
                rows: [[.text(viaXLSX), .empty, .text("干部排查"), .number("44330"), .text("因学"), .text("王干部"), .empty]]),
            to: app.appendingPathComponent("申报_锦和镇.xlsx").path)
        try s.age(s.inbox)
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let got = try alerts(s, "2021-05")

        // 干部排查 alone: orange whatever the figures, channel 排查, the declared risk types and their suggestions
        let a = try XCTUnwrap(got[screened])
        XCTAssertEqual(a.level, "orange")
        XCTAssertEqual(a.triggers, ["declared"])
        XCTAssertEqual(a.channels, ["排查"])
        XCTAssertEqual(a.risk_types, ["因务工就业不稳", "缺劳动力"])
        XCTAssertTrue(a.suggested.contains("就业帮扶") && a.suggested.contains("综合保障"), "\(a.suggested)")

        // 农户申报 together with a department trigger: both channels, yellow lifted to orange
        let b = try XCTUnwrap(got[String(yellow)])
        XCTAssertEqual(b.level, "orange")
        XCTAssertEqual(b.triggers, ["declared", "illness"])
        XCTAssertEqual(b.channels, ["申报", "部门预警"])

        // dated outside the period: no trigger, so no alert for a quiet household
        XCTAssertNil(got[outside])

        // XLSX form, with an Excel date serial (44330 = 2021-05-14)
        let c = try XCTUnwrap(got[viaXLSX])
        XCTAssertEqual(c.channels, ["排查"])
        XCTAssertEqual(c.risk_types, ["因学"])

        // an unknown household is listed as unmatched, never dropped
        let unmatched = try String(contentsOf: s.out.appendingPathComponent("2021-05/unmatched/application.csv"), encoding: .utf8)
        XCTAssertTrue(unmatched.contains(unknown))
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json"))) as! [String: Any]
        XCTAssertGreaterThanOrEqual((summary["unmatched"] as! [String: Int])["application"]!, 1)
        let channels = (summary["alerts"] as! [String: Any])["by_channel"] as! [String: Int]
        XCTAssertGreaterThanOrEqual(channels["排查"]!, 2)
        XCTAssertGreaterThanOrEqual(channels["申报"]!, 1)
        XCTAssertGreaterThanOrEqual(channels["部门预警"]!, 1)
        // the cases opened as for any orange alert
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        XCTAssertEqual(try ledger.caseStates()[screened], .warned)
        XCTAssertEqual(try ledger.caseStates()[viaXLSX], .warned)
    }

    func testA干部排查WithoutReporterIsQuarantined() throws {
        let s = try Sandbox("reporter")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let app = s.inbox.appendingPathComponent("application")
        try "户编号,申报人身份证号,发现方式,申报日期,风险类型,填报人,情况说明\n4408250010010000,,干部排查,2021-05-01,因病,,\n"
            .write(to: app.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        try s.age(app)
        XCTAssertEqual(try s.run(["ingest"]).status, 0)
        let q = try String(
            contentsOf: s.state.appendingPathComponent("quarantine").appendingPathComponent(
                try FileManager.default.contentsOfDirectory(atPath: s.state.appendingPathComponent("quarantine").path).sorted().last!),
            encoding: .utf8)
        XCTAssertTrue(q.contains("application/x.csv,2,填报人,,missing_required"), q)
    }
}
