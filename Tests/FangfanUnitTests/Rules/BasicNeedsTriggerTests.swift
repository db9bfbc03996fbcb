import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §12, third bullet: the 三保障 and drinking-water triggers `schooling`, `housing`, `water`, their level
/// floor, suggestions and alert-id bits, and §7's extra condition. Month 2021-05: the period is 2020-12-01 to
/// 2021-05-31. Every expected value worked out by hand in the comments.
final class BasicNeedsTriggerTests: XCTestCase {
    /// 陈大明, head, born 1980-01-01; 陈小明 born 2015-03-10 (6 on 2021-03-10); 陈小红 born 2005-04-20 (16 on
    /// 2021-04-20); 陈小华 born 2004-04-20 (17 on 2021-04-20); 陈小兰 born 2004-02-29 (17 on 2021-03-01, the
    /// first day 2021 reaches her birthday).
    let members = [
        R.member("陈大明", born: "19800101", seq: 11),
        R.member("陈小明", born: "20150310", seq: 21, relation: "之子", labour: .none),
        R.member("陈小红", born: "20050420", seq: 22, relation: "之女", labour: .none),
        R.member("陈小华", born: "20040420", seq: 23, relation: "之子", labour: .none),
        R.member("陈小兰", born: "20040229", seq: 24, relation: "之女", labour: .none),
    ]
    var household: Household { R.household(prev: "30000.00", members: members) }

    func school(_ who: Int, _ status: String, _ date: String) -> SchoolRecord {
        SchoolRecord(person: members[who].person, name: members[who].name, school: "锦和镇中心小学", status: status, date: R.day(date))
    }

    func context(_ needs: BasicNeedsRecords, month: String = "2021-05") -> TriggerContext {
        var c = R.context(household, R.figures(), month: month)
        c.basicNeeds = needs
        return c
    }

    func schooling(_ records: [SchoolRecord]) -> FiredTrigger? { SchoolingTrigger().evaluate(context(BasicNeedsRecords(school: records))) }

    // MARK: - schooling

    func testAgeInFullYearsAtTheRecordDate() {
        // 陈小明: 6 on his birthday 2021-03-10 → fires; 5 the day before → not
        let six = schooling([school(1, "辍学", "2021-03-10")])
        XCTAssertEqual(six?.persons, [members[1].person])
        XCTAssertEqual(six?.evidence.map(\.text), ["控辍保学：成员 陈小明（6 岁）2021-03-10 辍学（锦和镇中心小学），至 2021-05-31 无复学登记"])
        XCTAssertEqual(six?.evidence.first?.source, "education")
        XCTAssertEqual(six?.riskTypes, ["因学辍学"])
        XCTAssertNil(schooling([school(1, "辍学", "2021-03-09")]))
        // 陈小红: 16 on her birthday 2021-04-20 → fires (疑似辍学 counts as 辍学 does)
        XCTAssertNotNil(schooling([school(2, "疑似辍学", "2021-04-20")]))
        // 陈小华: 17 on his birthday 2021-04-20 → not; 16 the day before → fires
        XCTAssertNil(schooling([school(3, "辍学", "2021-04-20")]))
        XCTAssertEqual(
            schooling([school(3, "辍学", "2021-04-19")])?.evidence.map(\.text),
            ["控辍保学：成员 陈小华（16 岁）2021-04-19 辍学（锦和镇中心小学），至 2021-05-31 无复学登记"])
        // 陈小兰, born 29 February 2004: 16 on 2021-02-28 (fires), 17 on 2021-03-01 (not)
        XCTAssertNotNil(schooling([school(4, "辍学", "2021-02-28")]))
        XCTAssertNil(schooling([school(4, "辍学", "2021-03-01")]))
        // the head, 41: not of school age
        XCTAssertNil(schooling([school(0, "辍学", "2021-03-10")]))
    }

