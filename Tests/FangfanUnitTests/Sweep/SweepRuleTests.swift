import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §10, the disaster sweep's selection and order, on a hand-made roster and ledger. Every expected
/// order below is worked out by hand from §10 (the reasoning is in the comments), not taken from the code.
final class SweepRuleTests: XCTestCase {
    // 锦和镇/锦和村 ("A"), 锦和镇/和家村 ("B", never struck), 下洋镇/港沟村 ("C", struck only through a record
    // that lacks town and village). Household numbers: A 4408250050010001…, B 440825005002…, C 440825010002….
    static func hid(_ village: String, _ seq: Int) -> UInt64 {
        let base: UInt64 = village == "A" ? 4408250050010000 : village == "B" ? 4408250050020000 : 4408250100020000
        return base + UInt64(seq)
    }

    static func place(_ v: String) -> (String, String) {
        v == "A" ? ("锦和镇", "锦和村") : v == "B" ? ("锦和镇", "和家村") : ("下洋镇", "港沟村")
    }

    /// One household, its head born 1970, person sequence = household sequence (distinct per village).
    static func household(_ v: String, _ seq: Int, _ type: HouseholdType) -> Household {
        let (town, village) = place(v)
        let person = ResidentID(key: UInt64("44082519700101" + String(format: "%03d", seq + (v == "A" ? 0 : v == "B" ? 300 : 600)))!)
        return Household(
            id: HouseholdID(key: hid(v, seq)), town: town, village: village, type: type,
            prevIncome: Money(fen: 1_000_000), members: [Member(person: person, name: "户\(v)\(seq)", relation: "户主", labour: .ordinary)])
    }

    /// The roster of the main test. Households 1–7 and 40 have a record in the event; the rest do not.
    static let roster: [Household] = [
        household("A", 1, .general), household("A", 2, .general), household("A", 3, .lifted), household("A", 4, .general),
        household("A", 5, .general), household("A", 6, .general), household("A", 7, .general),
        household("A", 10, .general), household("A", 11, .monitored), household("A", 12, .lifted), household("A", 13, .lifted),
        household("A", 14, .general), household("A", 15, .lifted), household("A", 16, .general), household("A", 17, .general),
        household("A", 18, .monitored), household("A", 19, .monitored),
        household("B", 30, .lifted),
        household("C", 40, .general), household("C", 41, .lifted), household("C", 42, .general),
    ]

    /// The ledger: case states by household (absent: no case).
    static let cases: [UInt64: CaseState] = [
        hid("A", 10): .monitored, hid("A", 12): .eliminated, hid("A", 13): .warned, hid("A", 14): .warned,
        hid("A", 16): .rejected, hid("A", 18): .rejected, hid("A", 19): .monitored,
        hid("A", 2): .warned,  // a case does not move a household with a record out of the damage order
        hid("B", 30): .monitored,
    ]

    func record(
        _ index: RosterIndex, _ v: String, _ seq: Int, damage: String, loss: String,
        town: String? = nil, village: String? = nil
    ) -> SweepRule.Record {
        let i = index.index(of: HouseholdID(key: Self.hid(v, seq)))!
        let (t, vl) = Self.place(v)
        return SweepRule.Record(
            household: i, town: town ?? t, village: village ?? vl, damage: damage,
            loss: loss.isEmpty ? .zero : R.y(loss))
    }

    func select(_ records: [SweepRule.Record], _ index: RosterIndex, asked: UnsafeMutablePointer<[Int]>? = nil) -> SweepRule.Selection {
        SweepRule.select(records: records, roster: index) { idx in
            asked?.pointee = idx
            var out: [Int: CaseState] = [:]
            for i in idx { if let s = Self.cases[index.households[i].id.key] { out[i] = s } }
            return out
        }
    }

    func ids(_ sel: SweepRule.Selection, _ index: RosterIndex) -> [String] {
        sel.rows.map { r in
            let k = index.households[r.household].id.key
            let v = k >= 4408250100020000 ? "C" : k >= 4408250050020000 ? "B" : "A"
            return "\(v)\(k % 10000)"
        }
    }

