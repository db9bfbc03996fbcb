import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

// RULES.md §4, each trigger at, one fen below and one fen above its threshold. Fixtures in RulesTests.swift.

final class TriggerRulesTests: XCTestCase {
    func testRegistry() {
        // The order of §4's table, then §9's forecast, then §12's 三保障 and drinking water (also the bit order of
        // alert ids), and each trigger's risk type.
        XCTAssertEqual(
            Triggers.codes,
            [
                "illness", "disaster", "spending_surge", "income_drop", "disability", "aid_change", "declared",
                "forecast", "schooling", "housing", "water",
            ])
        // without the feeds of §12 in use, the summary and the report count the plan's and §9's codes only
        XCTAssertEqual(Triggers.codes(basicNeeds: false), Array(Triggers.codes.prefix(8)))
        XCTAssertEqual(Triggers.codes(basicNeeds: true), Triggers.codes)
        let types = [
            "illness": "因病", "disaster": "因灾", "spending_surge": "刚性支出骤增", "income_drop": "收入骤减",
            "disability": "因残", "aid_change": "救助变动", "forecast": "收入下滑预警", "schooling": "因学辍学",
            "housing": "住房安全", "water": "饮水安全",
        ]
        for (code, type) in types { XCTAssertEqual(Triggers.riskType(code), type, code) }
    }

    // MARK: illness

    func testIllness() {
        struct Case { let label: String; let type: HouseholdType; let prev: String; let oop: String; let monitored: Bool; let fires: Bool }
        let table: [Case] = [
            // 0.5 × 9000.00 = 4500.00; 一般农户 so that the 10000.00 bar stays out of the way
            Case(label: "oop = 0.5 × prev", type: .general, prev: "9000.00", oop: "4500.00", monitored: false, fires: true),
            Case(label: "one fen below 0.5 × prev", type: .general, prev: "9000.00", oop: "4499.99", monitored: false, fires: false),
            Case(label: "one fen above 0.5 × prev", type: .general, prev: "9000.00", oop: "4500.01", monitored: false, fires: true),
            // 0.5 × 9000.01 = 4500.005: 4500.00 is below it (exact, not rounded to 4500.01 or 4500.00), 4500.01 above
            Case(label: "half of an odd fen, under", type: .general, prev: "9000.01", oop: "4500.00", monitored: false, fires: false),
            Case(label: "half of an odd fen, over", type: .general, prev: "9000.01", oop: "4500.01", monitored: false, fires: true),
            // bars, with prev 30000.00 so that 0.5 × prev = 15000.00 is out of the way
            Case(label: "脱贫户 bar − 0.01", type: .lifted, prev: "30000.00", oop: "4999.99", monitored: false, fires: false),
            Case(label: "脱贫户 bar", type: .lifted, prev: "30000.00", oop: "5000.00", monitored: false, fires: true),
            Case(label: "监测户 bar − 0.01", type: .monitored, prev: "30000.00", oop: "4999.99", monitored: false, fires: false),
            Case(label: "监测户 bar", type: .monitored, prev: "30000.00", oop: "5000.00", monitored: false, fires: true),
            Case(label: "一般农户 at the fragile bar", type: .general, prev: "30000.00", oop: "5000.00", monitored: false, fires: false),
            Case(label: "一般农户 bar − 0.01", type: .general, prev: "30000.00", oop: "9999.99", monitored: false, fires: false),
            Case(label: "一般农户 bar", type: .general, prev: "30000.00", oop: "10000.00", monitored: false, fires: true),
            // RULES.md §4 names the roster's 户类型 for the bars; a 一般农户 with a 监测中 case in the ledger keeps the
            // 10000.00 bar (the oracle reads the roster type too; §5 distinguishes the ledger state from the type).
            Case(
                label: "一般农户 monitored in the ledger, fragile bar", type: .general, prev: "30000.00", oop: "5000.00", monitored: true,
                fires: false),
            Case(
                label: "一般农户 monitored in the ledger, its bar", type: .general, prev: "30000.00", oop: "10000.00", monitored: true,
                fires: true),
            // prev 0: the 0.5 × test is skipped (0 ≥ 0.5 × 0 would fire on anything); only the bars apply
            Case(label: "prev 0, oop 0", type: .lifted, prev: "0", oop: "0", monitored: false, fires: false),
            Case(label: "prev 0, oop 0.01", type: .lifted, prev: "0", oop: "0.01", monitored: false, fires: false),
            Case(label: "prev 0, 脱贫户 bar − 0.01", type: .lifted, prev: "0", oop: "4999.99", monitored: false, fires: false),
            Case(label: "prev 0, 脱贫户 bar", type: .lifted, prev: "0", oop: "5000.00", monitored: false, fires: true),
            Case(label: "prev 0, 监测户 bar", type: .monitored, prev: "0", oop: "5000.00", monitored: false, fires: true),
            Case(label: "prev 0, 一般农户 bar − 0.01", type: .general, prev: "0", oop: "9999.99", monitored: false, fires: false),
            Case(label: "prev 0, 一般农户 bar", type: .general, prev: "0", oop: "10000.00", monitored: false, fires: true),
            // a refund larger than the period's spending: negative oop never fires
            Case(label: "negative oop", type: .lifted, prev: "9000.00", oop: "-100.00", monitored: false, fires: false),
        ]
        for c in table {
            let h = R.household(type: c.type, prev: c.prev), f = R.figures(oop: c.oop)
            // a case monitored in the ledger goes through the detector, which knows the ledger's states
            let t =
                c.monitored
                ? R.evaluate(h, f, monitoredCase: true).fired.first { $0.code == "illness" }
                : IllnessTrigger().evaluate(R.context(h, f))
            XCTAssertEqual(t != nil, c.fires, c.label)
            if let t {
                XCTAssertEqual(t.code, "illness", c.label)
                XCTAssertEqual(t.riskTypes, ["因病"], c.label)
                XCTAssertEqual(t.evidence.first?.amount, R.y(c.oop).description, c.label)
            }
        }
    }

