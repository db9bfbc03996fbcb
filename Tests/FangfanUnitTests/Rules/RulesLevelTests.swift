import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

// RULES.md §5 alert levels and categories; §8 alert ids. Line 9600.00: below = npc < 9600.00,
// near = npc < 1.2 × 9600.00 = 11520.00.

final class LevelRulesTests: XCTestCase {
    func testLevelTable() {
        // (label, npc numerator, denominator (fen), triggers, level)
        let t = ["aid_change"]
        let table: [(String, Int64, Int64, [String], Level?)] = [
            ("npc = line, trigger: not below, near", 960_000, 1, t, .orange),
            ("npc = line, no trigger: no alert", 960_000, 1, [], nil),
            ("one fen below the line, trigger", 959_999, 1, t, .red),
            ("one fen below the line, no trigger", 959_999, 1, [], .orange),
            ("npc = 1.2 × line, trigger: not near", 1_152_000, 1, t, .yellow),
            ("npc = 1.2 × line, no trigger", 1_152_000, 1, [], nil),
            ("one fen under 1.2 × line, trigger", 1_151_999, 1, t, .orange),
            ("one fen under 1.2 × line, no trigger", 1_151_999, 1, [], nil),
            ("well above, trigger", 5_000_000, 1, t, .yellow),
            ("negative npc, trigger", -100, 1, t, .red),
            ("negative npc, no trigger", -100, 1, [], .orange),
            // a declaration lifts yellow to orange, and only yellow
            ("declared, not near", 1_152_000, 1, ["declared"], .orange),
            ("declared with others, well above", 5_000_000, 1, ["aid_change", "declared"], .orange),
            ("declared, below", 959_999, 1, ["declared"], .red),
            ("declared, near", 1_000_000, 1, ["declared"], .orange),
            // fractions of a fen: 20159993/21 = 959999.666… fen (< 960000; displays as 9600.00)
            ("959999.67 fen", 20_159_993, 21, t, .red),
            ("960000.24 fen", 20_160_005, 21, t, .orange),
            // 24191993/21 = 1151999.666… < 1152000 → near; 24192000/21 = 1152000 → not near
            ("1151999.67 fen", 24_191_993, 21, t, .orange),
            ("1152000 fen as a fraction", 24_192_000, 21, t, .yellow),
        ]
        for (label, n, d, triggers, want) in table {
            XCTAssertEqual(
                Level.of(triggers: triggers, netPerCapita: FenFraction(n, d), line: R.line, nearFactor: R.rules.nearFactor),
                want, label)
        }
    }

    func testLevelsThroughDetector() {
        // November: 12 of 12 months declared, so projected = observed; size 1; npc = observed − rigid.
        // prev 9600.00: income_drop needs projected ≤ 6720.00, out of the way here.
        let aid = ["民政救助：陈大明 临时救助新增（2021-11-06，金额 2000.00 元）"]
        let h = R.household(type: .lifted, prev: "9600.00")
        // (label, observed, aid change?, level)
        let table: [(String, String, Bool, Level?)] = [
            ("npc 9600.00 with a trigger", "9600.00", true, .orange),
            ("npc 9600.00 without", "9600.00", false, nil),
            ("npc 9599.99 with a trigger", "9599.99", true, .red),
            ("npc 9599.99 without", "9599.99", false, .orange),
            ("npc 11520.00 with a trigger", "11520.00", true, .yellow),
            ("npc 11519.99 with a trigger", "11519.99", true, .orange),
            ("npc 11520.00 without", "11520.00", false, nil),
        ]
        for (label, observed, withAid, want) in table {
            let f = R.figures(observed: observed, months: 12, aid: withAid ? aid : [])
            let (alert, _, _) = R.evaluate(h, f, month: "2021-11")
            XCTAssertEqual(alert?.level, want, label)
            if let a = alert {
                XCTAssertEqual(a.net_per_capita, observed, label)
                XCTAssertEqual(a.line, "9600.00", label)
            }
        }
        // A declaration lifts a yellow household to orange: npc 20000.00, nothing else fires.
        let declared = R.figures(observed: "20000.00", months: 12, declarations: [R.declaration(["因学"], date: "2021-11-02")])
        let (a, _, fired) = R.evaluate(h, declared, month: "2021-11")
        XCTAssertEqual(fired.map(\.code), ["declared"])
        XCTAssertEqual(a?.level, .orange)
        XCTAssertEqual(a?.risk_types, ["因学"])
    }

