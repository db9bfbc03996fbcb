import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

// The detect stage end to end from linked records (what fangfan-link writes: household_id, then the feed's
// canonical fields in staged form), for December 2021: period = December 2021 alone, monitoring year 2022.

final class DetectorRulesTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "fangfan-rules-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    // H1: 脱贫户, prev 30000.00; head 陈大明 (普通, born 1980-01-01), spouse 王秀英 (弱).
    let h1Head = R.member("陈大明", born: "19800101", seq: 11, relation: "户主", labour: .ordinary)
    let h1Spouse = R.member("王秀英", born: "19820202", seq: 22, relation: "配偶", labour: .weak)
    // H2: 一般农户, prev 40000.00; head 林海 (技能, born 1965-02-03).
    let h2Head = R.member("林海", born: "19650203", seq: 44, relation: "户主", labour: .skilled)
    // H3: 脱贫户, prev 50000.00, nothing happens to it.
    let h3Head = R.member("符成", born: "19700707", seq: 71, relation: "户主", labour: .ordinary)

    var roster: RosterIndex {
        RosterIndex([
            R.household(R.hid, type: .lifted, prev: "30000.00", members: [h1Head, h1Spouse], town: "下洋镇", village: "港沟村"),
            R.household(R.hid + 1, type: .general, prev: "40000.00", members: [h2Head], town: "锦和镇", village: "锦和村"),
            R.household(R.hid + 2, type: .lifted, prev: "50000.00", members: [h3Head], town: "锦和镇", village: "锦和村"),
        ])
    }

    func write(_ month: String, _ feed: FeedKind, _ rows: [String]) throws {
        let dir = StateLayout(root: root).workDir(R.month(month)) + "/linked"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let header = (["household_id"] + feed.schema.fields.map(\.name)).joined(separator: ",")
        try ([header] + rows).map { $0 + "\n" }.joined().write(toFile: "\(dir)/\(feed.rawValue).csv", atomically: true, encoding: .utf8)
    }

    func writeDecember() throws {
        let h1 = HouseholdID(key: R.hid).description, h2 = HouseholdID(key: R.hid + 1).description
        let p1 = h1Head.person.description, s1 = h1Spouse.person.description, p2 = h2Head.person.description
        // household_id, household_id, month, wages, business_net, property_net, transfer_net
        // H1: 500.00 + 200.00 + 50.00 + 50.00 = 800.00 in December → projected 800.00 × 12 / 1 = 9600.00
        try write("2021-12", .income, ["\(h1),\(h1),2021-12,500.00,200.00,50.00,50.00"])
        // settlement_id kind reverses person_id name visit_type hospital admitted discharged settled total fund critical assistance oop
        // H1: 3000.00, and a reversal of an earlier settlement −1000.00 counted as it is → 2000.00
        try write(
            "2021-12", .medical,
            [
                "\(h1),JS1,正常,,\(p1),陈大明,住院,县医院,2021-12-01,2021-12-05,2021-12-05,9000.00,5000.00,500.00,500.00,3000.00",
                "\(h1),JS0R,冲销,JS0,\(s1),王秀英,普通门诊,县医院,,,2021-12-20,-1500.00,-500.00,0.00,0.00,-1000.00",
            ])
        // event_id hazard event_name occurred person_id name town village house_damage crop_area_mu direct_loss
        // H1: 一般损坏 (does not count as destroyed), loss 100.00; H2: 严重损坏, loss 0.00
        try write(
            "2021-12", .disaster,
            [
                "\(h1),ZH1,台风,台风一号,2021-12-03,\(p1),陈大明,下洋镇,港沟村,一般损坏,0,100.00",
                "\(h2),ZH1,台风,台风一号,2021-12-03,\(p2),林海,锦和镇,锦和村,严重损坏,1.5,0.00",
            ])
        // person_id name category grade issued change: only 新办 counts
        try write(
            "2021-12", .disability,
            [
                "\(h1),\(p1),陈大明,肢体,三级,2021-12-08,新办",
                "\(h1),\(p1),陈大明,肢体,一级,2021-12-09,换领",
                "\(h2),\(p2),林海,视力,一级,2021-12-10,注销",
            ])
        // person_id name aid_type change persons amount date
        try write(
            "2021-12", .civil,
            [
                "\(h1),\(p1),陈大明,临时救助,新增,1,2000.00,2021-12-11",
                "\(h1),\(p1),陈大明,低保,续发,2,600.00,2021-12-12",
                "\(h2),\(p2),林海,低保,停发,1,600.00,2021-12-13",
                "\(h2),\(p2),林海,特困供养,停发,1,800.00,2021-12-14",
                "\(h2),\(p2),林海,低保,新增,1,600.00,2021-12-15",
                "\(h2),\(p2),林海,临时救助,停发,1,0.00,2021-12-16",
                "\(h2),\(p2),林海,残疾人两项补贴,新增,1,100.00,2021-12-17",
            ])
        // household_id person_id channel date risk reported_by note
        try write("2021-12", .application, ["\(h2),\(h2),,干部排查,2021-12-20,因病、因学,李村干,"])
    }

    /// Detect keeps the settlements for evidence only of the households 因病 fires for: household 1's
    /// 2,000.00 out of pocket (prev income 30,000.00) reaches neither 0.5 × its income nor its type's bar
    /// (5,000.00 or 10,000.00), so its two settlements go; with the bars at 2,000.00 it fires and they stay;
    /// its out-of-pocket total is the same either way.
    func testEvidenceIsKeptOnlyWhereIllnessFires() throws {
        try writeDecember()
        var parts = try R.detector("2021-12", root: root).figureParts(roster: roster)
        R.detector("2021-12", root: root).keepIllnessEvidenceOnly(&parts, roster: roster)
        var figs = FeedFigures.Merged(parts, households: roster.households.count)
        XCTAssertEqual(figs.settlements(0).map(\.id), [])
        XCTAssertEqual(figs[0].medicalOOP, R.y("2000.00"))
        var rules = R.rules
        rules.illnessBarGeneral = R.y("2000.00")
        rules.illnessBarFragile = R.y("2000.00")
        let lower = Detector(layout: StateLayout(root: root), period: R.period("2021-12"), line: R.line, rules: rules)
        parts = try lower.figureParts(roster: roster)
        lower.keepIllnessEvidenceOnly(&parts, roster: roster)
        figs = FeedFigures.Merged(parts, households: roster.households.count)
        XCTAssertEqual(figs.settlements(0).map(\.id), ["JS1", "JS0R"])
        XCTAssertEqual(figs[0].medicalOOP, R.y("2000.00"))
        // the total the test of 因病 reads alone is the merged figures' (3,000.00 − 1,000.00; none for the others)
        XCTAssertEqual(figs.medicalOutOfPocket(0), R.y("2000.00"))
        for h in 0..<roster.households.count { XCTAssertEqual(figs.medicalOutOfPocket(h), figs[h].medicalOOP) }
        XCTAssertEqual(figs.medicalOutOfPocket(2), .zero)
    }

    func testFiguresFromLinkedRecords() throws {
        try writeDecember()
        let figs = try R.detector("2021-12", root: root).figures(roster: roster)
        XCTAssertEqual(figs.count, 3)
        let f1 = figs[0], f2 = figs[1], f3 = figs[2]
        XCTAssertEqual(f1.incomeObserved, R.y("800.00"))
        XCTAssertEqual(f1.monthsWithIncome, 1)
        XCTAssertTrue(R.equals(f1.incomeProjected(prevIncome: R.y("30000.00")), fen: 960_000))  // 800.00 × 12
        XCTAssertEqual(f1.medicalOOP, R.y("2000.00"))  // 3000.00 + (−1000.00)
        XCTAssertEqual(f1.disasterLoss, R.y("100.00"))
        XCTAssertEqual(f1.rigid, R.y("2100.00"))
        XCTAssertFalse(f1.houseDestroyed, "一般损坏 is not 倒塌/严重损坏")
        XCTAssertEqual(f1.newDisabilities.map(\.grade), ["三级"], "换领 does not count")
        XCTAssertEqual(f1.aidChanges.count, 1, "临时救助 新增 counts, 低保 续发 does not: \(f1.aidChanges)")
        XCTAssertEqual(figs.settlements(0).map(\.id), ["JS1", "JS0R"])
        XCTAssertEqual(figs.disasters(0).map(\.damage), ["一般损坏"])
        XCTAssertTrue(figs.settlements(2).isEmpty && figs.disasters(2).isEmpty, "household 3 has no record for evidence")

        XCTAssertEqual(f2.monthsWithIncome, 0)
        XCTAssertTrue(f2.houseDestroyed)
        XCTAssertTrue(f2.newDisabilities.isEmpty, "注销 does not count")
        XCTAssertEqual(f2.aidChanges.count, 2, "低保 停发 and 特困供养 停发: \(f2.aidChanges)")
        XCTAssertEqual(f2.declarations.map(\.risks), [["因病", "因学"]])
        XCTAssertEqual(f2.declarations.map(\.channel), ["干部排查"])

        XCTAssertEqual(f3.monthsWithIncome, 0)
        XCTAssertTrue(f3.aidChanges.isEmpty && f3.declarations.isEmpty && f3.newDisabilities.isEmpty)
    }

    func testRunInDecember() throws {
        try writeDecember()
        let states = [HouseholdID(key: R.hid).description: "监测中", HouseholdID(key: R.hid + 1).description: "风险已消除"]
        let (alerts, report) = try R.detector("2021-12", root: root).run(roster: roster, caseStates: states)
        XCTAssertEqual(report.period_from, "2021-12")
        XCTAssertEqual(report.period_to, "2021-12")
        XCTAssertEqual(report.period_months, 1)
        XCTAssertEqual(report.monitoring_year, 2022)
        XCTAssertEqual(report.towns, ["下洋镇", "锦和镇"])
        XCTAssertEqual(alerts.count, 2, "H3 has no trigger and is not below")

        // H1: projected 9600.00, rigid 2100.00, size 2 → npc = 7500.00 / 2 = 3750.00 < 9600 → below.
        // Triggers: illness? 2000.00 < 0.5 × 30000.00 and < 5000.00 → no. disaster? 100.00, 一般损坏 → no.
        // income_drop: 9600.00 ≤ 0.7 × 30000.00 = 21000.00 → yes. disability (陈大明, 41, 三级 → partial) → yes.
        // aid_change (临时救助 新增) → yes. → red; 监测中 → 在监测.
        let a1 = try XCTUnwrap(alerts.first { $0.household_id == "4408250100080000" })
        XCTAssertEqual(a1.triggers, ["aid_change", "disability", "income_drop"])
        XCTAssertEqual(a1.level, .red)
        XCTAssertEqual(a1.category, "在监测")
        XCTAssertEqual(a1.income_projected, "9600.00")
        XCTAssertEqual(a1.rigid, "2100.00")
        XCTAssertEqual(a1.net_per_capita, "3750.00")
        XCTAssertEqual(a1.notes, [], "1 of 1 month declared, prev > 0, triggers fired")
        // income_drop 8 + disability 16 + aid_change 32 = 56 = 0x38, monitoring year 2022
        XCTAssertEqual(a1.alert_id, "YJ2022-4408250100080000-38")
        XCTAssertEqual(a1.evidence.first { $0.trigger == "disability" }?.record, "partial")
        // suggestions: income_drop with a 普通劳动力 member → 就业帮扶, 产业帮扶 (row 1); disability of the only main
        // labour → 综合保障 (残疾人补贴), no second 就业帮扶 needed (already there from row 1).
        XCTAssertEqual(a1.suggested, ["就业帮扶", "产业帮扶", "综合保障（残疾人补贴）"])

        // H2: no income declared → projected = prev = 40000.00; rigid 0; size 1 → npc 40000.00: not near.
        // disaster (严重损坏), aid_change (2 changes), declared → yellow lifted to orange by the declaration.
        // Ambiguity (RULES.md §5 vs §7): the case is 风险已消除 — "a mark on a monitored household, never an exit" —
        // so the careful reading lists it as 在监测, not as a new proposal.
        let a2 = try XCTUnwrap(alerts.first { $0.household_id == "4408250100080001" })
        XCTAssertEqual(a2.triggers, ["aid_change", "declared", "disaster"])
        XCTAssertEqual(a2.level, .orange)
        XCTAssertEqual(a2.category, "在监测")
        XCTAssertEqual(a2.income_projected, "40000.00")
        XCTAssertEqual(a2.notes, ["本期无收入申报"])
        XCTAssertEqual(a2.risk_types, ["因灾", "救助变动", "因病", "因学"])
        // disaster 2 + aid_change 32 + declared 64 = 98 = 0x62
        XCTAssertEqual(a2.alert_id, "YJ2022-4408250100080001-62")
        // disaster → 综合保障 (临时救助、灾害救助), 其他帮扶; declared 因病 → 综合保障 (健康帮扶、医疗救助); 因学 → 其他帮扶
        XCTAssertEqual(a2.suggested, ["综合保障（临时救助、灾害救助、健康帮扶、医疗救助）", "其他帮扶"])

        // alerts.jsonl holds the same alerts, towns in order
        let back = try Detector.readAlerts(StateLayout(root: root).workDir(R.month("2021-12")) + "/alerts.jsonl")
        XCTAssertEqual(back, alerts)
        XCTAssertEqual(back.map(\.town), ["下洋镇", "锦和镇"])
    }

    func testNoLinkFails() {
        XCTAssertThrowsError(try R.detector("2021-05", root: root).figures(roster: roster))
    }
}

