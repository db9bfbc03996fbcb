import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §12, first two bullets: the third category 突发严重困难户 (`rules.sudden_hardship`) and the rolling
/// twelve-month period (`rules.period = "rolling_12"`). Every figure worked out by hand in the comments;
/// line 9600.00, one member unless said, 脱贫户 with prev_income 12000.00 unless said.
final class SuddenHardshipCategoryTests: XCTestCase {
    var on: RuleParameters {
        var r = RuleParameters()
        r.suddenHardship = true
        return r
    }

    func evaluate(
        _ h: Household, _ f: HouseholdFigures, rules: RuleParameters, monitoredCase: Bool = false
    ) -> Alert? {
        Detector(layout: StateLayout(root: "/nonexistent-fangfan-state"), period: R.period("2021-05"), line: R.line, rules: rules)
            .evaluate(h, f, settlements: [], disasters: [], monitoredCase: monitoredCase).alert
    }

    /// Each trigger family and the declared risk types, straight through `Category.of`, with the option on/off.
    func testEveryFamilyOnAndOff() {
        func fired(_ code: String, _ risks: [String] = []) -> [FiredTrigger] {
            [FiredTrigger(code: code, riskTypes: risks, evidence: [])]
        }
        let sudden: [[FiredTrigger]] = [
            fired("illness"), fired("disaster"), fired("spending_surge"), fired("income_drop"),
            fired("declared", ["因病"]), fired("declared", ["因灾"]), fired("declared", ["因学", "因意外事故"]),
        ]
        for f in sudden {
            XCTAssertEqual(
                Category.of(.lifted, monitoredCase: false, suddenHardship: true, fired: f, below: false), "突发严重困难户",
                "\(f.map(\.code))")
            XCTAssertEqual(
                Category.of(.general, monitoredCase: false, suddenHardship: true, fired: f, below: false), "突发严重困难户")
            XCTAssertEqual(
                Category.of(.lifted, monitoredCase: false, suddenHardship: false, fired: f, below: false), "脱贫不稳定户")
            XCTAssertEqual(
                Category.of(.general, monitoredCase: false, suddenHardship: false, fired: f, below: false), "边缘易致贫户")
            // below the line: the type's category
            XCTAssertEqual(
                Category.of(.lifted, monitoredCase: false, suddenHardship: true, fired: f, below: true), "脱贫不稳定户")
            // 在监测 stays 在监测
            XCTAssertEqual(Category.of(.lifted, monitoredCase: true, suddenHardship: true, fired: f, below: false), "在监测")
            XCTAssertEqual(Category.of(.monitored, monitoredCase: false, suddenHardship: true, fired: f, below: false), "在监测")
        }
        // triggers outside the families, and other declared risk types, keep the type's category
        for f in [fired("disability"), fired("aid_change"), fired("forecast"), fired("declared", ["因学", "因残"]), []] {
            XCTAssertEqual(
                Category.of(.general, monitoredCase: false, suddenHardship: true, fired: f, below: false), "边缘易致贫户",
                "\(f.map(\.code))")
        }
    }

    /// illness: oop 5000.00 ≥ the 脱贫户 bar 5000.00; income 20000.00 in 6 months → projected 40000.00;
    /// npc = 40000 − 5000 = 35000.00, not below 9600 (nor near 11520): yellow, category 突发严重困难户 when on.
    func testIllnessThroughTheDetector() throws {
        let h = R.household(type: .lifted, prev: "12000.00")
        let f = R.figures(observed: "20000.00", months: 6, oop: "5000.00")
        let a = try XCTUnwrap(evaluate(h, f, rules: on))
        XCTAssertEqual(a.triggers, ["illness"])
        XCTAssertEqual(a.level, .yellow)
        XCTAssertEqual(a.category, "突发严重困难户")
        XCTAssertEqual(a.household_type, "脱贫户")
        let off = try XCTUnwrap(evaluate(h, f, rules: RuleParameters()))
        XCTAssertEqual(off.category, "脱贫不稳定户")
        XCTAssertEqual(off.level, a.level, "levels unchanged")
        // a monitored case stays 在监测
        XCTAssertEqual(evaluate(h, f, rules: on, monitoredCase: true)?.category, "在监测")
    }

    /// disaster: loss 6000.00 ≥ 0.5 × 12000.00; npc 40000 − 6000 = 34000.00: not below.
    func testDisasterThroughTheDetector() throws {
        let h = R.household(type: .general, prev: "12000.00")
        let a = try XCTUnwrap(evaluate(h, R.figures(observed: "20000.00", months: 6, loss: "6000.00"), rules: on))
        XCTAssertEqual(a.triggers, ["disaster"])
        XCTAssertEqual(a.category, "突发严重困难户")
    }