    func testALaterReturn() {
        let out = school(1, "辍学", "2021-03-10")
        // 复学 the same day, or on the period's last day → not
        XCTAssertNil(schooling([out, school(1, "复学", "2021-03-10")]))
        XCTAssertNil(schooling([out, school(1, "复学", "2021-05-31")]))
        // 复学 after the period's end, or before the dropout → fires
        XCTAssertNotNil(schooling([out, school(1, "复学", "2021-06-01")]))
        XCTAssertNotNil(schooling([school(1, "复学", "2021-03-09"), out]))
        // another member's 复学 does not bring him back
        XCTAssertNotNil(schooling([out, school(2, "复学", "2021-04-01")]))
        // two dropouts, the later one after his return: the later one fires
        let again = schooling([school(1, "疑似辍学", "2020-12-15"), school(1, "复学", "2021-01-04"), school(1, "辍学", "2021-03-10")])
        XCTAssertEqual(again?.evidence.map(\.date), ["2021-03-10"])
    }

    func testOnlyTheRecordsOfThePeriod() {
        // 陈小红 (15 on both days): before the period (2020-11-30) or after it (2021-06-01) → not
        XCTAssertNil(schooling([school(2, "辍学", "2020-11-30")]))
        XCTAssertNil(schooling([school(2, "辍学", "2021-06-01")]))
        XCTAssertNotNil(schooling([school(2, "辍学", "2020-12-01")]))
        // a pupil who is not a member of the household
        let stranger = SchoolRecord(
            person: R.person(born: "20100101", seq: 99), name: "林某", school: "", status: "辍学", date: R.day("2021-03-01"))
        XCTAssertNil(schooling([stranger]))
    }

    // MARK: - housing

    func housing(_ records: [(String, String, String)]) -> FiredTrigger? {
        HousingTrigger().evaluate(
            context(BasicNeedsRecords(housing: records.map { HousingRecord(rating: $0.0, ratedOn: R.day($0.1), renovation: $0.2) })))
    }

    func testTheLatestRatingUpToThePeriodsEnd() {
        // C superseded by a later A → not
        XCTAssertNil(housing([("C", "2020-06-01", "未改造"), ("A", "2021-03-01", "未改造")]))
        // C, 已改造 → not; C 改造中 → fires; D 未改造 → fires
        XCTAssertNil(housing([("C", "2021-01-05", "已改造")]))
        XCTAssertNotNil(housing([("C", "2021-01-05", "改造中")]))
        let d = housing([("D", "2021-02-01", "未改造")])
        XCTAssertEqual(d?.evidence.map(\.text), ["农村住房安全：2021-02-01 鉴定为 D 级危房，改造状态 未改造"])
        XCTAssertEqual(d?.riskTypes, ["住房安全"])
        // rated before the period began, nothing later → fires (the latest counts however old)
        XCTAssertNotNil(housing([("D", "2019-05-01", "未改造")]))
        // an A after the period's end is not read → the D fires
        XCTAssertNotNil(housing([("D", "2021-02-01", "未改造"), ("A", "2021-06-15", "未改造")]))
        // in any order: the latest (B, 2021-04-01) decides → not
        XCTAssertNil(housing([("B", "2021-04-01", "未改造"), ("D", "2020-07-01", "未改造")]))
        // A and B never fire
        XCTAssertNil(housing([("A", "2021-04-01", "未改造")]))
        XCTAssertNil(housing([("B", "2021-04-01", "未改造")]))
    }

    // MARK: - water

    func water(_ records: [(String, String, String)]) -> FiredTrigger? {
        WaterTrigger().evaluate(
            context(BasicNeedsRecords(water: records.map { WaterRecord(problem: $0.0, status: $0.1, date: R.day($0.2)) })))
    }

    func testEachProblemTypesLatestRecord() {
        // solved later → not
        XCTAssertNil(water([("水质不达标", "未解决", "2021-01-10"), ("水质不达标", "已解决", "2021-04-01")]))
        // two types, one solved: fires for the other only
        let one = water([
            ("水量不足", "未解决", "2020-10-01"), ("取水不便", "未解决", "2021-02-01"), ("取水不便", "已解决", "2021-03-01"),
        ])
        XCTAssertEqual(one?.evidence.map(\.text), ["农村饮水安全：水量不足（2020-10-01 登记）未解决"])
        XCTAssertEqual(one?.riskTypes, ["饮水安全"])
        // solved only after the period's end → fires
        XCTAssertNotNil(water([("水质不达标", "未解决", "2021-01-10"), ("水质不达标", "已解决", "2021-06-02")]))
        // the latest is 已解决, an older 未解决 after it in the list → not
        XCTAssertNil(water([("水质不达标", "已解决", "2021-01-10"), ("水质不达标", "未解决", "2020-12-01")]))
        // registered after the period's end only → not
        XCTAssertNil(water([("供水保证率低", "未解决", "2021-06-01")]))
    }