/// alerts.jsonl is written by hand: it must be the document JSONEncoder would write, and decode back.
final class AlertJSONTests: XCTestCase {
    func testHandWrittenLinesEqualJSONEncoderOutput() throws {
        let a = Alert(
            alert_id: "YJ2021-4408250100080000-41", household_id: "4408250100080000", town: "下洋镇", village: "港沟村",
            level: .red, category: "边缘易致贫户", triggers: ["declared", "illness"], prev_income: "0.00",
            income_projected: "-12.50", rigid: "1.00", net_per_capita: "-4.50", line: "9600.00",
            evidence: [
                Evidence(
                    trigger: "illness", source: "medical", record: "JS\"1\\", date: "2021-05-01", amount: "1.00",
                    text: "line\nbreak\ttab \u{01} 中文 / slash"),
                Evidence(trigger: "declared", source: "application", record: nil, date: nil, amount: nil, text: "x"),
            ],
            notes: ["上年收入为零"], suggested: ["综合保障（健康帮扶、医疗救助）"], month: "2021-05",
            household_type: "一般农户", size: 3, head_name: "罗文", head_id_masked: "440825********9116",
            risk_types: ["因病"], channels: ["申报", "部门预警"], months_with_income: 0, period_months: 6,
            npc_numerator: -1350, npc_denominator: 300)
        var mine: [UInt8] = []
        AlertJSON.line(&mine, a)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let reference = try enc.encode(a)
        XCTAssertEqual(try JSONDecoder().decode(Alert.self, from: Data(mine.dropLast())), a)
        let o1 = try JSONSerialization.jsonObject(with: Data(mine.dropLast())) as! NSDictionary
        let o2 = try JSONSerialization.jsonObject(with: reference) as! NSDictionary
        XCTAssertEqual(o1, o2)
        XCTAssertEqual(mine.last, 0x0A)
    }