    func testIllnessEvidenceListsSettlements() {
        let s = [
            SettlementRecord(id: "JS1", kind: "正常", person: "陈大明", outOfPocket: R.y("3000.00"), settled: "2021-03-02", visitType: "住院"),
            SettlementRecord(id: "JS2", kind: "正常", person: "陈大明", outOfPocket: R.y("2000.00"), settled: "2021-04-02", visitType: "门诊慢特病"),
        ]
        let ctx = R.context(R.household(type: .lifted, prev: "30000.00"), R.figures(oop: "5000.00"), settlements: s)
        let t = try! XCTUnwrap(IllnessTrigger().evaluate(ctx))
        XCTAssertEqual(t.evidence.compactMap(\.record), ["JS1", "JS2"])
        XCTAssertEqual(t.evidence.map(\.source), ["medical", "medical", "medical"])
    }

    func testEvidenceTextWithDefaultRatios() {
        // The shipped default ratios are RuleParameters()'s Ratio(1, 2), not a power of ten: the evidence text
        // must still print them (Ratio.description divides by zero on them).
        XCTAssertEqual(ratioText(Ratio(1, 2)), "0.5")
        XCTAssertEqual(ratioText(Ratio(5, 10)), "0.5")
        XCTAssertEqual(ratioText(Ratio(12, 10)), "1.2")
        XCTAssertEqual(ratioText(Ratio(7, 10)), "0.7")
        XCTAssertEqual(ratioText(Ratio(1, 4)), "0.25")
        XCTAssertEqual(ratioText(Ratio(1, 20)), "0.05")
        XCTAssertEqual(ratioText(Ratio(3, 1)), "3")
        XCTAssertEqual(ratioText(Ratio(1, 3)), "1/3")
        let h = R.household(type: .general, prev: "9000.00")
        let ill = try! XCTUnwrap(IllnessTrigger().evaluate(R.context(h, R.figures(oop: "4500.00"))))
        XCTAssertTrue(ill.evidence[0].text.contains("9000.00 元 的 0.5 倍"), ill.evidence[0].text)
        let dis = try! XCTUnwrap(DisasterTrigger().evaluate(R.context(h, R.figures(loss: "4500.00"))))
        XCTAssertTrue(dis.evidence[0].text.contains("0.5 倍"), dis.evidence[0].text)
        let drop = try! XCTUnwrap(IncomeDropTrigger().evaluate(R.context(h, R.figures(observed: "100.00", months: 6))))
        XCTAssertTrue(drop.evidence[0].text.contains("0.7 倍"), drop.evidence[0].text)
        // a 一般农户 with a monitored case keeps its own bar, and the evidence names it
        let mon = try! XCTUnwrap(
            R.evaluate(
                R.household(type: .general, prev: "30000.00"), R.figures(oop: "10000.00"),
                monitoredCase: true
            ).fired.first { $0.code == "illness" })
        XCTAssertTrue(mon.evidence[0].text.contains("一般农户标准 10000.00 元"), mon.evidence[0].text)
        XCTAssertEqual(Ratio(1, 2).description, "0.5")
        XCTAssertEqual(Ratio(1, 3).description, "1/3")
    }

