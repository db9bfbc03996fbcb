import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

// RULES.md §6 suggested assistance, row by row. Triggers are produced by the real triggers from figures
// (so the disability trigger's record of who is disabled is what the suggestions see). A category with
// details prints as `综合保障（健康帮扶、医疗救助）`, RULES.md's "综合保障 (健康帮扶、医疗救助)".

final class SuggestionRulesTests: XCTestCase {
    static let health = "综合保障（健康帮扶、医疗救助）"
    static let relief = "综合保障（临时救助、灾害救助）"
    static let disabled = "综合保障（残疾人补贴）"

    func suggest(_ h: Household, _ f: HouseholdFigures, _ level: Level?) -> [String] {
        Suggestions.of(household: h, fired: Triggers.evaluate(R.context(h, f)), level: level)
    }

    let head = R.member("陈大明", born: "19800101", seq: 11, relation: "户主", labour: .ordinary)
    let weakSpouse = R.member("王秀英", born: "19820202", seq: 22, relation: "配偶", labour: .weak)
    let skilledSon = R.member("陈小明", born: "20000303", seq: 31, relation: "之子", labour: .skilled)
    let lostHead = R.member("陈老汉", born: "19500101", seq: 41, relation: "户主", labour: .lost)
    let child = R.member("陈小妹", born: "20150505", seq: 52, relation: "之女", labour: .none)

    func certificate(_ m: Member, grade: String = "一级") -> NewDisability {
        NewDisability(person: m.person, name: m.name, grade: grade, issued: R.day("2021-05-10"))
    }

    func testLabourAndIncomeDrop() {
        // 4200.00 × 12 / 6 = 8400.00 ≤ 0.7 × 12000.00 → income_drop
        let drop = R.figures(observed: "4200.00", months: 6)
        for level in [Level.red, .orange, .yellow] {
            XCTAssertEqual(suggest(R.household(prev: "12000.00", members: [head]), drop, level), ["就业帮扶", "产业帮扶"])
            XCTAssertEqual(suggest(R.household(prev: "12000.00", members: [lostHead, skilledSon]), drop, level), ["就业帮扶", "产业帮扶"])
        }
        // only 弱劳动力: not the first row (and the household has labour, so not 综合保障 either)
        XCTAssertEqual(suggest(R.household(prev: "12000.00", members: [weakSpouse]), drop, .yellow), [])
        XCTAssertEqual(suggest(R.household(prev: "12000.00", members: [weakSpouse]), drop, .red), ["其他帮扶"])
    }

    func testNoLabour() {
        // no member 技能/普通/弱: 综合保障, with or without a trigger
        let h = R.household(prev: "12000.00", members: [lostHead, child])
        XCTAssertEqual(suggest(h, R.figures(), .orange), ["综合保障"])
        XCTAssertEqual(suggest(h, R.figures(aid: ["x"]), .red), ["综合保障"])
        // with income_drop but no main labour: only 综合保障
        XCTAssertEqual(suggest(h, R.figures(observed: "4200.00", months: 6), .red), ["综合保障"])
        // 弱劳动力 counts as labour here
        XCTAssertEqual(suggest(R.household(prev: "12000.00", members: [lostHead, weakSpouse]), R.figures(), .orange), [])
    }

    func testIllnessAndDisaster() {
        let h = R.household(type: .lifted, prev: "12000.00", members: [head])
        // illness: 5000.00 ≥ the 脱贫户 bar
        XCTAssertEqual(suggest(h, R.figures(observed: "6000.00", months: 6, oop: "5000.00"), .yellow), [Self.health])
        // disaster: a house 倒塌
        XCTAssertEqual(suggest(h, R.figures(observed: "6000.00", months: 6, destroyed: true), .yellow), [Self.relief, "其他帮扶"])
        // both, in a household without labour: one 综合保障 carrying all details
        let noLabour = R.household(type: .lifted, prev: "12000.00", members: [lostHead])
        XCTAssertEqual(
            suggest(noLabour, R.figures(observed: "6000.00", months: 6, oop: "5000.00", destroyed: true), .red),
            ["综合保障（健康帮扶、医疗救助、临时救助、灾害救助）", "其他帮扶"])
    }