    func testFractionalNetPerCapitaAtTheLine() {
        // A household of 3, June (7 months), all 7 declared, observed 16800.01, prev 20000.00, one aid change.
        // projected = 1680001 × 12 / 7 = 20160012/7 fen = 28800.01714… yuan.
        // rigid 0.02: npc = (20160012 − 2 × 7) / 21 = 20159998/21 = 959999.904… fen < 960000 → below → red.
        // rigid 0.01: npc = (20160012 − 7) / 21 = 20160005/21 = 960000.238… fen ≥ 960000 → near → orange.
        // Both display as 9600.00 (rounded only for display).
        let members = [
            R.member("陈大明", born: "19800101", seq: 11, relation: "户主", labour: .ordinary),
            R.member("王秀英", born: "19820202", seq: 22, relation: "配偶", labour: .weak),
            R.member("陈小明", born: "20100303", seq: 31, relation: "之子", labour: .none),
        ]
        let h = R.household(type: .lifted, prev: "20000.00", members: members)
        let aid = ["民政救助：陈大明 临时救助新增（2021-06-06，金额 500.00 元）"]
        for (oop, level) in [("0.02", Level.red), ("0.01", .orange)] {
            let f = R.figures(observed: "16800.01", months: 7, oop: oop, aid: aid)
            let (alert, npc, fired) = R.evaluate(h, f, month: "2021-06")
            XCTAssertEqual(fired.map(\.code), ["aid_change"], oop)
            let a = try! XCTUnwrap(alert, oop)
            XCTAssertEqual(a.level, level, oop)
            XCTAssertEqual(a.net_per_capita, "9600.00", oop)
            XCTAssertEqual(a.income_projected, "28800.02", oop)  // 2880001.714… fen → 2880002
            XCTAssertEqual(a.rigid, oop, oop)
            XCTAssertEqual(a.size, 3)
            // the exact npc travels with the alert for sorting
            let want: Int64 = oop == "0.02" ? 20_159_998 : 20_160_005
            XCTAssertEqual(npc.numerator * 21, want * npc.denominator, oop)
            XCTAssertEqual(a.npc_numerator * 21, want * a.npc_denominator, oop)
        }
    }

    func testNetPerCapitaDisplayRounding() {
        // size 2, 12 of 12 months: npc = (observed − rigid) / 2
        let members = [R.member("陈大明", seq: 11), R.member("王秀英", born: "19820202", seq: 22, relation: "配偶")]
        let aid = ["x"]
        // 10000.01 / 2 = 5000.005 → 5000.01 (half away from zero)
        var h = R.household(type: .lifted, prev: "9000.00", members: members)
        var a = R.evaluate(h, R.figures(observed: "10000.01", months: 12, aid: aid), month: "2021-11").alert!
        XCTAssertEqual(a.net_per_capita, "5000.01")
        // prev 0, nothing declared: projected 0; rigid 0.01 → npc = −0.01 / 2 = −0.005 → −0.01 (away from zero)
        h = R.household(type: .lifted, prev: "0", members: members)
        a = R.evaluate(h, R.figures(oop: "0.01"), month: "2021-11").alert!
        XCTAssertEqual(a.net_per_capita, "-0.01")
        XCTAssertEqual(a.level, .orange)  // no trigger (prev 0 skips the relative tests), below
        // rigid 0.03 → −0.015 → −0.02
        a = R.evaluate(h, R.figures(oop: "0.03"), month: "2021-11").alert!
        XCTAssertEqual(a.net_per_capita, "-0.02")
        // 3 of 12 months of 2021-11, observed 0.01: projected = 1 × 12 / 3 = 4 fen; size 2 → 2 fen = 0.02
        a = R.evaluate(h, R.figures(observed: "0.01", months: 3), month: "2021-11").alert!
        XCTAssertEqual(a.net_per_capita, "0.02")
        XCTAssertEqual(a.income_projected, "0.04")
    }
}

final class CategoryRulesTests: XCTestCase {
    func testCategoryTable() {
        let table: [(HouseholdType, Bool, String)] = [
            (.lifted, false, "脱贫不稳定户"),
            (.general, false, "边缘易致贫户"),
            (.monitored, false, "在监测"),
            (.lifted, true, "在监测"),
            (.general, true, "在监测"),
            (.monitored, true, "在监测"),
        ]
        for (type, monitored, want) in table {
            XCTAssertEqual(Category.of(type, monitoredCase: monitored), want, "\(type) \(monitored)")
        }
    }