    // MARK: disaster

    func testDisaster() {
        // (label, prev, loss, a house 倒塌/严重损坏, fires)
        let table: [(String, String, String, Bool, Bool)] = [
            ("loss = 0.5 × prev (0.5 × 9000.00 = 4500.00)", "9000.00", "4500.00", false, true),
            ("one fen below", "9000.00", "4499.99", false, false),
            ("one fen above", "9000.00", "4500.01", false, true),
            ("0.5 × 9000.01 = 4500.005, loss under", "9000.01", "4500.00", false, false),
            ("0.5 × 9000.01 = 4500.005, loss over", "9000.01", "4500.01", false, true),
            ("house destroyed, tiny loss", "9000.00", "0.01", true, true),
            ("house destroyed, no loss", "9000.00", "0", true, true),
            ("no house damage, no loss", "9000.00", "0", false, false),
            ("prev 0: the 0.5 × test is skipped", "0", "0.01", false, false),
            ("prev 0, no loss", "0", "0", false, false),
            ("prev 0, house destroyed", "0", "0", true, true),
        ]
        for (label, prev, loss, destroyed, fires) in table {
            let ctx = R.context(R.household(type: .lifted, prev: prev), R.figures(loss: loss, destroyed: destroyed))
            let t = DisasterTrigger().evaluate(ctx)
            XCTAssertEqual(t != nil, fires, label)
            XCTAssertEqual(t?.riskTypes ?? ["因灾"], ["因灾"], label)
        }
        // The damage grades that make a house count (一般损坏 and 无 do not): the set the figures use.
        XCTAssertEqual(HouseholdFigures.destroyed, ["倒塌", "严重损坏"])
    }

    // MARK: spending_surge

    func testSpendingSurge() {
        // (label, prev, oop, loss, fires): rigid = oop + loss, fires when rigid > prev (strictly)
        let table: [(String, String, String, String, Bool)] = [
            ("rigid = 6000.00 + 3000.00 = prev", "9000.00", "6000.00", "3000.00", false),
            ("rigid = 6000.01 + 3000.00 = prev + 0.01", "9000.00", "6000.01", "3000.00", true),
            ("rigid = prev − 0.01", "9000.00", "5999.99", "3000.00", false),
            ("medical alone over prev", "9000.00", "9000.01", "0", true),
            ("disaster alone over prev", "9000.00", "0", "9000.01", true),
            ("prev 0 is skipped", "0", "100.00", "0", false),
            ("prev 0, rigid 0", "0", "0", "0", false),
        ]
        for (label, prev, oop, loss, fires) in table {
            let ctx = R.context(R.household(type: .lifted, prev: prev), R.figures(oop: oop, loss: loss))
            XCTAssertEqual(SpendingSurgeTrigger().evaluate(ctx) != nil, fires, label)
        }
    }

    // MARK: income_drop