    func testDisability() {
        // the disabled member is the only main labour: 综合保障 (残疾人补贴) alone
        var h = R.household(prev: "30000.00", members: [head, weakSpouse])
        XCTAssertEqual(suggest(h, R.figures(observed: "15000.00", months: 6, disabilities: [certificate(head)]), .yellow), [Self.disabled])
        // another member is 技能劳动力: plus 就业帮扶
        h = R.household(prev: "30000.00", members: [head, weakSpouse, skilledSon])
        XCTAssertEqual(
            suggest(h, R.figures(observed: "15000.00", months: 6, disabilities: [certificate(head, grade: "三级")]), .yellow),
            [Self.disabled, "就业帮扶"])
        // both main-labour members got certificates: nobody else can work
        XCTAssertEqual(
            suggest(
                h,
                R.figures(
                    observed: "15000.00", months: 6,
                    disabilities: [certificate(head), certificate(skilledSon)]), .yellow),
            [Self.disabled])
        // "another member" is another person, not another name: two members both called 王芳, one disabled
        let wang1 = R.member("王芳", born: "19800101", seq: 61, relation: "户主", labour: .ordinary)
        let wang2 = R.member("王芳", born: "20010101", seq: 62, relation: "之女", labour: .ordinary)
        h = R.household(prev: "30000.00", members: [wang1, wang2])
        XCTAssertEqual(
            suggest(h, R.figures(observed: "15000.00", months: 6, disabilities: [certificate(wang1)]), .yellow),
            [Self.disabled, "就业帮扶"])
        // and the other way round: the head 王芳 is 弱劳动力, the daughter 王芳 (the only main labour) is disabled —
        // nobody else can work, whatever the names say
        let weakWang = R.member("王芳", born: "19800101", seq: 61, relation: "户主", labour: .weak)
        h = R.household(prev: "30000.00", members: [weakWang, wang2])
        XCTAssertEqual(
            suggest(h, R.figures(observed: "15000.00", months: 6, disabilities: [certificate(wang2)]), .yellow),
            [Self.disabled])
        // a member whose name contains another's ("陈大明" inside "陈大明明") is not mistaken for the disabled one
        let ming2 = R.member("陈大明明", born: "20010101", seq: 63, relation: "之子", labour: .ordinary)
        h = R.household(prev: "30000.00", members: [head, ming2])
        XCTAssertEqual(
            suggest(h, R.figures(observed: "15000.00", months: 6, disabilities: [certificate(ming2)]), .yellow),
            [Self.disabled, "就业帮扶"])
    }

    func testDeclaredRiskTypes() {
        // A household with a 普通劳动力 head and nothing else firing; 15000.00 × 2 = 30000.00 = prev, no drop.
        let h = R.household(prev: "30000.00", members: [head, weakSpouse])
        let table: [(String, [String])] = [
            ("因务工就业不稳", ["就业帮扶"]),
            ("因产业失败", ["产业帮扶"]),
            ("缺劳动力", ["综合保障"]),
            ("因学", ["其他帮扶"]),
            ("因意外事故", ["其他帮扶"]),
            ("其他", ["其他帮扶"]),
            ("因病", [Self.health]),
            ("因灾", [Self.relief, "其他帮扶"]),
            // as the disability trigger: the declaration does not say who is disabled, and no certificate names
            // anyone, so the 普通劳动力 head counts as another member who can work.
            ("因残", [Self.disabled, "就业帮扶"]),
        ]
        for (risk, want) in table {
            let f = R.figures(observed: "15000.00", months: 6, declarations: [R.declaration([risk])])
            XCTAssertEqual(suggest(h, f, .orange), want, risk)
        }
        // several risk types, each once, in the order declared
        let f = R.figures(observed: "15000.00", months: 6, declarations: [R.declaration(["因学", "因务工就业不稳", "其他"])])
        XCTAssertEqual(suggest(h, f, .orange), ["其他帮扶", "就业帮扶"])
    }

    func testDeclaredDisabilityAgreesWithTheCertificate() {
        // The head (only main labour) got a certificate and the household also declared 因残: the declared risk
        // type is "as the trigger above", so it must not bring the 就业帮扶 that the trigger itself withholds.
        let h = R.household(prev: "30000.00", members: [head, weakSpouse])
        let f = R.figures(
            observed: "15000.00", months: 6, disabilities: [certificate(head)],
            declarations: [R.declaration(["因残"])])
        XCTAssertEqual(R.codes(h, f), ["disability", "declared"])
        XCTAssertEqual(suggest(h, f, .orange), [Self.disabled])
    }

    func testRedWithNothingElse() {
        let h = R.household(prev: "12000.00", members: [head])
        // aid_change alone (6000.00 × 2 = 12000.00 = prev: no drop): none of the rows above → 其他帮扶 at red only.
        XCTAssertEqual(suggest(h, R.figures(observed: "6000.00", months: 6, aid: ["x"]), .red), ["其他帮扶"])
        XCTAssertEqual(suggest(h, R.figures(observed: "6000.00", months: 6, aid: ["x"]), .orange), [])
        XCTAssertEqual(suggest(h, R.figures(observed: "6000.00", months: 6, aid: ["x"]), .yellow), [])
        // orange with no trigger and with labour: nothing to suggest
        XCTAssertEqual(suggest(h, R.figures(observed: "4500.00", months: 6), .orange), [])  // 9000.00 > 8400.00: no drop
        // spending_surge never comes alone: rigid = oop + loss > prev means oop or loss > prev / 2, which fires
        // illness or disaster (with prev > 0). Here 6000.01 + 6000.00 > 12000.00 and 6000.01 ≥ 6000.00 → illness.
        let f = R.figures(observed: "6000.00", months: 6, oop: "6000.01", loss: "6000.00")
        XCTAssertEqual(R.codes(h, f), ["illness", "disaster", "spending_surge"])
        XCTAssertEqual(suggest(h, f, .red), ["综合保障（健康帮扶、医疗救助、临时救助、灾害救助）", "其他帮扶"])
    }
}
