import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

// Tests of RULES.md §1–§6 (the rules of the detect stage). Every expected value in the Rules*Tests files is
// worked out by hand from RULES.md — the arithmetic is in the comments — never taken from the code under test.
// Defaults everywhere: `RuleParameters()` (the shipped defaults of RULES.md) and the 2021 line 9600.00.
// Money is written in yuan strings ("4999.99") and turned into fen by `R.y`, which uses none of the pipeline's
// parsing code.

/// Fixtures shared by the rules tests.
enum R {
    /// line(2021) = 9600.00 (RULES.md §2).
    static let line = Money(fen: 960_000)
    static let rules = RuleParameters()
    static let hid: UInt64 = 4408250100080000

    /// "4999.99" → 499999 fen; "-0.5" → -50 fen.
    static func y(_ s: String) -> Money {
        let neg = s.hasPrefix("-")
        let parts = (neg ? String(s.dropFirst()) : s).split(separator: ".", omittingEmptySubsequences: false)
        var fen = Int64(parts[0])! * 100
        if parts.count == 2 {
            let f = String(parts[1])
            fen += Int64(f.count == 1 ? f + "0" : f)!
        }
        return Money(fen: neg ? -fen : fen)
    }

    /// "2021-05"
    static func month(_ s: String) -> Month {
        let p = s.split(separator: "-").map { Int($0)! }
        return Month(year: p[0], month: p[1])!
    }

    /// "2021-05-10"
    static func day(_ s: String) -> Day {
        let p = s.split(separator: "-").map { Int($0)! }
        return Day(year: p[0], month: p[1], day: p[2])!
    }

    /// A resident ID from its 17 body digits: county 440825, the birth date `YYYYMMDD`, a 3-digit sequence.
    static func person(born: String, seq: Int) -> ResidentID {
        ResidentID(key: UInt64("440825" + born + String(format: "%03d", seq))!)
    }

    static func member(
        _ name: String, born: String = "19800101", seq: Int = 1, relation: String = "户主",
        labour: Labour = .ordinary
    ) -> Member {
        Member(person: person(born: born, seq: seq), name: name, relation: relation, labour: labour)
    }

    /// One head of household, 普通劳动力, 41 in 2021.
    static let defaultMembers = [member("陈大明", born: "19800101", seq: 11)]

    static func household(
        _ id: UInt64 = hid, type: HouseholdType = .lifted, prev: String,
        members: [Member] = defaultMembers, town: String = "下洋镇", village: String = "港沟村"
    ) -> Household {
        Household(id: HouseholdID(key: id), town: town, village: village, type: type, prevIncome: y(prev), members: members)
    }

    /// Figures of the period; `months` of them declared (the lowest bits: which months does not matter to §3).
    /// The income is spread evenly over the declared months, so the last three (§9's `recent`) hold their share
    /// rounded up: a flat income, which never makes a forecast. §9's tests set `incomeRecent` themselves.
    static func figures(
        observed: String = "0", months: Int = 0, oop: String = "0", loss: String = "0",
        destroyed: Bool = false, disabilities: [NewDisability] = [], aid: [String] = [],
        declarations: [Declaration] = []
    ) -> HouseholdFigures {
        var f = HouseholdFigures()
        f.incomeObserved = y(observed)
        if months > 0 {
            let share = f.incomeObserved.fen * Int64(min(3, months))
            let m = Int64(months)
            f.incomeRecent = Money(fen: share >= 0 ? (share + m - 1) / m : share / m)
        }
        f.monthsDeclared = months == 0 ? 0 : UInt32((1 << months) - 1)
        f.medicalOOP = y(oop)
        f.disasterLoss = y(loss)
        f.houseDestroyed = destroyed
        f.newDisabilities = disabilities
        f.aidChanges = aid
        f.declarations = declarations
        return f
    }

    static func declaration(
        _ risks: [String], channel: String = "农户申报", date: String = "2021-05-06",
        by: String = ""
    ) -> Declaration {
        Declaration(channel: channel, date: day(date), risks: risks, reportedBy: by)
    }

    static func period(_ m: String) -> MonitoringPeriod { MonitoringPeriod(evaluating: month(m)) }

