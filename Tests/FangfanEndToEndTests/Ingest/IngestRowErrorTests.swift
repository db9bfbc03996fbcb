import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// FEEDS.md "A bad row": one quarantine line per row (file, line or record, field, raw value, reason code,
/// message), the first failing field in the feed's field order; the rest of the file is accepted.
extension IngestTests {
    typealias T = IngestTests

    // MARK: - roster: values

    func testRosterValueErrors() throws {
        let f = "roster/花名册_错误.csv"
        let ok = T.id(born: "19870315", seq: 123)
        let short = String(T.id(born: "19650203", seq: 441).prefix(17))
        let badCheck = T.badCheck(T.id(born: "19700101", seq: 12))
        let month13 = T.id("44082519901332123")
        let future = T.id(born: "20210603", seq: 1)  // born the day after the run
        let before1900 = T.id(born: "18991231", seq: 1)
        let letterCheck = String(T.id(born: "19800101", seq: 5).prefix(17)) + "A"
        try put(
            f,
            [
                T.rosterHeader,
                T.rosterRow(T.hh(1), ok, "陈大明"),  // 2 accepted
                T.rosterRow(T.hh(2), "4.40825E+17", "林海"),  // 3
                T.rosterRow(T.hh(3), short, "王五"),  // 4
                T.rosterRow(T.hh(4), badCheck, "赵六"),  // 5
                T.rosterRow(T.hh(5), month13, "钱七"),  // 6
                T.rosterRow(T.hh(6), future, "孙八"),  // 7
                T.rosterRow(T.hh(7), before1900, "周九"),  // 8
                T.rosterRow("4.40825101002014E+15", T.id(born: "19810101", seq: 9), "吴十"),  // 9
                T.rosterRow("440825101001010", T.id(born: "19810101", seq: 10), "郑一"),  // 10
                T.rosterRow(T.hh(11), T.id(born: "19810101", seq: 11), "王二", type: "贫困户"),  // 11
                T.rosterRow(T.hh(12), T.id(born: "19810101", seq: 12), "冯三", labour: "半劳力"),  // 12
                T.rosterRow(T.hh(13), T.id(born: "19810101", seq: 13), "陈四", prev: "12.345"),  // 13
                T.rosterRow(T.hh(14), T.id(born: "19810101", seq: 14), "褚五", prev: "-100.00"),  // 14
                T.rosterRow(T.hh(15), T.id(born: "19810101", seq: 15), "卫六", prev: "1.2.3"),  // 15
                T.rosterRow(T.hh(16), T.id(born: "19810101", seq: 16), "蒋七", prev: "一万"),  // 16
                T.rosterRow(T.hh(17), T.id(born: "19810101", seq: 17), ""),  // 17
                T.rosterRow(T.hh(18), T.id(born: "19810101", seq: 18), "沈八", prev: ""),  // 18
                T.rosterRow(T.hh(19), T.id(born: "19810101", seq: 19), "韩九", "表亲"),  // 19
                T.rosterRow(T.hh(20), letterCheck, "杨十"),  // 20
                T.rosterRow(T.hh(21), T.id(born: "19810101", seq: 21), "朱一", town: ""),  // 21
                T.rosterRow(T.hh(22), T.id(born: "19810101", seq: 22), "\u{3000} "),  // 22 full-width space only
            ])
        try ingest()
        XCTAssertEqual(try counts(f), [21, 1, 20, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "3", "身份证号", "4.40825E+17", "id_scientific_notation"],
                [f, "4", "身份证号", short, "id_length"],
                [f, "5", "身份证号", badCheck, "id_check_char"],
                [f, "6", "身份证号", month13, "id_birth_date"],
                [f, "7", "身份证号", future, "id_birth_date"],
                [f, "8", "身份证号", before1900, "id_birth_date"],
                [f, "9", "户编号", "4.40825101002014E+15", "household_id"],
                [f, "10", "户编号", "440825101001010", "household_id"],
                [f, "11", "户类型", "贫困户", "bad_enum"],
                [f, "12", "劳动技能", "半劳力", "bad_enum"],
                [f, "13", "上年家庭纯收入", "12.345", "bad_amount"],
                [f, "14", "上年家庭纯收入", "-100.00", "bad_amount"],
                [f, "15", "上年家庭纯收入", "1.2.3", "bad_amount"],
                [f, "16", "上年家庭纯收入", "一万", "bad_amount"],
                [f, "17", "姓名", "", "missing_required"],
                [f, "18", "上年家庭纯收入", "", "missing_required"],
                [f, "19", "与户主关系", "表亲", "bad_enum"],
                [f, "20", "身份证号", letterCheck, "id_check_char"],
                [f, "21", "乡镇", "", "missing_required"],
                [f, "22", "姓名", "\u{3000} ", "missing_required"],
            ])
        let messages = try quarantineWithMessages(f).map { $0[5] }
        // the scientific-notation message says what happened and what to do
        XCTAssertTrue(messages[0].contains("科学计数法") && messages[0].contains("文本") && messages[0].contains("重新导出"), messages[0])
        XCTAssertTrue(messages[6].contains("科学计数法"), messages[6])
        for m in messages { XCTAssertFalse(m.isEmpty) }
        XCTAssertEqual(try staged(f), [[T.hh(1), "锦和镇", "锦和村", "一般农户", ok, "陈大明", "户主", "普通劳动力", "12000.00"]])
    }

    /// The accepted spellings of FEEDS.md are normalised before the roster's household checks compare them.
    func testRosterAcceptedSpellingsAreNormalised() throws {
        let f = "roster/花名册.csv"
        let legacy = "440825870315123"  // 15-digit: 19 inserted, check char computed
        let legacy18 = T.id("44082519870315123")
        let withX = (1...999).lazy.map { T.id(born: "19880808", seq: $0) }.first { $0.hasSuffix("X") }!
        let child = T.id(born: "20100101", seq: 77)
        let fullWidth = String(
            child.unicodeScalars.map { s -> Character in
                s.value >= 0x30 && s.value <= 0x39 ? Character(Unicode.Scalar(s.value + 0xFEE0)!) : Character(s)
            })
        try put(
            f,
            [
                T.rosterHeader,
                T.rosterRow(" \(T.hh(1)) ", legacy, "陈大明", prev: "\"¥12,000.50\""),
                T.rosterRow(T.hh(1), withX.lowercased(), " 林秀 ", "配偶", town: "　锦和镇", prev: "12000.5元"),
                T.rosterRow(T.hh(1), "  \(fullWidth)\u{3000}", "陈小明", "之子", labour: "无劳动力", prev: "￥12000.50"),
                // text is NFC: a combining accent composes, a CJK compatibility ideograph becomes its unified one
                T.rosterRow(T.hh(1), T.id(born: "19400101", seq: 1), "\u{F900}Zoe\u{301}", "之父", labour: "无劳动力", prev: "12000.50"),
            ])
        try ingest()
        let why = try quarantineWithMessages(f)
        XCTAssertEqual(try counts(f), [4, 4, 0, 0], "\(why)")
        XCTAssertEqual(
            try staged(f),
            [
                [T.hh(1), "锦和镇", "锦和村", "一般农户", legacy18, "陈大明", "户主", "普通劳动力", "12000.50"],
                [T.hh(1), "锦和镇", "锦和村", "一般农户", withX, "林秀", "配偶", "普通劳动力", "12000.50"],
                [T.hh(1), "锦和镇", "锦和村", "一般农户", child, "陈小明", "之子", "无劳动力", "12000.50"],
                [T.hh(1), "锦和镇", "锦和村", "一般农户", T.id(born: "19400101", seq: 1), "\u{8C48}Zo\u{E9}", "之父", "无劳动力", "12000.50"],
            ])
    }

    /// "One quarantine line per row: the first failing field in the feed's field order" — the feed's order,
    /// not the file's column order.
    func testOneLinePerRowFirstFailingFieldInFeedOrder() throws {
        let f = "roster/花名册_列序.csv"
        let badID = T.badCheck(T.id(born: "19700101", seq: 1))
        // columns reordered: 身份证号 comes before 户类型 in the file, after it in the feed
        try put(
            f,
            [
                "身份证号,姓名,户编号,乡镇,行政村,户类型,与户主关系,劳动技能,上年家庭纯收入",
                "\(badID),陈大明,\(T.hh(1)),锦和镇,锦和村,贫困户,户主,普通劳动力,-5",
                "\(badID),林海,\(T.hh(2)),锦和镇,锦和村,一般农户,户主,普通劳动力,-5",
            ])
        try ingest()
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "2", "户类型", "贫困户", "bad_enum"],
                [f, "3", "身份证号", badID, "id_check_char"],
            ])
        XCTAssertEqual(try counts(f), [2, 0, 2, 0])
    }

    /// Every required field of every feed, blank: `missing_required`, under the field's header.
    func testEveryRequiredFieldOfEveryFeedWhenBlank() throws {
        let p = T.id(born: "19870315", seq: 123)
        let valid: [FeedKind: [String: String]] = [
            .roster: [
                "household_id": T.hh(1), "town": "锦和镇", "village": "锦和村", "household_type": "脱贫户", "person_id": p,
                "name": "陈大明", "relation": "户主", "labour": "普通劳动力", "prev_income": "9000",
            ],
            .income: [
                "household_id": T.hh(1), "month": "2021-05", "wages": "1", "business_net": "2", "property_net": "3",
                "transfer_net": "4",
            ],
            .medical: [
                "settlement_id": "JS1", "kind": "正常", "reverses": "", "person_id": p, "name": "陈大明", "visit_type": "住院",
                "hospital": "医院", "admitted": "2021-05-01", "discharged": "2021-05-02", "settled": "2021-05-02",
                "total": "10", "fund_paid": "5", "critical_paid": "2", "assistance_paid": "1", "out_of_pocket": "2",
            ],
            .civil: [
                "person_id": p, "name": "陈大明", "aid_type": "低保", "change": "新增", "persons": "2", "amount": "300",
                "date": "2021-05-01",
            ],
            .disaster: [
                "event_id": "ZH1", "hazard": "台风", "event_name": "台风", "occurred": "2021-05-01", "person_id": p,
                "name": "陈大明", "town": "锦和镇", "village": "锦和村", "house_damage": "无", "crop_area_mu": "1",
                "direct_loss": "100",
            ],
            .disability: ["person_id": p, "name": "陈大明", "category": "肢体", "grade": "一级", "issued": "2021-05-01", "change": "新办"],
            .application: [
                "household_id": T.hh(1), "person_id": p, "channel": "干部排查", "date": "2021-05-01", "risk": "因病",
                "reported_by": "李干部", "note": "",
            ],
            .verification: [
                "alert_id": "R1", "household_id": T.hh(1), "finding": "确认纳入", "verified_by": "林海",
                "verified_on": "2021-06-01", "measures": "就业帮扶", "note": "",
            ],
            .review: ["review_id": "FH0123456789", "decision": "确认", "reviewed_by": "张科员", "reviewed_on": "2021-06-10"],
            .education: ["person_id": p, "name": "陈小明", "school": "锦和镇中心小学", "status": "辍学", "date": "2021-05-01"],
            .housing: ["person_id": p, "name": "陈大明", "rating": "D级", "rated_on": "2021-05-01", "renovation": "未改造"],
            .water: ["person_id": p, "name": "陈大明", "problem": "水质不达标", "status": "未解决", "date": "2021-05-01"],
        ]
        var expected: [String: [[String]]] = [:]
        for kind in FeedKind.allCases {
            let feed = config.feed(kind)
            let fields = kind.schema.fields
            let f = "\(kind.rawValue)/必填.csv"
            var lines = [fields.map { feed.header($0.name) }.joined(separator: ",")]
            lines.append(fields.map { valid[kind]![$0.name]! }.joined(separator: ","))
            var q: [[String]] = []
            if kind == .review {
                // a row without a decision is skipped: neither read nor bad (FEEDS.md, feed review)
                var v = valid[kind]!
                v["decision"] = ""
                lines.append(fields.map { v[$0.name]! }.joined(separator: ","))
            }
            for (i, spec) in fields.enumerated() where spec.required && !(kind == .review && spec.name == "decision") {
                var v = valid[kind]!
                v[spec.name] = ""
                if kind == .roster { v["household_id"] = spec.name == "household_id" ? "" : T.hh(10 + i) }
                lines.append(fields.map { v[$0.name]! }.joined(separator: ","))
                q.append([f, "\(lines.count)", feed.header(spec.name), "", "missing_required"])
            }
            XCTAssertFalse(q.isEmpty, "\(kind) has required fields")
            try put(f, lines)
            expected[f] = q
        }
        try ingest()
        for (f, q) in expected {
            XCTAssertEqual(try quarantine(f), q, f)
            XCTAssertEqual(try counts(f), [q.count + 1, 1, q.count, 0], f)
        }
    }

    // MARK: - roster: conflicts

    func testRosterConflictsQuarantineEveryRowOfEveryHouseholdInvolved() throws {
        let f = "roster/花名册_冲突.csv"
        func p(_ n: Int) -> String { T.id(born: "19700101", seq: n) }
        let shared = (1...999).lazy.map { T.id(born: "19660606", seq: $0) }.first { $0.hasSuffix("X") }!
        try put(
            f,
            [
                T.rosterHeader,
                T.rosterRow(T.hh(1), p(1), "甲", town: "锦和镇"),  // 2  household fields disagree
                T.rosterRow(T.hh(1), p(2), "乙", "配偶", town: "前山镇"),  // 3
                T.rosterRow(T.hh(2), p(3), "丙", "配偶"),  // 4  no 户主
                T.rosterRow(T.hh(2), p(4), "丁", "之子"),  // 5
                T.rosterRow(T.hh(3), p(5), "戊"),  // 6  two 户主
                T.rosterRow(T.hh(3), p(6), "己"),  // 7
                T.rosterRow(T.hh(4), p(7), "庚"),  // 8  a person in two households
                T.rosterRow(T.hh(4), shared, "辛", "之子"),  // 9
                T.rosterRow(T.hh(5), p(8), "壬"),  // 10
                T.rosterRow(T.hh(5), shared.lowercased(), "辛", "之女"),  // 11
                T.rosterRow(T.hh(6), p(9), "癸"),  // 12 fine
                T.rosterRow(T.hh(6), p(10), "子", "配偶"),  // 13 fine
                T.rosterRow(T.hh(7), p(11), "丑", prev: "800"),  // 14 household field 上年家庭纯收入 disagrees
                T.rosterRow(T.hh(7), p(12), "寅", "配偶", prev: "800.01"),  // 15
            ])
        try ingest()
        XCTAssertEqual(try counts(f), [14, 2, 12, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "2", "乡镇", "锦和镇", "roster_conflict"],
                [f, "3", "乡镇", "前山镇", "roster_conflict"],
                [f, "4", "与户主关系", "配偶", "roster_conflict"],
                [f, "5", "与户主关系", "之子", "roster_conflict"],
                [f, "6", "与户主关系", "户主", "roster_conflict"],
                [f, "7", "与户主关系", "户主", "roster_conflict"],
                [f, "8", "身份证号", p(7), "roster_conflict"],
                [f, "9", "身份证号", shared, "roster_conflict"],
                [f, "10", "身份证号", p(8), "roster_conflict"],
                [f, "11", "身份证号", shared.lowercased(), "roster_conflict"],  // the raw value, as sent
                [f, "14", "上年家庭纯收入", "800", "roster_conflict"],
                [f, "15", "上年家庭纯收入", "800.01", "roster_conflict"],
            ])
        let m = Dictionary(uniqueKeysWithValues: try quarantineWithMessages(f).map { (Int($0[1])!, $0[5]) })
        func names(_ line: Int, _ others: [Int], _ not: [Int] = []) {
            for o in others { XCTAssertTrue(m[line]!.contains("第 \(o) 行"), "line \(line) names line \(o): \(m[line]!)") }
            for o in not + [line] { XCTAssertFalse(m[line]!.contains("第 \(o) 行"), "line \(line) does not name line \(o): \(m[line]!)") }
        }
        names(2, [3]); names(3, [2])
        names(4, [5]); names(5, [4])
        names(6, [7]); names(7, [6])
        names(8, [9, 11]); names(9, [8, 11]); names(10, [11, 9]); names(11, [10, 9])
        names(14, [15], [2, 3])
        XCTAssertTrue(m[2]!.contains("乡镇"), m[2]!)
        XCTAssertTrue(m[4]!.contains("没有户主"), m[4]!)
        XCTAssertTrue(m[6]!.contains("2 个户主"), m[6]!)
        XCTAssertTrue(m[8]!.contains("身份证号"), m[8]!)
        XCTAssertEqual(try staged(f).map { $0[5] }, ["癸", "子"])
    }

    /// A household whose 户主 row is bad for its own reason has no 户主 left: its other rows are a conflict.
    func testRosterHouseholdLosingItsHeadToABadValueIsAConflict() throws {
        let f = "roster/花名册.csv"
        try put(
            f,
            [
                T.rosterHeader,
                T.rosterRow(T.hh(1), "4.40825E+17", "甲"),
                T.rosterRow(T.hh(1), T.id(born: "19700101", seq: 2), "乙", "配偶"),
            ])
        try ingest()
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "2", "身份证号", "4.40825E+17", "id_scientific_notation"],
                [f, "3", "与户主关系", "配偶", "roster_conflict"],
            ])
    }

    // MARK: - income

    func testIncomeRowErrors() throws {
        let f = "income/收入申报.csv"
        let h = T.hh(1)
        try put(
            f,
            [
                T.incomeHeader,
                "\(h),2021-05,1000.00,200.00,0.00,100.00",  // 2 accepted
                "\(h),2021-13,1000.00,200.00,0.00,100.00",  // 3
                "\(h),21-05,1000.00,200.00,0.00,100.00",  // 4
                "\(h),2021年13月,1000.00,200.00,0.00,100.00",  // 5
                "\(h),2021-04,-100.00,200.00,0.00,100.00",  // 6 wages ≥ 0
                "\(h),2021-03,1000.005,200.00,0.00,100.00",  // 7 three decimals
                "\(h),2021-02,1.000.00,200.00,0.00,100.00",  // 8 several points
                "\(h),2021-01,abc,200.00,0.00,100.00",  // 9 non-numeric
                "\(h),2020-12,,,,",  // 10 all four blank
                "4.40825101001001E+15,2021-05,1,2,3,4",  // 11
                ",2021-05,1,2,3,4",  // 12
                "\(h),,1,2,3,4",  // 13
                "\(T.hh(2)),2021-05,0.00,-500.00,-1.50,-3000.00",  // 14 accepted: net components may be negative
                "\(T.hh(3)),202105,\"1,234.50\",¥100,￥2.5,100元",  // 15 accepted
                "\(T.hh(4)),2021年5月,,,,0",  // 16 accepted: one component given
                "\(T.hh(5)),2021/05,1,2,3,4,5",  // 17 more fields than the header
                "\(T.hh(5)),2021-5,1,2,3",  // 18 fewer
                "\(T.hh(6)),2021-5,１２３.４,2,3,4",  // 19 accepted: full-width digits
                "\(T.hh(7)),2021-05,12a.5,2,3,4",  // 20
            ])
        try ingest()
        XCTAssertEqual(try counts(f), [19, 5, 14, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "3", "年月", "2021-13", "bad_month"],
                [f, "4", "年月", "21-05", "bad_month"],
                [f, "5", "年月", "2021年13月", "bad_month"],
                [f, "6", "工资性收入", "-100.00", "bad_amount"],
                [f, "7", "工资性收入", "1000.005", "bad_amount"],
                [f, "8", "工资性收入", "1.000.00", "bad_amount"],
                [f, "9", "工资性收入", "abc", "bad_amount"],
                [f, "10", "工资性收入", "", "missing_required"],
                [f, "11", "户编号", "4.40825101001001E+15", "household_id"],
                [f, "12", "户编号", "", "missing_required"],
                [f, "13", "年月", "", "missing_required"],
                [f, "17", "(整行)", "\(T.hh(5)),2021/05,1,2,3,4,5", "field_count"],
                [f, "18", "(整行)", "\(T.hh(5)),2021-5,1,2,3", "field_count"],
                [f, "20", "工资性收入", "12a.5", "bad_amount"],
            ])
        let messages = try quarantineWithMessages(f).map { $0[5] }
        XCTAssertTrue(messages[3].contains("负"), messages[3])
        XCTAssertTrue(messages[4].contains("两位小数"), messages[4])
        XCTAssertTrue(messages[5].contains("多个小数点"), messages[5])
        XCTAssertTrue(messages[11].contains("7") && messages[11].contains("6"), messages[11])
        XCTAssertTrue(messages[12].contains("5") && messages[12].contains("6"), messages[12])
        XCTAssertEqual(
            try staged(f),
            [
                [h, "2021-05", "1000.00", "200.00", "0.00", "100.00"],
                [T.hh(2), "2021-05", "0.00", "-500.00", "-1.50", "-3000.00"],
                [T.hh(3), "2021-05", "1234.50", "100.00", "2.50", "100.00"],
                [T.hh(4), "2021-05", "0.00", "0.00", "0.00", "0.00"],
                [T.hh(6), "2021-05", "123.40", "2.00", "3.00", "4.00"],
            ])
    }

    /// Line numbers are physical lines: a quoted field with a line break inside moves the next rows down.
    func testLineNumbersCountLineBreaksInsideQuotes() throws {
        let f = "application/申报.csv"
        try put(
            f,
            [
                T.applicationHeader,
                "\(T.hh(1)),,农户申报,2021-05-10,因病,,\"第一行\n第二行，含逗号,\"",
                "\(T.hh(1)),,农户申报,2021-05-11,因穷,,",
            ])
        try ingest()
        XCTAssertEqual(try quarantine(f), [[f, "4", "风险类型", "因穷", "bad_enum"]])
        XCTAssertEqual(try staged(f).first?.last, "第一行\n第二行，含逗号,")
    }

    // MARK: - medical

    func testMedicalRowErrors() throws {
        let f = "medical/医保结算.csv"
        let p = T.id(born: "19870315", seq: 123)
        let amounts = ["1000.00", "600.00", "100.00", "0.00", "300.00"]
        try put(
            f,
            [
                T.medicalHeader,
                T.medicalRow("JS001", p),  // 2 accepted
                T.medicalRow("JS002", "4.40825E+17"),  // 3
                T.medicalRow("JS003", p, settled: "2021-02-30"),  // 4
                T.medicalRow("JS004", p, settled: "2021-5-"),  // 5
                T.medicalRow("JS005", p, visit: "急诊"),  // 6
                T.medicalRow("JS006", p, kind: "退费"),  // 7
                T.medicalRow("JS007", p, kind: "冲销"),  // 8 冲销 without 原结算流水号
                T.medicalRow("JS008", p, amounts: ["1000.00", "600.00", "100.00", "0.00", "300.01"]),  // 9 off by one fen
                T.medicalRow("", p),  // 10
                T.medicalRow("JS010", p, settled: ""),  // 11
                T.medicalRow("JS011", p, amounts: ["", "600.00", "100.00", "0.00", "300.00"]),  // 12
                T.medicalRow("JS012", p, amounts: ["1000.00", "600.00", "100.00", "0.00", ""]),  // 13
                T.medicalRow(
                    "JS013", p, kind: "冲销", reverses: "JS001",
                    amounts: ["-1000.00", "-600.00", "-100.00", "0.00", "-300.00"]),  // 14 accepted
                "JS014,正常,,\(p),陈大明,门诊慢特病,医院,2021/4/28,20210506,2021年5月6日,\(amounts.joined(separator: ","))",  // 15 accepted
                T.medicalRow("JS015", p, settled: "2021-05-06 14:22:05"),  // 16 accepted
                T.medicalRow("JS016", p, settled: "2021-05-06T14:22:05"),  // 17 accepted
                T.medicalRow("JS017", p, settled: "2021.5.6"),  // 18 accepted
                T.medicalRow("JS018", p, amounts: ["1000.00", "", "", "", "1000.00"]),  // 19 accepted: fund amounts blank = 0
                "JS019,正常,,\(p),陈大明,住院,医院,2021-13-01,,2021-05-06,\(amounts.joined(separator: ","))",  // 20 optional date, bad
                T.medicalRow("JS020", p, amounts: ["1000.001", "600.00", "100.00", "0.00", "300.00"]),  // 21
                T.medicalRow("JS021", p, settled: "2021-05-06 25:00"),  // 22
                T.medicalRow("JS022", p, settled: "2021年5月6"),  // 23
            ])
        try ingest()
        XCTAssertEqual(try counts(f), [22, 7, 15, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "3", "身份证号", "4.40825E+17", "id_scientific_notation"],
                [f, "4", "结算日期", "2021-02-30", "bad_date"],
                [f, "5", "结算日期", "2021-5-", "bad_date"],
                [f, "6", "就诊类型", "急诊", "bad_enum"],
                [f, "7", "结算类型", "退费", "bad_enum"],
                [f, "8", "原结算流水号", "", "missing_required"],
                [f, "9", "医疗总费用", "1000.00", "amounts_do_not_add_up"],
                [f, "10", "结算流水号", "", "missing_required"],
                [f, "11", "结算日期", "", "missing_required"],
                [f, "12", "医疗总费用", "", "missing_required"],
                [f, "13", "个人自付", "", "missing_required"],
                [f, "20", "入院日期", "2021-13-01", "bad_date"],
                [f, "21", "医疗总费用", "1000.001", "bad_amount"],
                [f, "22", "结算日期", "2021-05-06 25:00", "bad_date"],
                [f, "23", "结算日期", "2021年5月6", "bad_date"],
            ])
        let staged = try staged(f)
        XCTAssertEqual(staged.map { $0[0] }, ["JS001", "JS013", "JS014", "JS015", "JS016", "JS017", "JS018"])
        XCTAssertEqual(
            staged[1],
            [
                "JS013", "冲销", "JS001", p, "陈大明", "住院", "徐闻县人民医院", "", "", "2021-05-06",
                "-1000.00", "-600.00", "-100.00", "0.00", "-300.00",
            ])
        XCTAssertEqual(Array(staged[2][7...9]), ["2021-04-28", "2021-05-06", "2021-05-06"])
        XCTAssertEqual(Set(staged[3...5].map { $0[9] }), ["2021-05-06"])
        XCTAssertEqual(Array(staged[6][10...]), ["1000.00", "0.00", "0.00", "0.00", "1000.00"])
    }

    /// The cross-field requirements sit at their field's place in the feed order, like every other check.
    func testConditionallyRequiredFieldsComeInFieldOrder() throws {
        let ledger = try Ledger(path: root + "/ledger.sqlite")
        let fm = "medical/冲销.csv", fv = "verification/核查.csv", fa = "application/排查.csv"
        let p = T.id(born: "19870315", seq: 123)
        // 冲销 without 原结算流水号 (field 3) and a bad 结算日期 (field 10)
        try put(fm, [T.medicalHeader, T.medicalRow("JS001", p, kind: "冲销", settled: "2021-02-30")])
        // 确认纳入 without 核查人 (field 4) and a bad 核查日期 (field 5) and a bad 帮扶措施 (field 6)
        try put(fv, [T.verificationHeader, "R1,\(T.hh(1)),确认纳入,,2021-13-01,发钱,"])
        // 干部排查 without 填报人 (field 6) and a bad 风险类型 (field 5): 风险类型 comes first
        try put(fa, [T.applicationHeader, "\(T.hh(1)),,干部排查,2021-05-01,因穷,,"])
        try ingest(ledger)
        XCTAssertEqual(try quarantine(fm), [[fm, "2", "原结算流水号", "", "missing_required"]])
        XCTAssertEqual(try quarantine(fv), [[fv, "2", "核查人", "", "missing_required"]])
        XCTAssertEqual(try quarantine(fa), [[fa, "2", "风险类型", "因穷", "bad_enum"]])
    }

    func testMedicalXMLRowErrorsUseRecordNumbers() throws {
        let f = "medical/医保结算.xml"
        let p = T.id(born: "19870315", seq: 123)
        func jl(_ sid: String, kind: String = "1", settled: String = "2021-05-06", oop: String? = "300.00") -> String {
            "<JL><JSLSH>\(sid)</JSLSH><JSLX>\(kind)</JSLX><YJSLSH/><SFZH>\(p)</SFZH><XM>陈大明</XM><JZLX>住院</JZLX>"
                + "<YLJGMC>徐闻县人民医院</YLJGMC><RYRQ/><CYRQ/><JSRQ>\(settled)</JSRQ><YLZFY>1000.00</YLZFY>"
                + "<TCZF>600.00</TCZF><DBZF>100.00</DBZF><YLJZ>0</YLJZ>" + (oop.map { "<GRZF>\($0)</GRZF>" } ?? "") + "</JL>"
        }
        try put(
            f,
            [
                "<?xml version=\"1.0\" encoding=\"GB18030\"?>",
                "<YBJSSJ DCDW=\"湛江市医疗保障局\" DCSJ=\"2021-06-02 08:00:00\" JLS=\"5\">",
                jl("JS001"), jl("JS002", settled: "2021-02-30"), jl("JS003", kind: "3"), jl("JS004", oop: nil),
                jl("JS005", kind: "2"),
                "</YBJSSJ>",
            ], encoding: .gb18030)
        try ingest()
        XCTAssertEqual(try counts(f), [5, 1, 4, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "2", "JSRQ", "2021-02-30", "bad_date"],
                [f, "3", "JSLX", "3", "bad_enum"],
                [f, "4", "GRZF", "", "missing_required"],
                [f, "5", "YJSLSH", "", "missing_required"],
            ])
        XCTAssertEqual(try staged(f).first?.prefix(2), ["JS001", "正常"])
    }

    // MARK: - civil, disaster, disability, application

    func testCivilRowErrors() throws {
        let f = "civil/民政救助.csv"
        let p = T.id(born: "19580817", seq: 576)
        try put(
            f,
            [
                T.civilHeader,
                "\(p),张德平,低保,新增,3,500.00,2021-05-01",  // 2 accepted
                "\(p),张德平,低保,新增,0,500.00,2021-05-02",  // 3
                "\(p),张德平,低保,新增,abc,500.00,2021-05-03",  // 4
                "\(p),张德平,低保,新增,3,-1.00,2021-05-04",  // 5
                "\(p),张德平,五保,新增,3,500.00,2021-05-05",  // 6
                "\(p),张德平,低保,暂停,3,500.00,2021-05-06",  // 7
                "\(p),张德平,低保,新增,3,500.00,2021-13-01",  // 8
                "\(p),张德平,临时救助,新增,,,2021-05-08",  // 9 accepted: persons 1, amount 0
                ",张德平,低保,新增,3,500.00,2021-05-09",  // 10
                "\(p),张德平,低保,新增,2.5,500.00,2021-05-10",  // 11
                "\(p),张德平,,新增,3,500.00,2021-05-11",  // 12
            ])
        try ingest()
        XCTAssertEqual(try counts(f), [11, 2, 9, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "3", "保障人数", "0", "bad_number"],
                [f, "4", "保障人数", "abc", "bad_number"],
                [f, "5", "金额", "-1.00", "bad_amount"],
                [f, "6", "救助类型", "五保", "bad_enum"],
                [f, "7", "变动类型", "暂停", "bad_enum"],
                [f, "8", "审批日期", "2021-13-01", "bad_date"],
                [f, "10", "身份证号", "", "missing_required"],
                [f, "11", "保障人数", "2.5", "bad_number"],
                [f, "12", "救助类型", "", "missing_required"],
            ])
        XCTAssertEqual(
            try staged(f),
            [
                [p, "张德平", "低保", "新增", "3", "500.00", "2021-05-01"],
                [p, "张德平", "临时救助", "新增", "1", "0.00", "2021-05-08"],
            ])
    }

    /// Disaster XML: household records inherit their event's attributes, so a bad event attribute
    /// quarantines each of its records, under the attribute's path.
    func testDisasterRowErrorsInNestedXMLAndCSV() throws {
        let fx = "disaster/灾情.xml", fc = "disaster/灾情.csv"
        let p1 = T.id(born: "19650203", seq: 441), p2 = T.id(born: "19700101", seq: 2), p3 = T.id(born: "19700101", seq: 3)
        func szh(_ p: String, damage: String = "严重损坏", area: String = "3.5", loss: String = "18000.00") -> String {
            "<SZH><HZSFZH>\(p)</HZSFZH><HZXM>林海</HZXM><XZ>锦和镇</XZ><CUN>锦和村</CUN><FWSH>\(damage)</FWSH>"
                + "<NZWSZMJ>\(area)</NZWSZMJ><ZJJJSS>\(loss)</ZJJJSS></SZH>"
        }
        try put(
            fx,
            [
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<ZQSJ DCDW=\"徐闻县应急管理局\" DCSJ=\"2021-07-25 10:00:00\">",
                "<ZHSJ BH=\"ZH2021007\" ZZ=\"台风\" MC=\"2021年第7号台风查帕卡\" FSRQ=\"2021-07-20\">",
                szh(p1), szh(p2, damage: "全毁"), szh(p3, area: "-1"),
                "</ZHSJ>",
                "<ZHSJ BH=\"ZH2021008\" ZZ=\"海啸\" MC=\"不存在的灾种\" FSRQ=\"2021-07-21\">",
                szh(p1), szh(p2),
                "</ZHSJ>",
                "<ZHSJ BH=\"ZH2021009\" ZZ=\"洪涝\" MC=\"洪涝\" FSRQ=\"2021/02/30\">",
                szh(p1, loss: "8万"),
                "</ZHSJ>",
                "</ZQSJ>",
            ])
        try put(
            fc,
            [
                T.disasterHeader,
                "ZH2021010,风雹,风雹,2021-04-21,\(p1),林海,锦和镇,锦和村,一般损坏,,",  // 2 accepted: defaults 0
                "ZH2021010,风雹,风雹,2021-04-21,\(p2),林海,锦和镇,锦和村,,1.0,100",  // 3 damage required
                ",风雹,风雹,2021-04-21,\(p3),林海,锦和镇,锦和村,无,1.0,100",  // 4 event required
                "ZH2021010,风雹,风雹,2021-04-21,\(p3),林海,锦和镇,锦和村,无,1.0.1,100",  // 5
            ], age: 500)
        try ingest()
        XCTAssertEqual(try counts(fx), [6, 1, 5, 0])
        XCTAssertEqual(
            try quarantine(fx),
            [
                [fx, "2", "FWSH", "全毁", "bad_enum"],
                [fx, "3", "NZWSZMJ", "-1", "bad_number"],
                [fx, "4", "ZHSJ/@ZZ", "海啸", "bad_enum"],
                [fx, "5", "ZHSJ/@ZZ", "海啸", "bad_enum"],
                [fx, "6", "ZHSJ/@FSRQ", "2021/02/30", "bad_date"],
            ])
        XCTAssertEqual(
            try staged(fx),
            [
                [
                    "ZH2021007", "台风", "2021年第7号台风查帕卡", "2021-07-20", p1, "林海", "锦和镇", "锦和村",
                    "严重损坏", "3.5", "18000.00",
                ]
            ])
        XCTAssertEqual(try counts(fc), [4, 1, 3, 0])
        XCTAssertEqual(
            try quarantine(fc),
            [
                [fc, "3", "房屋损毁程度", "", "missing_required"],
                [fc, "4", "灾害编号", "", "missing_required"],
                [fc, "5", "农作物受灾面积(亩)", "1.0.1", "bad_number"],
            ])
        XCTAssertEqual(try staged(fc).first.map { Array($0[8...]) }, ["一般损坏", "0", "0.00"])
    }

    func testDisabilityRowErrors() throws {
        let f = "disability/残疾人证.csv"
        let p = T.id(born: "19560513", seq: 140)
        try put(
            f,
            [
                T.disabilityHeader,
                "\(p),许洋刚,视力,二级,2021-01-06,换领",  // 2 accepted
                "\(p),许洋刚,视力,五级,2021-01-07,新办",  // 3
                "\(p),许洋刚,视力,2,2021-01-08,新办",  // 4 accepted as 二级
                "\(p),许洋刚,视力,４,2021-01-09,新办",  // 5 accepted as 四级 (full-width digit)
                "\(p),许洋刚,视力,二级,2021-04-31,新办",  // 6
                "\(p),许洋刚,视力,二级,2021-01-10,补办",  // 7
                "\(p),许洋刚,视力,,2021-01-11,新办",  // 8
                "\(p),许洋刚,色盲,二级,2021-01-12,新办",  // 9 category outside its list (optional but listed)
                "\(p),许洋刚,,一级,2021-01-13,注销",  // 10 accepted: category optional
            ])
        try ingest()
        XCTAssertEqual(try counts(f), [9, 4, 5, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "3", "残疾等级", "五级", "bad_enum"],
                [f, "6", "发证日期", "2021-04-31", "bad_date"],
                [f, "7", "变动类型", "补办", "bad_enum"],
                [f, "8", "残疾等级", "", "missing_required"],
                [f, "9", "残疾类别", "色盲", "bad_enum"],
            ])
        XCTAssertEqual(try staged(f).map { $0[3] }, ["二级", "二级", "四级", "一级"])
    }

    func testApplicationRowErrors() throws {
        let f = "application/农户申报.csv"
        let h = T.hh(1)
        let bad = T.badCheck(T.id(born: "19700101", seq: 1))
        try put(
            f,
            [
                T.applicationHeader,
                "\(h),,农户申报,2021-05-10,因病、因学,,说明",  // 2 accepted
                "\(h),,干部排查,2021-05-11,因病,,",  // 3
                "\(h),,农户申报,2021-05-12,因穷,,",  // 4
                "\(h),,电话申报,2021-05-13,因病,,",  // 5
                "\(h),,农户申报,2021-05-14,,,",  // 6
                "\(h),\(bad),农户申报,2021-05-15,因病,,",  // 7
                "\(h),,干部排查,2021-05-16,\"因病,因残;缺劳动力\",李干部,",  // 8 accepted
                "\(h),,农户申报,2021-02-29,因病,,",  // 9
                "4.40825101001001E+15,,农户申报,2021-05-17,因病,,",  // 10
                "\(h),,农户申报,2021-05-18,\"、 ;\",,",  // 11 nothing but separators
                "\(h),,农户申报,2021-05-19,\"因病、因病；\",,",  // 12 accepted
            ])
        try ingest()
        XCTAssertEqual(try counts(f), [11, 3, 8, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "3", "填报人", "", "missing_required"],
                [f, "4", "风险类型", "因穷", "bad_enum"],
                [f, "5", "发现方式", "电话申报", "bad_enum"],
                [f, "6", "风险类型", "", "missing_required"],
                [f, "7", "申报人身份证号", bad, "id_check_char"],
                [f, "9", "申报日期", "2021-02-29", "bad_date"],
                [f, "10", "户编号", "4.40825101001001E+15", "household_id"],
                [f, "11", "风险类型", "、 ;", "missing_required"],
            ])
        XCTAssertEqual(try staged(f).map { $0[4] }, ["因病、因学", "因病、因残、缺劳动力", "因病、因病"])
    }

    // MARK: - verification: the ledger's checks

    func testVerificationFindingsAgainstTheLedger() throws {
        let ledger = try Ledger(path: root + "/ledger.sqlite", clock: { "2021-06-02T08:00:00Z" })
        let h1 = T.hh(1), h2 = T.hh(2), h3 = T.hh(3)
        try ledger.recordMonth(
            "2021-05", run: "run 2021-05",
            alerts: [
                LedgerAlert(
                    alertId: "R1", householdId: h1, town: "锦和镇", village: "锦和村", month: "2021-05",
                    level: .red, triggers: ["illness"], householdType: "一般农户"),
                LedgerAlert(
                    alertId: "R2", householdId: h2, town: "锦和镇", village: "锦和村", month: "2021-05",
                    level: .orange, triggers: ["illness"], householdType: "一般农户"),
                LedgerAlert(
                    alertId: "Y3", householdId: h3, town: "锦和镇", village: "锦和村", month: "2021-05",
                    level: .yellow, triggers: ["near_line"], householdType: "一般农户"),
            ], evaluations: [])
        let f = "verification/核查结果_锦和镇.csv"
        try put(
            f,
            [
                T.verificationHeader,
                "R1,\(h1),确认纳入,林海,2021-06-08,\"综合保障、就业帮扶\",已走访",  // 2 applied
                "R9,\(h1),确认纳入,林海,2021-06-08,,",  // 3 unknown alert
                "R2, \(h1),确认纳入,林海,2021-06-08,,",  // 4 alert of another household
                "R2,\(h2),风险已消除,林海,2021-06-08,,",  // 5 预警 cannot be marked eliminated
                "Y3,\(h3),确认纳入,,2021-06-08,,",  // 6 no 核查人
                "Y3,\(h3),待核,,,,户主外出",  // 7 applied (yellow alerts are known too)
                "R2,\(h2),其他,林海,,,",  // 8
                "R2,\(h2),不予纳入,林海,2021-06-09,,",  // 9 applied
            ])
        let report = try ingest(ledger)
        XCTAssertEqual(report.files.count, 1)
        XCTAssertEqual(try counts(f), [8, 3, 5, 0])
        XCTAssertEqual(
            try quarantine(f),
            [
                [f, "3", "预警编号", "R9", "unknown_alert"],
                [f, "4", "户编号", " \(h1)", "alert_household_mismatch"],
                [f, "5", "核查结论", "风险已消除", "transition_refused"],
                [f, "6", "核查人", "", "missing_required"],
                [f, "8", "核查结论", "其他", "bad_enum"],
            ])
        XCTAssertEqual(try ledger.caseRow(household: h1)?.state, .monitored)
        XCTAssertEqual(try ledger.caseRow(household: h1)?.measures.sorted(), ["就业帮扶", "综合保障"])
        XCTAssertEqual(try ledger.caseRow(household: h2)?.state, .rejected)
        XCTAssertNil(try ledger.caseRow(household: h3))
        XCTAssertEqual(try staged(f).map { $0[0] }, ["R1", "Y3", "R2"])

        // the same findings again under another name: a duplicate; the ledger is not touched again
        let history = try ledger.history(household: h1)
        let stored = layout.root + "/" + (try entry(f)).stored_as
        try put("verification/核查结果_锦和镇(1).csv", bytes: [UInt8](FileManager.default.contents(atPath: stored)!))
        let again = try ingest(ledger)
        XCTAssertEqual(again.files.map(\.status), [.duplicate])
        XCTAssertEqual(try ledger.history(household: h1), history)
    }
}
