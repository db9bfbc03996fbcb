import XCTest

@testable import FangfanCore

final class AlertListsTests: XCTestCase {
    func storage(_ a: [String]) -> UnsafeRawPointer? { a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    /// Equal lists come back as the first one's storage; a different list, an empty one and lists past the
    /// table's limit come back as they were; the values never change.
    func testEqualListsShareOneStorage() {
        var lists = AlertLists()
        let first = ["illness", "income_drop"]
        let again = ["illness"] + ["income_drop"]  // equal, made apart: its own storage
        XCTAssertNotEqual(storage(first), storage(again))
        XCTAssertEqual(storage(lists.one(first)), storage(first))
        let shared = lists.one(again)
        XCTAssertEqual(shared, again)
        XCTAssertEqual(storage(shared), storage(first))
        let other = ["illness"]
        XCTAssertEqual(storage(lists.one(other)), storage(other))
        XCTAssertEqual(lists.one([]), [])
        var full = AlertLists()
        for i in 0..<AlertLists.limit { _ = full.one(["n\(i)"]) }
        let late = ["late"], lateAgain = ["la"] + ["te"].map { String($0) }
        XCTAssertEqual(storage(full.one(late)), storage(late))
        XCTAssertEqual(full.one(["late"]), ["late"])
        XCTAssertNotEqual(storage(full.one(lateAgain)), storage(late))  // not kept: the table is full
    }

    /// An alert's five lists are shared with an earlier alert's equal ones, and the alert is equal to what it was.
    func testAnAlertIsUnchangedBySharing() {
        func alert(_ household: String) -> Alert {
            Alert(
                alert_id: "YJ2021-\(household)-05", household_id: household, town: "镇", village: "村", level: .red,
                category: "一般农户", triggers: ["declared", "illness"], prev_income: "0.00", income_projected: "0.00",
                rigid: "0.00", net_per_capita: "0.00", line: "6000.00", evidence: [],
                notes: ["收入申报不全 (3/6)"], suggested: ["综合保障（健康帮扶、医疗救助）"], month: "2021-05",
                household_type: "一般农户", size: 3, head_name: "", head_id_masked: "", risk_types: ["因病"],
                channels: ["申报", "部门预警"], months_with_income: 3, period_months: 6, npc_numerator: 0, npc_denominator: 1)
        }
        var lists = AlertLists()
        var a = alert("4408250100080001"), b = alert("4408250100080002")
        let (a0, b0) = (a, b)
        lists.share(&a)
        lists.share(&b)
        XCTAssertEqual(a, a0)
        XCTAssertEqual(b, b0)
        for (x, y) in [
            (a.triggers, b.triggers), (a.notes, b.notes), (a.suggested, b.suggested), (a.risk_types, b.risk_types),
            (a.channels, b.channels),
        ] {
            XCTAssertEqual(storage(x), storage(y))
        }
    }
}