    /// One string value's bytes, worked out by hand: copied whole when nothing needs escaping, else escaped
    /// from the first character that does (quote, backslash, controls as JSONEncoder writes them).
    func testStringValuesAreEscapedByteForByte() {
        let cases: [(String, String)] = [
            ("", #""""#), ("王大明", #""王大明""#), ("a/b", #""a/b""#), ("中\"文", #""中\"文""#),
            ("\\", #""\\""#), ("前\n后\r\t", #""前\n后\r\t""#), ("\u{01}x\u{1F}", #""\u0001x\u001f""#),
            ("末尾\"", #""末尾\"""#),
        ]
        for (value, expected) in cases {
            var out: [UInt8] = [0x7B]
            AlertJSON.string(&out, value)
            XCTAssertEqual(String(decoding: out.dropFirst(), as: UTF8.self), expected, value.debugDescription)
            XCTAssertEqual(out.first, 0x7B)
        }
    }
}

extension AlertJSONTests {
    /// The word-at-a-time scan finds the first byte to escape wherever it lies: in a word, at a word's edge,
    /// in the bytes after the last word; bytes 0x20 and above (0x7F, UTF-8's 0x80–0xFF) are never escaped.
    func testEscapesAreFoundAtEveryPosition() {
        for n in 0...20 {
            for at in 0..<max(n, 1) where n > 0 {
                for special: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x1F, 0x22, 0x5C] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: n)
                    bytes[at] = special
                    bytes.withUnsafeBufferPointer { XCTAssertEqual(AlertJSON.firstToEscape($0), at, "\(n) \(at) \(special)") }
                }
            }
            for plain: UInt8 in [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xE4, 0xFF] {
                let bytes = [UInt8](repeating: plain, count: n)
                bytes.withUnsafeBufferPointer { XCTAssertEqual(AlertJSON.firstToEscape($0), n, "\(n) \(plain)") }
            }
        }
        // 中 is E4 B8 AD: no byte of it is escaped, the quote after it is
        let text = Array("中文中文中\"".utf8)
        text.withUnsafeBufferPointer { XCTAssertEqual(AlertJSON.firstToEscape($0), 15) }
    }