    /// income_drop: prev 20000.00, income 6000.00 in 6 months → projected 12000.00 ≤ 0.7 × 20000 = 14000;
    /// npc 12000.00 not below 9600 (near 11520? no: yellow) → 突发严重困难户. With 3000.00 in 6 months the projected
    /// 6000.00 is below the line: the type's category (red).
    func testIncomeDropAboveAndBelowTheLine() throws {
        let h = R.household(type: .general, prev: "20000.00")
        let above = try XCTUnwrap(evaluate(h, R.figures(observed: "6000.00", months: 6), rules: on))
        XCTAssertEqual(above.triggers, ["income_drop"])
        XCTAssertEqual(above.level, .yellow)
        XCTAssertEqual(above.category, "突发严重困难户")
        let below = try XCTUnwrap(evaluate(h, R.figures(observed: "3000.00", months: 6), rules: on))
        XCTAssertEqual(below.triggers, ["income_drop"])
        XCTAssertEqual(below.level, .red)
        XCTAssertEqual(below.category, "边缘易致贫户")
    }

    /// spending_surge never fires alone with prev > 0 (oop and loss both under half of prev cannot pass prev):
    /// oop 7000.00 ≥ 0.5 × 12000 and loss 6000.00: rigid 13000.00 > 12000.00; npc 40000 − 13000 = 27000.00.
    func testSpendingSurge() throws {
        let h = R.household(type: .general, prev: "12000.00")
        let a = try XCTUnwrap(
            evaluate(h, R.figures(observed: "20000.00", months: 6, oop: "7000.00", loss: "6000.00"), rules: on))
        XCTAssertEqual(a.triggers, ["disaster", "illness", "spending_surge"])
        XCTAssertEqual(a.category, "突发严重困难户")
    }

    /// A declaration of 因意外事故 (orange by §4), income projected 40000.00: not below → 突发严重困难户; a
    /// declaration of 因学 only keeps the type's category.
    func testDeclaredAccident() throws {
        let h = R.household(type: .lifted, prev: "12000.00")
        let accident = R.figures(observed: "20000.00", months: 6, declarations: [R.declaration(["因意外事故"])])
        let a = try XCTUnwrap(evaluate(h, accident, rules: on))
        XCTAssertEqual(a.triggers, ["declared"])
        XCTAssertEqual(a.level, .orange)
        XCTAssertEqual(a.category, "突发严重困难户")
        XCTAssertEqual(evaluate(h, accident, rules: RuleParameters())?.category, "脱贫不稳定户")
        let school = R.figures(observed: "20000.00", months: 6, declarations: [R.declaration(["因学"])])
        XCTAssertEqual(evaluate(h, school, rules: on)?.category, "脱贫不稳定户")
    }

    /// No trigger, below the line (orange): the type's category, whatever the option.
    func testBelowWithoutTrigger() throws {
        // 4000.00 in 6 months → projected 8000.00 < 9600; prev 9000.00: 8000 > 0.7 × 9000 = 6300, no income_drop
        let h = R.household(type: .general, prev: "9000.00")
        let a = try XCTUnwrap(evaluate(h, R.figures(observed: "4000.00", months: 6), rules: on))
        XCTAssertEqual(a.triggers, [])
        XCTAssertEqual(a.category, "边缘易致贫户")
    }
}

final class RollingPeriodTests: XCTestCase {
    func testBoundsMay() {
        let p = MonitoringPeriod(evaluating: R.month("2021-05"), kind: .rolling12)
        XCTAssertEqual(p.kind, .rolling12)
        XCTAssertEqual(p.from, R.month("2020-06"))
        XCTAssertEqual(p.to, R.month("2021-05"))
        XCTAssertEqual(p.months, 12)
        XCTAssertEqual(p.monitoringYear, 2021, "§1's monitoring year, as before")
        XCTAssertTrue(p.contains(R.month("2020-06")))
        XCTAssertFalse(p.contains(R.month("2020-05")))
        XCTAssertTrue(p.contains(R.day("2020-06-01")))
        XCTAssertFalse(p.contains(R.day("2020-05-31")))
        XCTAssertFalse(p.contains(R.month("2021-06")))
        XCTAssertEqual(p.label, "滚动12个月 2020-06至2021-05")
        XCTAssertEqual(MonitoringPeriod(evaluating: R.month("2021-05")).kind, .plan2021)
    }