    static func context(
        _ h: Household, _ f: HouseholdFigures, month m: String = "2021-05",
        settlements: [SettlementRecord] = [], disasters: [DisasterRecord] = []
    ) -> TriggerContext {
        TriggerContext(
            household: h, figures: f, settlements: settlements, disasters: disasters, rules: rules,
            period: period(m), line: line)
    }

    static func detector(_ m: String, root: String = "/nonexistent-fangfan-state") -> Detector {
        Detector(layout: StateLayout(root: root), period: period(m), line: line, rules: rules)
    }

    static func evaluate(_ h: Household, _ f: HouseholdFigures, month m: String = "2021-05", monitoredCase: Bool = false)
        -> (alert: Alert?, npc: FenFraction, fired: [FiredTrigger])
    {
        detector(m).evaluate(h, f, settlements: [], disasters: [], monitoredCase: monitoredCase)
    }

    /// An exact fraction equals a whole number of fen (cross-multiplied).
    static func equals(_ f: FenFraction, fen: Int64) -> Bool { f.numerator == fen * f.denominator }

    /// The codes that fire, in registry order.
    static func codes(_ h: Household, _ f: HouseholdFigures, month m: String = "2021-05", monitoredCase: Bool = false)
        -> [String]
    {
        evaluate(h, f, month: m, monitoredCase: monitoredCase).fired.map(\.code)
    }
}

// MARK: - §1 evaluation month, monitoring year, period

final class PeriodRulesTests: XCTestCase {
    func testPeriods() {
        // (M, from, to, months, monitoring year), by §1: M = 1..11 → Dec Y−1 .. M/Y, year Y; M = 12 → Dec Y alone, Y+1.
        let table: [(String, String, String, Int, Int)] = [
            ("2021-01", "2020-12", "2021-01", 2, 2021),
            ("2021-05", "2020-12", "2021-05", 6, 2021),  // Dec, Jan, Feb, Mar, Apr, May
            ("2021-06", "2020-12", "2021-06", 7, 2021),
            ("2021-11", "2020-12", "2021-11", 12, 2021),
            ("2021-12", "2021-12", "2021-12", 1, 2022),  // December alone, next monitoring year
            ("2022-01", "2021-12", "2022-01", 2, 2022),
        ]
        for (m, from, to, months, year) in table {
            let p = R.period(m)
            XCTAssertEqual(p.month, R.month(m), m)
            XCTAssertEqual(p.from, R.month(from), m)
            XCTAssertEqual(p.to, R.month(to), m)
            XCTAssertEqual(p.months, months, m)
            XCTAssertEqual(p.monitoringYear, year, m)
        }
        let dec = R.period("2021-12")
        XCTAssertTrue(dec.contains(R.day("2021-12-01")))
        XCTAssertTrue(dec.contains(R.day("2021-12-31")))
        XCTAssertFalse(dec.contains(R.day("2021-11-30")))
        XCTAssertFalse(dec.contains(R.day("2022-01-01")))
        let may = R.period("2021-05")
        XCTAssertTrue(may.contains(R.day("2020-12-01")))
        XCTAssertTrue(may.contains(R.day("2021-05-31")))
        XCTAssertFalse(may.contains(R.day("2020-11-30")))
        XCTAssertFalse(may.contains(R.day("2021-06-01")))
    }

    func testFixtureIDs() {
        // The check char of body 44082519870315123: Σ digit × weight =
        // 4·7+4·9+0·10+8·5+2·8+5·4+1·2+9·1+8·6+7·3+0·7+3·9+1·10+5·5+1·8+2·4+3·2 = 304; 304 mod 11 = 7 → "10X98765432"[7] = 5.
        // (FEEDS.md's medical XML example prints 44082519870315123X, which fails this check.)
        let p = R.person(born: "19870315", seq: 123)
        XCTAssertEqual(p.description, "440825198703151235")
        XCTAssertEqual(p.birthDate, R.day("1987-03-15"))
        // An ID of the sample roster parses to the same key as the fixture builder makes.
        guard case .success(let q) = ResidentID.parse(Array("440825196510289116".utf8), today: R.day("2021-06-01")) else {
            return XCTFail("sample roster ID does not parse")
        }
        XCTAssertEqual(q, R.person(born: "19651028", seq: 911))
        XCTAssertEqual(HouseholdID(key: R.hid).description, "4408250100080000")
    }
}