    func testIncomeDrop() {
        // (label, evaluation month, prev, observed, months declared, fires): fires when months ≥ 1 and
        // projected = observed × 12 / months ≤ 0.7 × prev (exactly).
        let table: [(String, String, String, String, Int, Bool)] = [
            // 0.7 × 12000.00 = 8400.00; 6 of 6: 4200.00 × 12 / 6 = 8400.00 (at: fires, ≤)
            ("projected = 0.7 × prev", "2021-05", "12000.00", "4200.00", 6, true),
            // 4200.01 × 2 = 8400.02 > 8400.00
            ("observed one fen over (projected 8400.02)", "2021-05", "12000.00", "4200.01", 6, false),
            // 12 of 12: projected = observed; 8400.01 is one fen above 8400.00
            ("projected one fen above", "2021-11", "12000.00", "8400.01", 12, false),
            ("projected exactly at, 12 months", "2021-11", "12000.00", "8400.00", 12, true),
            ("projected one fen below", "2021-11", "12000.00", "8399.99", 12, true),
            // 3 of 6: 2100.00 × 12 / 3 = 8400.00 → fires; 2100.01 × 4 = 8400.04 → not
            ("3 of 6 months at", "2021-05", "12000.00", "2100.00", 3, true),
            ("3 of 6 months over", "2021-05", "12000.00", "2100.01", 3, false),
            // Not a whole fen: 10000.01 over 7 of 7 months: projected = 1000001 × 12 / 7 = 12000012/7 fen
            // = 1714287.428… fen. Fires iff 12000012/7 ≤ 0.7 × p ⟺ 120000120 ≤ 49 × p.
            //   p = 2448983 (24489.83): 49 × p = 120000167 ≥ 120000120 → fires.
            //   p = 2448982 (24489.82): 49 × p = 120000118 < 120000120 → not, although 0.7 × p = 17142.874 and the
            //   projection *rounded* to the fen (17142.87) would be ≤ it: the comparison must be exact.
            ("fractional projection, prev 24489.83", "2021-06", "24489.83", "10000.01", 7, true),
            ("fractional projection, prev 24489.82", "2021-06", "24489.82", "10000.01", 7, false),
            // No declaration: projected = prev, never a drop
            ("no declaration", "2021-05", "12000.00", "0", 0, false),
            // prev 0 skipped: 0 × 12 / 6 = 0 ≤ 0.7 × 0 would fire otherwise
            ("prev 0, nothing earned", "2021-05", "0", "0", 6, false),
            ("prev 0, a loss", "2021-05", "0", "-100.00", 6, false),
            // a business loss: projected −200.00 ≤ 8400.00
            ("negative projection", "2021-05", "12000.00", "-100.00", 6, true),
        ]
        for (label, month, prev, observed, k, fires) in table {
            let ctx = R.context(R.household(type: .lifted, prev: prev), R.figures(observed: observed, months: k), month: month)
            let t = IncomeDropTrigger().evaluate(ctx)
            XCTAssertEqual(t != nil, fires, label)
            XCTAssertEqual(t?.riskTypes ?? ["收入骤减"], ["收入骤减"], label)
        }
    }

    // MARK: disability

    func testDisabilityAgeAndLabour() {
        // Certificate issued 2021-05-10. Age in full years on that date must be 16..60.
        let issued = "2021-05-10"
        // (label, born, labour, fires)
        let table: [(String, String, Labour, Bool)] = [
            ("exactly 16 (born 2005-05-10)", "20050510", .ordinary, true),
            ("15 years 364 days (born 2005-05-11)", "20050511", .ordinary, false),
            ("exactly 60 (born 1961-05-10)", "19610510", .skilled, true),
            ("60 years 364 days (born 1960-05-11)", "19600511", .ordinary, true),
            ("61st birthday (born 1960-05-10)", "19600510", .ordinary, false),
            ("弱劳动力或半劳动力, 41", "19800101", .weak, false),
            ("丧失劳动力, 41", "19800101", .lost, false),
            ("无劳动力, 41", "19800101", .none, false),
            ("技能劳动力, 41", "19800101", .skilled, true),
        ]
        for (label, born, labour, fires) in table {
            let m = R.member("林小华", born: born, seq: 21, relation: "之子", labour: labour)
            let h = R.household(type: .lifted, prev: "30000.00", members: R.defaultMembers + [m])
            let d = NewDisability(person: m.person, name: m.name, grade: "一级", issued: R.day(issued))
            let t = DisabilityTrigger().evaluate(R.context(h, R.figures(disabilities: [d])))
            XCTAssertEqual(t != nil, fires, label)
            if let t {
                XCTAssertEqual(t.riskTypes, ["因残"], label)
                XCTAssertEqual(t.persons, [m.person], label)
            }
        }
        // Born 29 February: 16 on 2020-02-29, still 15 on 2020-02-28.
        let leap = R.member("林小华", born: "20040229", seq: 21, relation: "之子", labour: .ordinary)
        let h = R.household(type: .lifted, prev: "30000.00", members: R.defaultMembers + [leap])
        for (date, fires) in [("2020-02-28", false), ("2020-02-29", true)] {
            let d = NewDisability(person: leap.person, name: leap.name, grade: "二级", issued: R.day(date))
            XCTAssertEqual(
                DisabilityTrigger().evaluate(R.context(h, R.figures(disabilities: [d]), month: "2020-05")) != nil,
                fires, date)
        }
        // A certificate of someone who is not a member of this household never fires here.
        let stranger = NewDisability(person: R.person(born: "19800101", seq: 99), name: "外人", grade: "一级", issued: R.day(issued))
        XCTAssertNil(DisabilityTrigger().evaluate(R.context(R.household(prev: "30000.00"), R.figures(disabilities: [stranger]))))
    }