    func testOrderAndSelection() {
        let index = RosterIndex(Self.roster)
        let records = [
            record(index, "A", 6, damage: "无", loss: "0.00"),
            record(index, "A", 2, damage: "严重损坏", loss: "50000.00"),
            record(index, "A", 4, damage: "一般损坏", loss: ""),  // a blank loss is 0
            record(index, "A", 1, damage: "倒塌", loss: "1000.00"),
            record(index, "A", 7, damage: "严重损坏", loss: "50000.00"),
            record(index, "A", 3, damage: "严重损坏", loss: "80000.00"),
            record(index, "A", 5, damage: "一般损坏", loss: "10.00"),
            record(index, "C", 40, damage: "无", loss: "100.00", town: "", village: ""),  // lacks both: the roster's
            SweepRule.Record(household: nil, town: "锦和镇", village: "锦和村", damage: "倒塌", loss: R.y("99999.00")),  // no one in the roster
            SweepRule.Record(household: nil, town: "", village: "港沟村", damage: "倒塌", loss: .zero),  // unmatched, no place
        ]
        var asked: [Int] = []
        let sel = select(records, index, asked: &asked)
        // With a record first: 倒塌 A1; 严重损坏 by loss descending A3 (80000), then A2 and A7 (50000 each: by
        // household number); 一般损坏 A5 (10) before A4 (blank = 0); 无 C40 (100) before A6 (0).
        // Then the others. 监测中/风险已消除: A19 (监测户), A12 (脱贫户), A10 (一般农户). 预警: A13 (脱贫户), A14 (一般农户).
        // No case (不予纳入 counts as none): A11 and A18 (监测户, by number), A15 then C41 (脱贫户, by number).
        // Not listed: A16 (一般农户 with only a 不予纳入 case), A17 and C42 (一般农户, no case), B30 (village not struck).
        XCTAssertEqual(
            ids(sel, index),
            [
                "A1", "A3", "A2", "A7", "A5", "A4", "C40", "A6",
                "A19", "A12", "A10", "A13", "A14", "A11", "A18", "A15", "C41",
            ])
        XCTAssertEqual(sel.struck, 8)
        XCTAssertEqual(sel.unmatched.count, 2)
        // struck villages: A (records and the unmatched one), C (from C40's roster entry); B is not struck
        XCTAssertEqual(sel.villages, [SweepRule.Village("下洋镇", "港沟村"), SweepRule.Village("锦和镇", "锦和村")])
        XCTAssertEqual(sel.towns, ["下洋镇", "锦和镇"])
        // C40's row takes its town and village from the roster
        let c40 = sel.rows.first { index.households[$0.household].id.key == Self.hid("C", 40) }!
        XCTAssertEqual([c40.town, c40.village], ["下洋镇", "港沟村"])
        XCTAssertEqual(c40.record?.loss, R.y("100.00"))
        // the ledger was asked about the struck villages' households only (B30 not among them)
        XCTAssertEqual(asked.count, Self.roster.count - 1)
        XCTAssertFalse(asked.contains(index.index(of: HouseholdID(key: Self.hid("B", 30)))!))
        // A2 keeps its 预警 state on the row
        XCTAssertEqual(sel.rows[2].caseState, .warned)
    }

    func testVillagesUnknownToTheRosterStillListTheEventsOwnHouseholds() {
        let index = RosterIndex(Self.roster)
        // B30 is struck where the department spells a village the roster does not know (和家村委会): its
        // household is listed under the record's place; nobody else lives there; the village is struck.
        let sel = select([record(index, "B", 30, damage: "一般损坏", loss: "300.00", village: "和家村委会")], index)
        XCTAssertEqual(ids(sel, index), ["B30"])
        XCTAssertEqual([sel.rows[0].town, sel.rows[0].village], ["锦和镇", "和家村委会"])
        XCTAssertEqual(sel.rows[0].caseState, .monitored)
        XCTAssertEqual(sel.villages, [SweepRule.Village("锦和镇", "和家村委会")])
    }

    func testOnlyUnmatchedRecordsListNobodyButStrikeTheirVillage() {
        let index = RosterIndex(Self.roster)
        // the record's person is in no household, but it states village A: A's fragile households are listed
        let sel = select([SweepRule.Record(household: nil, town: "锦和镇", village: "锦和村", damage: "倒塌", loss: .zero)], index)
        XCTAssertEqual(sel.struck, 0)
        XCTAssertEqual(ids(sel, index), ["A19", "A12", "A10", "A13", "A2", "A14", "A11", "A18", "A3", "A15"])
        XCTAssertEqual(sel.unmatched.count, 1)
    }

    func testAHouseholdNamedTwiceKeepsItsLastRecord() {
        let index = RosterIndex(Self.roster)
        let sel = select([record(index, "A", 17, damage: "倒塌", loss: "5.00"), record(index, "A", 17, damage: "无", loss: "1.00")], index)
        let row = sel.rows.first { index.households[$0.household].id.key == Self.hid("A", 17) }!
        XCTAssertEqual(row.record?.damage, "无")
        XCTAssertEqual(sel.struck, 1)
    }

    func testRanks() {
        XCTAssertEqual(SweepRule.damages.map(SweepRule.damageRank), [0, 1, 2, 3])
        XCTAssertEqual(
            [CaseState.monitored, .eliminated, .warned, .rejected].map(SweepRule.caseGroup) + [SweepRule.caseGroup(nil)],
            [0, 0, 1, 2, 2])
        XCTAssertEqual([HouseholdType.monitored, .lifted, .general].map(SweepRule.typeRank), [0, 1, 2])
        XCTAssertTrue(SweepRule.isFragile(.lifted, nil))
        XCTAssertTrue(SweepRule.isFragile(.monitored, .rejected))
        XCTAssertTrue(SweepRule.isFragile(.general, .eliminated))
        XCTAssertFalse(SweepRule.isFragile(.general, .rejected))
        XCTAssertFalse(SweepRule.isFragile(.general, nil))
    }