// MARK: - §3 household figures, exact fractions, display rounding

final class FiguresRulesTests: XCTestCase {
    func testProjectionAndNetPerCapita() {
        let prev = R.y("12000.00")
        // No declaration: income_projected = prev_income.
        var f = R.figures()
        XCTAssertEqual(f.monthsWithIncome, 0)
        XCTAssertTrue(R.equals(f.incomeProjected(prevIncome: prev), fen: 1_200_000))
        // 3 of 6 months, observed 3000.00: projected = 300000 × 12 / 3 = 1200000 fen = 12000.00.
        f = R.figures(observed: "3000.00", months: 3)
        XCTAssertEqual(f.monthsWithIncome, 3)
        XCTAssertTrue(R.equals(f.incomeProjected(prevIncome: prev), fen: 1_200_000))
        // Not projected: rigid = oop + loss = 1000.00 + 234.56 = 1234.56.
        f = R.figures(observed: "10000.01", months: 7, oop: "1000.00", loss: "234.56")
        XCTAssertEqual(f.rigid, R.y("1234.56"))
        // npc = (1000001 × 12 / 7 − 123456) / 3 = (12000012 − 864192) / 21 = 11135820 / 21 fen = 530277.142… fen.
        let npc = f.netPerCapita(prevIncome: prev, size: 3)
        XCTAssertEqual(npc.numerator * 21, 11_135_820 * npc.denominator)
        XCTAssertEqual(npc.rounded, R.y("5302.77"))
    }

    func testDisplayRoundingHalfAwayFromZero() {
        // (numerator, denominator) in fen → rounded fen
        let table: [(Int64, Int64, Int64)] = [
            (5, 10, 1),  // 0.5 fen → 1
            (-5, 10, -1),  // −0.5 fen → −1 (away from zero, not towards +∞)
            (15, 10, 2),  // 1.5 → 2
            (-15, 10, -2),  // −1.5 → −2
            (25, 10, 3),  // 2.5 → 3 (not banker's 2)
            (-25, 10, -3),
            (4, 10, 0), (-4, 10, 0), (6, 10, 1), (-6, 10, -1),
            (7, 2, 4), (-7, 2, -4),  // ±3.5
            (1, 3, 0), (2, 3, 1), (-1, 3, 0), (-2, 3, -1),
            (-300, 3, -100), (0, 7, 0),
            (20_159_993, 21, 960_000),  // 959999.666… → 960000
            (11_135_820, 21, 530_277),  // 530277.142…
        ]
        for (n, d, want) in table {
            XCTAssertEqual(FenFraction(n, d).rounded, Money(fen: want), "\(n)/\(d)")
        }
    }

    func testExactComparisons() {
        // 2879999.5 fen (= 5759999/2) against 28800.00: below.
        XCTAssertTrue(FenFraction(5_759_999, 2).isBelow(R.y("28800.00")))
        XCTAssertFalse(FenFraction(5_760_000, 2).isBelow(R.y("28800.00")))
        // against 1.2 × 9600.00 = 11520.00 = 1152000 fen: 1151999.9 is below; 1152000 is not.
        XCTAssertTrue(FenFraction(11_519_999, 10).isBelow(R.line, times: Ratio(12, 10)))
        XCTAssertFalse(FenFraction(1_152_000, 1).isBelow(R.line, times: Ratio(12, 10)))
        // ≤ 0.7 × 12000.00 = 8400.00
        XCTAssertTrue(FenFraction(840_000, 1).isAtMost(R.y("12000.00"), times: Ratio(7, 10)))
        XCTAssertFalse(FenFraction(8_400_001, 10).isAtMost(R.y("12000.00"), times: Ratio(7, 10)))
    }