    func testDisabilityGrades() {
        // 一级/二级: labour lost; 三级/四级: partly lost, evidence says `partial`. The trigger fires either way.
        let m = R.defaultMembers[0]
        let h = R.household(type: .lifted, prev: "30000.00")
        for (grade, record) in [("一级", "lost"), ("二级", "lost"), ("三级", "partial"), ("四级", "partial")] {
            let d = NewDisability(person: m.person, name: m.name, grade: grade, issued: R.day("2021-05-10"))
            let t = try! XCTUnwrap(DisabilityTrigger().evaluate(R.context(h, R.figures(disabilities: [d]))), grade)
            XCTAssertEqual(t.code, "disability")
            XCTAssertEqual(t.evidence.count, 1)
            XCTAssertEqual(t.evidence[0].record, record, grade)
            // (`partial` is for systems, in alerts.jsonl's `record`; the text is the cadres', in Chinese only)
            XCTAssertEqual(t.evidence[0].text.contains("：部分丧失劳动能力"), record == "partial", grade)
            XCTAssertEqual(t.evidence[0].text.contains("：丧失劳动能力"), record == "lost", grade)
            XCTAssertFalse(t.evidence[0].text.contains("partial"), grade)
            XCTAssertEqual(t.evidence[0].date, "2021-05-10")
        }
    }

    // MARK: aid_change and declared

    func testAidChange() {
        let h = R.household(prev: "30000.00")
        XCTAssertNil(AidChangeTrigger().evaluate(R.context(h, R.figures())))
        let t = try! XCTUnwrap(AidChangeTrigger().evaluate(R.context(h, R.figures(aid: ["a", "b"]))))
        XCTAssertEqual(t.riskTypes, ["救助变动"])
        XCTAssertEqual(t.evidence.map(\.text), ["a", "b"])
        // Which civil changes count (§4): 临时救助 新增; 低保 or 特困供养 停发. Nothing else.
        let table: [(String, String, Bool)] = [
            ("临时救助", "新增", true), ("低保", "停发", true), ("特困供养", "停发", true),
            ("低保", "续发", false), ("低保", "新增", false), ("特困供养", "新增", false), ("特困供养", "续发", false),
            ("临时救助", "停发", false), ("临时救助", "续发", false),
            ("残疾人两项补贴", "新增", false), ("残疾人两项补贴", "停发", false),
        ]
        for (type, change, counts) in table {
            XCTAssertEqual(AidChangeTrigger.counts(aidType: type, change: change), counts, type + change)
        }
    }

    func testDeclared() {
        let h = R.household(prev: "30000.00")
        XCTAssertNil(DeclaredTrigger().evaluate(R.context(h, R.figures())))
        let ds = [
            R.declaration(["因病", "因学"], channel: "干部排查", date: "2021-05-06", by: "李村干"),
            R.declaration(["因学", "缺劳动力"], channel: "农户申报", date: "2021-03-01"),
        ]
        let t = try! XCTUnwrap(DeclaredTrigger().evaluate(R.context(h, R.figures(declarations: ds))))
        XCTAssertEqual(t.code, "declared")
        // the declared risk types are carried, each once, in the order declared
        XCTAssertEqual(t.riskTypes, ["因病", "因学", "缺劳动力"])
        // evidence names the channel, date and risk types of each declaration
        XCTAssertEqual(t.evidence.count, 2)
        XCTAssertEqual(t.evidence.map(\.record), ["干部排查", "农户申报"])
        XCTAssertEqual(t.evidence.map(\.date), ["2021-05-06", "2021-03-01"])
        XCTAssertTrue(
            t.evidence[0].text.contains("干部排查") && t.evidence[0].text.contains("2021-05-06")
                && t.evidence[0].text.contains("因病、因学"), t.evidence[0].text)
        // any declaration fires, whatever the figures
        let one = R.figures(observed: "90000.00", months: 6, declarations: [R.declaration(["其他"])])
        XCTAssertEqual(R.codes(h, one), ["declared"])
    }
}
