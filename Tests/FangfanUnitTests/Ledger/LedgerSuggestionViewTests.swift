import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// §7: the suggestion of risk elimination shows "on the list and in the ledger view".
final class LedgerSuggestionViewTests: LedgerBackendTestCase {
    func testSuggestionsRecordedPerMonthShowForMonitoredCasesOnly() throws {
        onBothBackends {
            let ledger = try openLedger(clock: { "2021-06-02T00:00:00Z" })
            // h1 is typed 监测户: its red alert opens the case directly in 监测中; h2 gets a 预警 case
            let h1 = "4408250010010000", h2 = "4408250010020000"
            func alert(_ h: String, _ type: String) -> LedgerAlert {
                LedgerAlert(
                    alertId: "YJ2021-\(h)-01", householdId: h, town: "锦和镇", village: "锦和村", month: "2021-05",
                    level: .red, triggers: ["illness"], householdType: type)
            }
            try ledger.recordMonth(
                "2021-05", run: "run 2021-05", alerts: [alert(h1, "监测户"), alert(h2, "一般农户")],
                evaluations: [
                    LedgerEvaluation(householdId: h1, month: "2021-05", atOrAboveLine: true, triggered: false),
                    LedgerEvaluation(householdId: h2, month: "2021-05", atOrAboveLine: true, triggered: false),
                ])
            XCTAssertEqual(try ledger.caseStates()[h1], .monitored)
            XCTAssertEqual(try ledger.caseStates()[h2], .warned)
            try ledger.recordEliminationSuggestions(
                month: "2021-05", run: "run 2021-05", households: [h1, h2], detail: EliminationSuggestion(months: 6).historyDetail)
            XCTAssertEqual(try ledger.eliminationSuggested(), [h1], "only a 监测中 case is suggested")
            let before = try ledger.history(household: h1).count
            try ledger.recordEliminationSuggestions(
                month: "2021-05", run: "run 2021-05", households: [h1], detail: EliminationSuggestion(months: 6).historyDetail)
            XCTAssertEqual(try ledger.history(household: h1).count, before, "a rerun of the month records it once")
            XCTAssertTrue(try ledger.history(household: h1).contains { $0.event == "建议标注风险已消除" })
            // a later evaluated month without the suggestion: the view no longer shows it
            try ledger.recordMonth(
                "2021-06", run: "run 2021-06", alerts: [],
                evaluations: [LedgerEvaluation(householdId: h1, month: "2021-06", atOrAboveLine: false, triggered: true)])
            XCTAssertEqual(try ledger.eliminationSuggested(), [])
            XCTAssertEqual(try ledger.eliminationSuggested(month: "2021-05"), [h1])
        }
    }
}
