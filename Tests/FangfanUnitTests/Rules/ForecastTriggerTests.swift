import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §9, forecast crossing (收入下滑预警). Every figure worked out by hand in the comments, in fen:
/// line 9600.00 × 2 members = 1,920,000 fen a year for the household; n = 3 (the default).
final class ForecastTriggerTests: XCTestCase {
    /// Two members, 一般农户, prev_income 25000.00 (income_drop's 0.7 × 25,000 = 17,500 is below the examples'
    /// projected 21,000).
    let h = R.household(
        type: .general, prev: "25000.00",
        members: [R.member("陈大明", born: "19800101", seq: 11), R.member("林秀", born: "19820303", seq: 22, relation: "配偶")])

    /// Figures for a period of `k` months, every month declared: `earlier` yuan a month for the first k − 3
    /// months and `recent` yuan a month for the last three; `rigid` as medical out-of-pocket.
    func figures(k: Int, earlier: Int64, recent: Int64, rigidFen: Int64 = 0) -> HouseholdFigures {
        var f = R.figures(months: k)
        f.incomeObserved = Money(fen: (Int64(k - 3) * earlier + 3 * recent) * 100)
        f.incomeRecent = Money(fen: 3 * recent * 100)
        f.medicalOOP = Money(fen: rigidFen)
        return f
    }

    func fires(_ f: HouseholdFigures, month: String = "2021-05", rules: RuleParameters = R.rules) -> FiredTrigger? {
        ForecastTrigger().evaluate(
            TriggerContext(
                household: h, figures: f, settlements: [], disasters: [], rules: rules,
                period: R.period(month), line: R.line))
    }

    /// The example of §9: May, 2,500 a month December–February, 1,000 a month March–May.
    func testTheExampleOfTheRules() throws {
        let t = try XCTUnwrap(fires(figures(k: 6, earlier: 2500, recent: 1000)))
        XCTAssertEqual(t.code, "forecast")
        XCTAssertEqual(t.riskTypes, ["收入下滑预警"])
        XCTAssertEqual(
            t.evidence.map(\.text),
            [
                "近3个月（2021-03至2021-05）收入 3000.00 元，月均 1000.00 元，低于此前月均 2500.00 元；按近3个月水平推算全年收入 16500.00 元，扣除刚性支出后人均 8250.00 元，将低于监测线 9600.00 元"
            ])
        // by the period average: 10,500 × 12 / 6 = 21,000, 10,500 a person: not below, so §5 alone says no alert
        let d = R.evaluate(h, figures(k: 6, earlier: 2500, recent: 1000))
        XCTAssertEqual(d.fired.map(\.code), ["forecast"])
        XCTAssertEqual(d.alert?.level, .orange, "10,500 a person < 1.2 × 9,600 = 11,520: near, not below → orange")
    }

    /// Condition 3: 3 × observed + 6 × recent < 3 × 1,920,000 = 5,760,000. With earlier = 7,500.00 (3 × 2,500)
    /// and recent R fen: 3 × (750,000 + R) + 6 × R = 2,250,000 + 9R < 5,760,000 ⇔ R < 390,000.
    func testConditionThreeOneFenEitherSide() {
        func at(recentFen: Int64) -> HouseholdFigures {
            var f = R.figures(months: 6)
            f.incomeObserved = Money(fen: 750_000 + recentFen)
            f.incomeRecent = Money(fen: recentFen)
            return f
        }
        XCTAssertNotNil(fires(at(recentFen: 389_999)), "9 × 389,999 + 2,250,000 = 5,759,991 < 5,760,000")
        XCTAssertNil(fires(at(recentFen: 390_000)), "= 5,760,000: not below the line at the year's end")
    }

    /// Condition 2: 12 × observed − 6 × rigid ≥ 6 × 1,920,000 = 11,520,000. observed = 1,050,000 fen:
    /// 12,600,000 − 6 × rigid ≥ 11,520,000 ⇔ rigid ≤ 180,000 fen.
    func testConditionTwoOneFenEitherSide() {
        XCTAssertNotNil(
            fires(figures(k: 6, earlier: 2500, recent: 1000, rigidFen: 180_000)),
            "= 11,520,000: at the line by the period average, not below (and condition 3: 3 × 870,000 + 6 × 300,000 = 4,410,000 < 5,760,000)"
        )
        XCTAssertNil(fires(figures(k: 6, earlier: 2500, recent: 1000, rigidFen: 180_001)), "below the line already: §5's business")
    }