    /// Whole numbers as `String(v)` spells them.
    func testNumbersAreWrittenAsStringSpellsThem() {
        for v in [0, 1, 9, 10, 99, 100, -1, -10, -1350, 300, 123_456_789, Int.max, Int.min + 1] {
            var out: [UInt8] = []
            AlertJSON.int(&out, v)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(v))
        }
    }
}

/// RULES.md §8: each town's list by level (red, orange, yellow), then net income per capita ascending,
/// then household id; towns in the order of their names.
final class ListOrderTests: XCTestCase {
    /// The in-place reordering behind the list order, against building the reordered array.
    func testPermuteMovesEachElementWhereTheOrderSays() {
        for n in [0, 1, 2, 7, 1000] {
            let order = Array(0..<n).shuffled()
            var a = (0..<n).map { "元素\($0)" }
            let expected = order.map { a[$0] }
            Detector.permute(&a, by: order)
            XCTAssertEqual(a, expected, "n = \(n)")
        }
        var b = ["c", "a", "b"]
        Detector.permute(&b, by: [1, 2, 0])  // worked by hand: positions get elements 1, 2, 0
        XCTAssertEqual(b, ["a", "b", "c"])
    }

    func alert(_ town: String, _ household: String, _ level: Level, npc: (Int64, Int64)) -> Alert {
        Alert(
            alert_id: "YJ2021-\(household)-01", household_id: household, town: town, village: "村", level: level,
            category: "一般农户", triggers: [], prev_income: "0.00", income_projected: "0.00", rigid: "0.00",
            net_per_capita: "0.00", line: "6000.00", evidence: [], notes: [], suggested: [], month: "2021-05",
            household_type: "一般农户", size: 1, head_name: "", head_id_masked: "", risk_types: [], channels: [],
            months_with_income: 0, period_months: 6, npc_numerator: npc.0, npc_denominator: npc.1)
    }