    func testNotesOnIncome() {
        let h = R.household(type: .lifted, prev: "12000.00")
        // A fired trigger so that every household reaches the list (aid_change fires on any listed change).
        let aid = ["民政救助：陈大明 临时救助新增（2021-05-06，金额 2000.00 元）"]

        // No declaration: projected = prev = 12000.00, note 本期无收入申报.
        var a = R.evaluate(h, R.figures(aid: aid)).alert!
        XCTAssertEqual(a.income_projected, "12000.00")
        XCTAssertEqual(a.months_with_income, 0)
        XCTAssertTrue(a.notes.contains("本期无收入申报"), "\(a.notes)")
        XCTAssertFalse(a.notes.contains { $0.hasPrefix("收入申报不全") })

        // 4 of the 6 months of May: note `收入申报不全 (4/6)`; projected = 4000.00 × 12 / 4 = 12000.00.
        a = R.evaluate(h, R.figures(observed: "4000.00", months: 4, aid: aid)).alert!
        XCTAssertEqual(a.income_projected, "12000.00")
        XCTAssertTrue(a.notes.contains("收入申报不全 (4/6)"), "\(a.notes)")
        XCTAssertFalse(a.notes.contains("本期无收入申报"))

        // All 6 months: no income note.
        a = R.evaluate(h, R.figures(observed: "6000.00", months: 6, aid: aid)).alert!
        XCTAssertFalse(a.notes.contains { $0.hasPrefix("收入申报不全") || $0 == "本期无收入申报" }, "\(a.notes)")
        XCTAssertFalse(a.notes.contains("上年收入为零"))

        // 3 of 7 months of June, observed 3500.00: 350000 × 12 / 3 = 1400000 fen → 14000.00; note (3/7).
        a = R.evaluate(h, R.figures(observed: "3500.00", months: 3, aid: aid), month: "2021-06").alert!
        XCTAssertEqual(a.income_projected, "14000.00")
        XCTAssertTrue(a.notes.contains("收入申报不全 (3/7)"), "\(a.notes)")
        XCTAssertEqual(a.period_months, 7)
    }

    func testZeroPreviousIncome() {
        // prev 0, nothing declared: projected = 0, npc = 0 < 9600 → below with no trigger → orange, both notes.
        let h = R.household(type: .general, prev: "0")
        let (alert, npc, fired) = R.evaluate(h, R.figures())
        XCTAssertTrue(fired.isEmpty, "\(fired.map(\.code))")
        XCTAssertEqual(npc.numerator, 0)
        let a = try! XCTUnwrap(alert)
        XCTAssertEqual(a.level, .orange)
        XCTAssertEqual(a.income_projected, "0.00")
        XCTAssertTrue(a.notes.contains("上年收入为零"), "\(a.notes)")
        XCTAssertTrue(a.notes.contains("本期无收入申报"), "\(a.notes)")
    }

    func testDecemberPeriod() {
        // Month 2021-12: one month, monitoring year 2022. One declaration (December), observed 800.00:
        // projected = 80000 × 12 / 1 = 960000 fen = 9600.00. prev 20000.00: 9600.00 ≤ 0.7 × 20000.00 = 14000.00 → income_drop.
        // npc = 9600.00 / 1 = line → not below, < 11520 → near → orange.
        let h = R.household(type: .lifted, prev: "20000.00")
        let (alert, npc, fired) = R.evaluate(h, R.figures(observed: "800.00", months: 1), month: "2021-12")
        XCTAssertEqual(fired.map(\.code), ["income_drop"])
        XCTAssertEqual(npc.numerator, 960_000 * npc.denominator)
        let a = try! XCTUnwrap(alert)
        XCTAssertEqual(a.income_projected, "9600.00")
        XCTAssertEqual(a.level, .orange)
        XCTAssertEqual(a.period_months, 1)
        XCTAssertEqual(a.months_with_income, 1)
        XCTAssertFalse(a.notes.contains { $0.hasPrefix("收入申报不全") || $0 == "本期无收入申报" }, "1 of 1 months is complete: \(a.notes)")
        // income_drop = bit 3 → mask 8 → "08"; monitoring year 2022.
        XCTAssertEqual(a.alert_id, "YJ2022-4408250100080000-08")
        XCTAssertEqual(a.month, "2021-12")
    }
}