    func testListCellsAndEscaping() throws {
        let index = RosterIndex(Self.roster)
        let sel = select([record(index, "A", 1, damage: "倒塌", loss: "")], index)
        let struck = SweepList.cells(
            eventId: "ZH1", eventName: "=台风", row: sel.rows[0], household: index.households[sel.rows[0].household], level: .red)
        XCTAssertEqual(
            struck,
            [
                "ZH1", "=台风", "锦和镇", "锦和村", "4408250050010001", "户A1", "440825********0011", "一般农户", "1", "",
                "是", "倒塌", "0.00", "10000.00", "红色", "", "", "", "",
            ])
        let other = sel.rows.first { $0.record == nil }!
        let cells = SweepList.cells(eventId: "ZH1", eventName: "台风", row: other, household: index.households[other.household], level: nil)
        XCTAssertEqual(Array(cells[9...14]), ["监测中", "否", "", "", "10000.00", ""])
        XCTAssertEqual(SweepList.columns.count, struck.count)
        XCTAssertEqual(SweepList.columns.suffix(4).map(\.header), ["排查结论", "排查人", "排查日期", "备注"])
        let csv = String(decoding: SweepList.csv([struck]), as: UTF8.self)
        XCTAssertTrue(
            csv.hasPrefix("\u{FEFF}灾害编号,灾害名称,乡镇,行政村,户编号,户主姓名,户主身份证号,户类型,家庭人口,台账状态,本次受灾,房屋损毁程度,直接经济损失,上年家庭纯收入,最近预警等级,排查结论,排查人,排查日期,备注\n"))
        XCTAssertTrue(csv.contains("ZH1,'=台风,"), "formula-like text is escaped")
        XCTAssertTrue(csv.contains(",0.00,10000.00,红色,,,,\n"), "money stays plain numbers")
        let xlsx = try SweepList.xlsx([struck], town: "锦和镇")
        XCTAssertEqual(Array(xlsx.prefix(2)), [0x50, 0x4B])
    }

    func testRosterSweepIndexGivesBackTheHouseholds() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-sweepidx-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let layout = StateLayout(root: root)
        var list = Self.roster
        // a household of several members, with a name that is not short
        list[0].members.append(Member(person: ResidentID(key: 44082519900101999), name: "欧阳娜娜娜", relation: "之女", labour: .weak))
        let index = RosterIndex(list)
        try SweepRosterIndex.write(index, seq: 7, layout: layout)
        XCTAssertNil(SweepRosterIndex.open(layout, seq: 8), "the file of another roster is not used")
        let file = try XCTUnwrap(SweepRosterIndex.open(layout, seq: 7))
        defer { file.unmap() }
        XCTAssertEqual(file.households, list.count)
        XCTAssertEqual(file.persons, list.count + 1)
        // villages sorted by town then village: 下洋镇/港沟村, 锦和镇/和家村, 锦和镇/锦和村
        XCTAssertEqual(file.villages[SweepRule.Village("下洋镇", "港沟村")], 0)
        XCTAssertEqual(file.villages[SweepRule.Village("锦和镇", "锦和村")], 2)
        var relations: [[UInt8]: String] = [:]
        var seen: [UInt64] = []
        for v in 0..<3 {
            for o in file.households(of: v) {
                let h = try file.household(o, relations: &relations)
                let original = list.first { $0.id == h.id }!
                XCTAssertEqual(
                    [h.town, h.village, h.type.rawValue, h.prevIncome.description],
                    [original.town, original.village, original.type.rawValue, original.prevIncome.description])
                XCTAssertEqual(
                    h.members.map { "\($0.person)|\($0.name)|\($0.relation)|\($0.labour)" },
                    original.members.map { "\($0.person)|\($0.name)|\($0.relation)|\($0.labour)" })
                seen.append(h.id.key)
            }
        }
        XCTAssertEqual(Set(seen), Set(list.map(\.id.key)))
        XCTAssertEqual(
            file.household(of: ResidentID(key: 44082519900101999)).map { try! file.household($0, relations: &relations).id.key },
            Self.hid("A", 1))
        XCTAssertNil(file.household(of: ResidentID(key: 44082519900101998)))
        // a damaged file is not used (the sweep then reads the whole roster and writes it again)
        let path = SweepRosterIndex.path(layout, seq: 7)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 3).write(to: URL(fileURLWithPath: path))
        XCTAssertNil(SweepRosterIndex.open(layout, seq: 7))
    }

    func testMarksDue() {
        var marks = SweepMarks()
        let files: [(seq: Int, events: Set<String>)] = [(2, ["E1", "E2"]), (5, ["E2"]), (9, ["E3"])]
        XCTAssertEqual(marks.due(files), ["E1", "E2", "E3"], "a state never swept: every event")
        marks.events["E1"] = .init(through_seq: 9, swept_at: "")
        marks.events["E2"] = .init(through_seq: 4, swept_at: "")
        marks.events["E3"] = .init(through_seq: 9, swept_at: "")
        XCTAssertEqual(marks.due(files), ["E2"], "E2 has a record in file 5, after its mark 4")
        marks.events["E2"] = .init(through_seq: 9, swept_at: "")
        XCTAssertEqual(marks.due(files), [])
    }
}