    func testListsGoByTownLevelNetPerCapitaThenHousehold() {
        let given = [
            alert("下洋镇", "4408250010010005", .yellow, npc: (100, 1)),
            alert("下洋镇", "4408250010010004", .red, npc: (700_000, 1)),
            alert("下洋镇", "4408250010010003", .orange, npc: (1_000, 3)),  // 333.33… fen
            alert("下洋镇", "4408250010010002", .orange, npc: (333, 1)),  // 333 fen: below 1000/3
            alert("下洋镇", "4408250010010001", .orange, npc: (666, 2)),  // also 333 fen: tie, household id decides
            alert("上坪镇", "4408250020010009", .yellow, npc: (-5, 1)),
            alert("下洋镇", "4408250010010006", .red, npc: (-1, 1)),
        ]
        var listed = given
        Detector.list(&listed, towns: ["下洋镇", "上坪镇", "中村镇"])
        XCTAssertEqual(
            listed.map(\.household_id),
            [
                "4408250020010009",  // 上坪镇 (U+4E0A) before 下洋镇 (U+4E0B)
                "4408250010010006", "4408250010010004",  // red: −1 fen before 7000 yuan
                "4408250010010001", "4408250010010002", "4408250010010003",  // orange: 333, 333 (by id), 333.33…
                "4408250010010005",  // yellow
            ])
    }
}