    func testCategoryThroughDetector() {
        // A 监测中 household is listed as 在监测 with all its current triggers.
        let f = R.figures(observed: "4200.00", months: 6, oop: "5000.00")  // income_drop (8400 ≤ 8400) and illness (bar)
        for (type, monitored, want) in [
            (HouseholdType.lifted, false, "脱贫不稳定户"), (.general, false, "边缘易致贫户"),
            (.monitored, false, "在监测"), (.lifted, true, "在监测"),
        ] {
            let h = R.household(type: type, prev: "12000.00")
            let a = R.evaluate(h, f, monitoredCase: monitored).alert!
            XCTAssertEqual(a.category, want, "\(type)")
            XCTAssertEqual(a.household_type, type.rawValue)
        }
        // The monitored case keeps all its current triggers: 脱贫户 → illness (5000.00 ≥ bar 5000.00) + income_drop.
        let a = R.evaluate(R.household(type: .lifted, prev: "12000.00"), f, monitoredCase: true).alert!
        XCTAssertEqual(a.triggers, ["illness", "income_drop"])
        XCTAssertEqual(a.risk_types, ["因病", "收入骤减"])
    }
}

final class AlertIdRulesTests: XCTestCase {
    func testIdFromTriggerSet() {
        let h = HouseholdID(key: R.hid)
        // Bits in §4 order: illness 1, disaster 2, spending_surge 4, income_drop 8, disability 16 (0x10),
        // aid_change 32 (0x20), declared 64 (0x40); then §9's forecast 128 (0x80).
        let table: [([String], String)] = [
            ([], "00"),
            (["illness"], "01"),
            (["illness", "income_drop"], "09"),
            (["income_drop", "illness"], "09"),  // the set, not the order
            (["disability"], "10"),
            (["aid_change", "declared"], "60"),
            (Array(Triggers.codes.prefix(7)), "7F"),
            (["forecast"], "80"),
            (["declared", "forecast"], "C0"),
            (Array(Triggers.codes.prefix(8)), "FF"),
            // §12's three after them: the earlier ids do not move
            (["schooling"], "100"),
            (["illness", "water"], "401"),
            (Triggers.codes, "7FF"),
        ]
        for (set, hex) in table {
            XCTAssertEqual(Alert.id(household: h, monitoringYear: 2021, triggers: set), "YJ2021-4408250100080000-" + hex, "\(set)")
        }
        XCTAssertNotEqual(
            Alert.id(household: h, monitoringYear: 2021, triggers: ["illness"]),
            Alert.id(household: h, monitoringYear: 2022, triggers: ["illness"]))
        XCTAssertNotEqual(
            Alert.id(household: h, monitoringYear: 2021, triggers: ["illness"]),
            Alert.id(household: HouseholdID(key: R.hid + 1), monitoringYear: 2021, triggers: ["illness"]))
    }

    func testIdAcrossMonths() {
        let h = R.household(type: .lifted, prev: "12000.00")
        // illness by the 脱贫户 bar (5000.00), plus income_drop where declared low enough.
        func id(_ month: String, drop: Bool) -> String {
            // k of the period's months declared at 700.00 per month; projected = 8400.00 ≤ 0.7 × 12000.00 with drop,
            // or 1000.00 per month → 12000.00 without.
            let k = R.period(month).months
            let perMonth: Int64 = drop ? 70_000 : 100_000
            let observed = Money(fen: perMonth * Int64(k)).description
            return R.evaluate(h, R.figures(observed: observed, months: k, oop: "5000.00"), month: month).alert!.alert_id
        }
        // same household, monitoring year, trigger set → same id from month to month
        XCTAssertEqual(id("2021-05", drop: false), "YJ2021-4408250100080000-01")
        XCTAssertEqual(id("2021-06", drop: false), "YJ2021-4408250100080000-01")
        XCTAssertEqual(id("2021-06", drop: true), "YJ2021-4408250100080000-09")
        XCTAssertEqual(id("2021-11", drop: true), "YJ2021-4408250100080000-09")
        // December belongs to the next monitoring year, and keeps its id into January
        XCTAssertEqual(id("2021-12", drop: true), "YJ2022-4408250100080000-09")
        XCTAssertEqual(id("2022-01", drop: true), "YJ2022-4408250100080000-09")
        XCTAssertNotEqual(id("2021-11", drop: true), id("2021-12", drop: true))
    }
}