    func testBoundsDecember() {
        let p = MonitoringPeriod(evaluating: R.month("2021-12"), kind: .rolling12)
        XCTAssertEqual(p.from, R.month("2021-01"))
        XCTAssertEqual(p.to, R.month("2021-12"))
        XCTAssertEqual(p.months, 12)
        XCTAssertEqual(p.monitoringYear, 2022, "December counts for the next monitoring year, as in §1")
        let jan = MonitoringPeriod(evaluating: R.month("2022-01"), kind: .rolling12)
        XCTAssertEqual(jan.from, R.month("2021-02"))
        XCTAssertEqual(jan.monitoringYear, 2022)
    }

    /// §9 does not apply: §9's own example (2,500 a month, then 1,000 a month the last three) over twelve
    /// declared months under a rolling period gives no forecast.
    func testForecastSilentUnderRolling() {
        let h = R.household(type: .general, prev: "25000.00")
        var f = R.figures(months: 12)
        f.incomeObserved = Money(fen: (9 * 2500 + 3 * 1000) * 100)
        f.incomeRecent = Money(fen: 3 * 1000 * 100)
        let rolling = MonitoringPeriod(evaluating: R.month("2021-05"), kind: .rolling12)
        XCTAssertNil(
            ForecastTrigger().evaluate(
                TriggerContext(
                    household: h, figures: f, settlements: [], disasters: [], rules: R.rules, period: rolling,
                    line: R.line)))
    }

    /// The texts that name the period say which: notes and evidence carry the rolling bounds.
    func testTextsNameThePeriod() throws {
        var rules = RuleParameters()
        rules.period = .rolling12
        let d = Detector(
            layout: StateLayout(root: "/nonexistent-fangfan-state"),
            period: MonitoringPeriod(evaluating: R.month("2021-05"), kind: .rolling12), line: R.line, rules: rules)
        // 6 of 12 months declared, 3000.00 → projected 6000.00; illness by the bar (oop 5000.00)
        let a = try XCTUnwrap(
            d.evaluate(
                R.household(type: .lifted, prev: "12000.00"), R.figures(observed: "3000.00", months: 6, oop: "5000.00"),
                settlements: [], disasters: [], monitoredCase: false
            ).alert)
        XCTAssertEqual(a.period_months, 12)
        XCTAssertTrue(a.notes.contains("收入申报不全 (6/12)（滚动12个月 2020-06至2021-05）"), "\(a.notes)")
        XCTAssertTrue(
            a.evidence.contains { $0.text.hasPrefix("本期（滚动12个月 2020-06至2021-05）医疗个人自付 5000.00") },
            "\(a.evidence.map(\.text))")
        let none = try XCTUnwrap(
            d.evaluate(
                R.household(type: .lifted, prev: "12000.00"), R.figures(oop: "5000.00"), settlements: [], disasters: [],
                monitoredCase: false
            ).alert)
        XCTAssertTrue(none.notes.contains("本期（滚动12个月 2020-06至2021-05）无收入申报"), "\(none.notes)")
        // the plan's period: the texts as they always were
        let plan = try XCTUnwrap(
            R.evaluate(R.household(type: .lifted, prev: "12000.00"), R.figures(observed: "3000.00", months: 3, oop: "5000.00"))
                .alert)
        XCTAssertTrue(plan.notes.contains("收入申报不全 (3/6)"), "\(plan.notes)")
        XCTAssertTrue(plan.evidence.contains { $0.text.hasPrefix("本期医疗个人自付") })
    }

    /// `rules.period` and `rules.sudden_hardship` read from the shipped configuration; unknown periods refused.
    func testConfigKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-national-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try String(contentsOfFile: root.path + "/pipelines/default.toml", encoding: .utf8)
        XCTAssertTrue(shipped.contains("period = \"plan_2021\" "))
        XCTAssertTrue(shipped.contains("sudden_hardship = false "))
        let path = dir.appendingPathComponent("p.toml").path
        try shipped.write(toFile: path, atomically: true, encoding: .utf8)
        let d = try PipelineConfig.load(path: path)
        XCTAssertEqual(d.rules.period, .plan2021)
        XCTAssertFalse(d.rules.suddenHardship)
        try shipped.replacingOccurrences(of: "period = \"plan_2021\" ", with: "period = \"rolling_12\" ")
            .replacingOccurrences(of: "sudden_hardship = false ", with: "sudden_hardship = true ")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let c = try PipelineConfig.load(path: path)
        XCTAssertEqual(c.rules.period, .rolling12)
        XCTAssertTrue(c.rules.suddenHardship)
        for bad in ["\"rolling_6\"", "12", "\"\""] {
            try shipped.replacingOccurrences(of: "period = \"plan_2021\" ", with: "period = \(bad) ").write(
                toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try PipelineConfig.load(path: path), bad) { e in
                XCTAssertTrue("\(e)".contains("rules.period"), "\(e)")
            }
        }
    }
}