    // MARK: - levels, suggestions, ids, elimination

    /// prev 30000.00, 18000.00 declared in 6 months → projected 36000.00. One member: 36000.00 a person, not near
    /// 11520.00 → yellow without the floor, orange with it. Five members: 7200.00 a person, below 9600.00 → red.
    func testOrangeFloorSuggestionsAndIds() throws {
        let single = R.household(prev: "30000.00")
        let f = R.figures(observed: "18000.00", months: 6)
        let d = R.detector("2021-05")
        let needs: [(String, BasicNeedsRecords, [String])] = [
            (
                "housing", BasicNeedsRecords(housing: [HousingRecord(rating: "D", ratedOn: R.day("2021-01-01"), renovation: "未改造")]),
                ["综合保障（危房改造）"]
            ),
            ("water", BasicNeedsRecords(water: [WaterRecord(problem: "取水不便", status: "未解决", date: R.day("2021-01-01"))]), ["其他帮扶（饮水工程）"]),
        ]
        XCTAssertNil(d.evaluate(single, f, settlements: [], disasters: [], monitoredCase: false).alert, "no trigger, not below: no alert")
        for (code, n, suggested) in needs {
            let a = try XCTUnwrap(d.evaluate(single, f, settlements: [], disasters: [], basicNeeds: n, monitoredCase: false).alert)
            XCTAssertEqual(a.triggers, [code])
            XCTAssertEqual(a.level, .orange, "\(code): yellow lifted to orange")
            XCTAssertEqual(a.suggested, suggested)
        }
        // schooling needs a pupil: the five-member household (7200.00 a person, below) → red stays red
        let five = try XCTUnwrap(
            d.evaluate(
                household, f, settlements: [], disasters: [], basicNeeds: BasicNeedsRecords(school: [school(1, "辍学", "2021-03-10")]),
                monitoredCase: false
            ).alert)
        XCTAssertEqual(five.triggers, ["schooling"])
        XCTAssertEqual(five.level, .red)
        XCTAssertEqual(five.suggested, ["其他帮扶（控辍保学、教育资助）"])
        // all three: one 其他帮扶 with both details, then 综合保障
        let all = BasicNeedsRecords(
            school: [school(1, "辍学", "2021-03-10")], housing: needs[0].1.housing, water: needs[1].1.water)
        let a = try XCTUnwrap(d.evaluate(household, f, settlements: [], disasters: [], basicNeeds: all, monitoredCase: false).alert)
        XCTAssertEqual(a.triggers, ["housing", "schooling", "water"])
        XCTAssertEqual(a.suggested, ["其他帮扶（控辍保学、教育资助、饮水工程）", "综合保障（危房改造）"])
        // ids: the new bits come after forecast (0x80), so every earlier id is unchanged
        XCTAssertEqual(a.alert_id, "YJ2021-4408250100080000-700")
        let id = { (t: [String]) in Alert.id(household: HouseholdID(key: R.hid), monitoringYear: 2021, triggers: t) }
        XCTAssertEqual(id(["illness"]), "YJ2021-4408250100080000-01")
        XCTAssertEqual(id(["forecast"]), "YJ2021-4408250100080000-80")
        XCTAssertEqual(id(["schooling"]), "YJ2021-4408250100080000-100")
        XCTAssertEqual(id(["housing"]), "YJ2021-4408250100080000-200")
        XCTAssertEqual(id(["water", "illness"]), "YJ2021-4408250100080000-401")
        XCTAssertEqual(
            Level.of(triggers: ["water"], netPerCapita: FenFraction(R.y("36000.00")), line: R.line, nearFactor: Ratio(12, 10)), .orange)
        XCTAssertEqual(
            Level.of(triggers: ["illness"], netPerCapita: FenFraction(R.y("36000.00")), line: R.line, nearFactor: Ratio(12, 10)), .yellow)
    }

