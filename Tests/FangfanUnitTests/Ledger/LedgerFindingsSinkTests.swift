import FangfanCore
import Foundation
import XCTest

/// The ledger as ingest's `FindingsSink`: validated verification rows → findings → quarantine problems.
final class LedgerFindingsSinkTests: LedgerBackendTestCase {

    /// A normalised verification row, in the schema's field order.
    private func row(_ values: [String: String]) -> NormalizedRow {
        var r = NormalizedRow()
        let schema = FeedKind.verification.schema
        r.reset()
        for f in schema.fields { r.append(values[f.name] ?? "") }
        return r
    }

    func testRowsBecomeFindingsAndRefusalsBecomeProblems() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-02T08:00:00Z" })
            let h1 = "4408251010010001", h2 = "4408251010010002"
            try l.recordMonth(
                "2021-05", run: "run 2021-05",
                alerts: [
                    LedgerAlert(
                        alertId: "R1", householdId: h1, town: "锦和镇", village: "锦和村", month: "2021-05",
                        level: .red, triggers: ["illness"], householdType: "脱贫户"),
                    LedgerAlert(
                        alertId: "R2", householdId: h2, town: "锦和镇", village: "锦和村", month: "2021-05",
                        level: .red, triggers: ["illness"], householdType: "监测户"),
                ], evaluations: [])
            let rows = [
                row([
                    "alert_id": "R1", "household_id": h1, "finding": "确认纳入", "verified_by": "李明",
                    "verified_on": "2021-06-01", "measures": "就业帮扶、产业帮扶", "note": "已走访",
                ]),
                row(["alert_id": "NOPE", "household_id": h1, "finding": "确认纳入", "verified_by": "李明"]),
                row(["alert_id": "R1", "household_id": h2, "finding": "确认纳入", "verified_by": "李明"]),
                row(["alert_id": "R2", "household_id": h2, "finding": "不予纳入", "verified_by": "李明"]),
            ]
            let problems = try l.apply(findings: rows, file: "核查结果_锦和镇.xlsx", sha256: "ab12cd34ef56")
            let schema = FeedKind.verification.schema
            XCTAssertNil(problems[0])
            XCTAssertEqual(problems[1]?.error.code, .unknownAlert)
            XCTAssertEqual(problems[1]?.field, schema.index(of: "alert_id"))
            XCTAssertEqual(problems[1]?.raw, "NOPE")
            XCTAssertEqual(problems[2]?.error.code, .alertHouseholdMismatch)
            XCTAssertEqual(problems[2]?.field, schema.index(of: "household_id"))
            XCTAssertEqual(problems[3]?.error.code, .transitionRefused)
            XCTAssertEqual(problems[3]?.field, schema.index(of: "finding"))
            XCTAssertTrue(problems[3]?.error.message.contains("监测中") ?? false)

            let c = try XCTUnwrap(try l.cases(state: .monitored).first { $0.householdId == h1 })
            XCTAssertEqual(c.measures, ["就业帮扶", "产业帮扶"])
            let last = try XCTUnwrap(try l.history(household: h1).last)
            XCTAssertEqual(last.actor, "李明 (file 核查结果_锦和镇.xlsx (ab12cd34))")
            XCTAssertTrue(last.detail.contains("备注 已走访"), last.detail)

            // the same file again (a re-ingest after a crash): nothing changes, the same rows are quarantined
            let again = try l.apply(findings: rows, file: "核查结果_锦和镇(1).xlsx", sha256: "ab12cd34ef56")
            XCTAssertEqual(again.map { $0?.error.code }, [nil, .unknownAlert, .alertHouseholdMismatch, .transitionRefused])
            XCTAssertEqual(again.map { $0?.field }, problems.map { $0?.field })
            XCTAssertEqual(try l.history(household: h1).count, 2)
        }
    }
}
