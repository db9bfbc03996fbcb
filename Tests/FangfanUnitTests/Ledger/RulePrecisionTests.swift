import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §13's rule precision: the rate's rounding at its edges, its JSON, and the ledger's counts.
final class RulePrecisionTests: LedgerBackendTestCase {
    func testRateRoundsHalfUpToTwoPlacesAndIsNullWithoutFindings() throws {
        XCTAssertEqual(RulePrecision(confirmed: 2, rejected: 1).rate, "0.67")
        XCTAssertEqual(RulePrecision(confirmed: 1, rejected: 2).rate, "0.33")
        XCTAssertEqual(RulePrecision(confirmed: 1, rejected: 7).rate, "0.13", "0.125 rounds half up")
        XCTAssertEqual(RulePrecision(confirmed: 5, rejected: 3).rate, "0.63", "0.625 rounds half up")
        XCTAssertEqual(RulePrecision(confirmed: 1, rejected: 199).rate, "0.01", "0.005 rounds half up")
        XCTAssertEqual(RulePrecision(confirmed: 1, rejected: 200).rate, "0.00", "0.004975 rounds down")
        XCTAssertEqual(RulePrecision(confirmed: 3, rejected: 0).rate, "1.00")
        XCTAssertEqual(RulePrecision(confirmed: 0, rejected: 2).rate, "0.00")
        XCTAssertNil(RulePrecision(confirmed: 0, rejected: 0).rate)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        XCTAssertEqual(
            String(decoding: try enc.encode(RulePrecision(confirmed: 0, rejected: 0)), as: UTF8.self),
            #"{"confirmed":0,"rate":null,"rejected":0}"#)
        XCTAssertEqual(
            String(decoding: try enc.encode(RulePrecision(confirmed: 2, rejected: 1)), as: UTF8.self),
            #"{"confirmed":2,"rate":"0.67","rejected":1}"#)
    }

    func testLedgerCountsEachAlertOnceForEveryTriggerItCarriesWithinTheYear() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-12T08:00:00Z" })
            func alert(_ id: String, _ n: Int, _ month: String, _ triggers: [String]) -> LedgerAlert {
                LedgerAlert(
                    alertId: id, householdId: "440825101001000\(n)", town: "锦和镇", village: "锦和村", month: month,
                    level: .red, triggers: triggers, householdType: "一般农户")
            }
            try l.recordMonth(
                "2020-12", run: "r", alerts: [alert("YJ2020-4408251010010004-01", 4, "2020-12", ["illness"])], evaluations: [])
            try l.recordMonth(
                "2021-05", run: "r",
                alerts: [
                    alert("YJ2021-4408251010010001-03", 1, "2021-05", ["illness", "disaster"]),
                    alert("YJ2021-4408251010010002-01", 2, "2021-05", ["illness"]),
                    alert("YJ2021-4408251010010003-02", 3, "2021-05", ["disaster"]),
                ], evaluations: [])
            for (id, h, kind) in [
                ("YJ2020-4408251010010004-01", 4, FindingKind.include),  // the year before: not counted
                ("YJ2021-4408251010010001-03", 1, .pending),
                ("YJ2021-4408251010010001-03", 1, .include),  // the latest finding counts
                ("YJ2021-4408251010010002-01", 2, .reject),
                ("YJ2021-4408251010010003-02", 3, .pending),
            ] {
                _ = try l.applyFinding(
                    Finding(alertId: id, householdId: "440825101001000\(h)", kind: kind, verifiedBy: "李明"), source: "f\(id)\(kind)")
            }
            let p = try l.rulePrecision(monitoringYear: 2021, codes: Triggers.codes)
            XCTAssertEqual(Set(p.keys), Set(Triggers.codes))
            XCTAssertEqual(p["illness"], RulePrecision(confirmed: 1, rejected: 1))
            XCTAssertEqual(p["illness"]?.rate, "0.50")
            XCTAssertEqual(p["disaster"], RulePrecision(confirmed: 1, rejected: 0), "a 待核 counts for nothing")
            XCTAssertEqual(p["income_drop"], RulePrecision(confirmed: 0, rejected: 0))
            XCTAssertNil(p["income_drop"]?.rate)
            XCTAssertEqual(
                try l.rulePrecision(monitoringYear: 2020, codes: Triggers.codes)["illness"], RulePrecision(confirmed: 1, rejected: 0))
        }
    }
}