    /// Condition 1 (the recent rate fell) is implied by 2 and 3: with recent = earlier's rate nothing fires.
    func testConditionOneTheRateMustFall() {
        XCTAssertNil(fires(figures(k: 6, earlier: 1700, recent: 1700)))
        XCTAssertNil(fires(figures(k: 6, earlier: 1700, recent: 1800)))
    }

    /// k outside n + 1 … 11: February (k = 3) and November (k = 12) never forecast; March (k = 4) and October
    /// (k = 11) do.
    func testOnlyMonthsFourToEleven() {
        // k = 4 (March): 4,000 in December, 1,000 a month January–March: observed 700,000 fen, a month 175,000 ≥ 160,000
        // (condition 2); 700,000 + 8 × 100,000 = 1,500,000 < 1,920,000 (condition 3).
        XCTAssertNotNil(fires(figures(k: 4, earlier: 4000, recent: 1000), month: "2021-03"))
        // k = 11 (October): 2,170 a month for 8 months, 100 a month August–October: observed 1,766,000 fen,
        // 160,545 a month ≥ 160,000; 1,766,000 + 1 × 10,000 = 1,776,000 < 1,920,000.
        XCTAssertNotNil(fires(figures(k: 11, earlier: 2170, recent: 100), month: "2021-10"))
        // k = 12 (November) and k = 3 (February): no forecast, whatever the figures
        XCTAssertNil(fires(figures(k: 12, earlier: 2170, recent: 100), month: "2021-11"))
        XCTAssertNil(fires(figures(k: 3, earlier: 0, recent: 1000), month: "2021-02"))
        // December is a period of one month (k = 1)
        XCTAssertNil(fires(figures(k: 1, earlier: 0, recent: 1000), month: "2021-12"))
    }

    /// A month without a declaration: no forecast (months_with_income must be k).
    func testEveryMonthMustBeDeclared() {
        var f = figures(k: 6, earlier: 2500, recent: 1000)
        f.monthsDeclared = 0b11_1101  // January missing
        XCTAssertNil(fires(f))
    }

    /// `rules.forecast = false` turns it off; `rules.forecast_recent_months = 2` changes n (and the months allowed).
    func testConfiguration() {
        var off = R.rules
        off.forecast = false
        XCTAssertNil(fires(figures(k: 6, earlier: 2500, recent: 1000), rules: off))
        var two = R.rules
        two.forecastRecentMonths = 2
        // n = 2, May: recent = April + May. 2,500 a month December–March (4 months), 1,000 in April and May:
        // observed 1,200,000 fen, recent 200,000. (2): 12 × 1,200,000 = 14,400,000 ≥ 11,520,000;
        // (3): 2 × 1,200,000 + 6 × 200,000 = 3,600,000 < 2 × 1,920,000 = 3,840,000.
        var f = R.figures(months: 6)
        f.incomeObserved = Money(fen: 1_200_000)
        f.incomeRecent = Money(fen: 200_000)
        let t = fires(f, rules: two)
        XCTAssertEqual(t?.evidence.first?.text.hasPrefix("近2个月（2021-04至2021-05）收入 2000.00 元，月均 1000.00 元，低于此前月均 2500.00 元"), true)
    }

    /// Suggested assistance (§9): 就业帮扶 and 产业帮扶 with a member of main labour, else 综合保障.
    func testSuggestions() {
        let fired = [FiredTrigger(code: "forecast", riskTypes: ["收入下滑预警"], evidence: [])]
        XCTAssertEqual(Suggestions.of(household: h, fired: fired, level: .orange), ["就业帮扶", "产业帮扶"])
        let weak = R.household(type: .general, prev: "30000.00", members: [R.member("陈大明", labour: .weak)])
        XCTAssertEqual(Suggestions.of(household: weak, fired: fired, level: .orange), ["综合保障"])
    }
}