    /// §7 with §12: six stable evaluated months, but one of them carried a 三保障 or water trigger → not suggested.
    func testEliminationWithheldByABasicNeedsTrigger() {
        let rule = EliminationSuggestion(months: 6)
        let c = CaseRow(
            householdId: "4408251010010001", town: "锦和镇", village: "锦和村", state: .monitored, openedMonth: "2020-10",
            monitoredSince: "2020-11", lastAlertId: nil, lastTriggers: [], eliminationKind: nil, measures: ["就业帮扶"])
        func months(_ triggers: [Int: [String]], count: Int = 6) -> [LedgerEvaluation] {
            (0..<count).map { k in
                LedgerEvaluation(
                    householdId: c.householdId, month: "2021-\(String(format: "%02d", 5 - min(k, 4)))", atOrAboveLine: true,
                    triggered: false, triggers: triggers[k] ?? [])
            }
        }
        XCTAssertTrue(rule.suggests(c, recent: months([:]), month: "2021-05", hasLabour: true))
        for code in ["schooling", "housing", "water"] {
            XCTAssertFalse(rule.suggests(c, recent: months([3: [code]]), month: "2021-05", hasLabour: true), code)
        }
        // in a seventh, older month: not read
        XCTAssertTrue(rule.suggests(c, recent: months([6: ["water"]], count: 7), month: "2021-05", hasLabour: true))
    }

    /// §12 names six months, whatever rules.elimination_months says: with 3, three stable months suffice for §7,
    /// but a housing trigger in the 4th–6th latest evaluated month still withholds the suggestion; in the 7th it
    /// does not. The rule asks the ledger for max(months, 6) evaluations.
    func testBasicNeedsLookBackSixMonthsWhenEliminationMonthsIsShorter() {
        let rule = EliminationSuggestion(months: 3)
        XCTAssertEqual(rule.evaluationsRead, 6)
        XCTAssertEqual(EliminationSuggestion(months: 8).evaluationsRead, 8)
        let c = CaseRow(
            householdId: "4408251010010001", town: "锦和镇", village: "锦和村", state: .monitored, openedMonth: "2020-10",
            monitoredSince: "2021-01", lastAlertId: nil, lastTriggers: [], eliminationKind: nil, measures: ["就业帮扶"])
        // newest first: 2021-05, 04, 03 stable; 02, 01, 2020-12, 2020-11 carry what `older` gives
        func recent(_ older: [Int: (Bool, [String])]) -> [LedgerEvaluation] {
            ["2021-05", "2021-04", "2021-03", "2021-02", "2021-01", "2020-12", "2020-11"].enumerated().map { k, m in
                let (triggered, codes) = older[k] ?? (false, [])
                return LedgerEvaluation(
                    householdId: c.householdId, month: m, atOrAboveLine: true, triggered: triggered, triggers: codes)
            }
        }
        XCTAssertTrue(rule.suggests(c, recent: recent([:]), month: "2021-05", hasLabour: true))
        // an illness in the 4th month: outside §7's three, so suggested
        XCTAssertTrue(rule.suggests(c, recent: recent([3: (true, ["illness"])]), month: "2021-05", hasLabour: true))
        // housing in the 4th or the 6th month: inside §12's six, withheld
        XCTAssertFalse(rule.suggests(c, recent: recent([3: (true, ["housing"])]), month: "2021-05", hasLabour: true))
        XCTAssertFalse(rule.suggests(c, recent: recent([5: (true, ["water"])]), month: "2021-05", hasLabour: true))
        // in the 7th: outside both
        XCTAssertTrue(rule.suggests(c, recent: recent([6: (true, ["schooling"])]), month: "2021-05", hasLabour: true))
        // only three evaluated months, all stable: §7 holds and §12 finds nothing in them
        XCTAssertTrue(rule.suggests(c, recent: Array(recent([:]).prefix(3)), month: "2021-05", hasLabour: true))
    }
}
