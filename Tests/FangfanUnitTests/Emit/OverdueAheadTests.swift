import XCTest

@testable import FangfanCore

/// Emit makes the town lists with the days overdue read before the ledger records the month
/// (`Emitter.overdueAhead`); the towns whose rows the ledger's answer changes are made again.
final class OverdueAheadTests: XCTestCase {
    func alert(_ household: String, town: String) -> Alert {
        Alert(
            alert_id: "YJ2021-\(household)-05", household_id: household, town: town, village: "村", level: .red,
            category: "一般农户", triggers: ["illness"], prev_income: "0.00", income_projected: "0.00",
            rigid: "0.00", net_per_capita: "0.00", line: "6000.00", evidence: [], notes: [], suggested: [],
            month: "2021-05", household_type: "一般农户", size: 3, head_name: "", head_id_masked: "", risk_types: ["因病"],
            channels: ["部门预警"], months_with_income: 6, period_months: 6, npc_numerator: 0, npc_denominator: 1)
    }

    func testTheTownsWhoseRowsTheAnswerChanged() {
        let alerts = [
            alert("4408250100080001", town: "东港镇"), alert("4408250100080002", town: "锦和镇"),
            alert("4408250100080003", town: "下洋镇"), alert("4408250100080004", town: "东港镇"),
        ]
        let ahead = ["4408250100080001": 3, "4408250100080002": 5, "4408250100080009": 2]
        XCTAssertEqual(Emitter.townsOverdueChanged(alerts, ahead: ahead, answered: ahead), [])
        // h2's days differ, h3 is overdue only in the answer, h9 (no alert: no row on a list) is gone from it
        let answered = ["4408250100080001": 3, "4408250100080002": 6, "4408250100080003": 1]
        XCTAssertEqual(Emitter.townsOverdueChanged(alerts, ahead: ahead, answered: answered), ["锦和镇", "下洋镇"])
        // a household no longer overdue: its town again
        XCTAssertEqual(
            Emitter.townsOverdueChanged(alerts, ahead: ahead, answered: ["4408250100080002": 5]), ["东港镇"])
        XCTAssertEqual(Emitter.townsOverdueChanged(alerts, ahead: [:], answered: [:]), [])
    }
}
