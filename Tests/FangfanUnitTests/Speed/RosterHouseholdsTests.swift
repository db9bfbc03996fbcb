import XCTest

@testable import FangfanCore

/// The roster's households kept in flat columns give back the households they were given: from a list, and
/// from rows (a household whose rows come apart gets its members together, in row order).
final class RosterHouseholdsTests: XCTestCase {
    private func member(_ p: UInt64, _ name: String, _ relation: String, _ labour: Labour = .ordinary) -> Member {
        Member(person: ResidentID(key: 44_082_519_870_315_000 + p), name: name, relation: relation, labour: labour)
    }

    private func describe(_ h: Household) -> String {
        "\(h.id)|\(h.town)|\(h.village)|\(h.type.rawValue)|\(h.prevIncome)|"
            + h.members.map { "\($0.person) \($0.name) \($0.relation) \($0.labour)" }.joined(separator: ";")
    }

    func testAListComesBackAsGiven() {
        let list = [
            Household(
                id: HouseholdID(key: 4_408_250_100_080_001), town: "下洋镇", village: "港沟村", type: .lifted,
                prevIncome: Money(fen: 1_234_550),
                members: [member(1, "陈大文", "户主", .skilled), member(2, "阿卜杜热合曼·买买提", "配偶", .lost)]),
            // no members; a relation outside the listed spellings; a town and village again
            Household(
                id: HouseholdID(key: 4_408_250_100_080_002), town: "下洋镇", village: "石角村", type: .general,
                prevIncome: .zero, members: []),
            Household(
                id: HouseholdID(key: 4_408_250_100_080_003), town: "龙门镇", village: "港沟村", type: .monitored,
                prevIncome: Money(fen: -5), members: [member(3, "", "表舅（手填）", .none), member(4, "李四", "户主")]),
        ]
        let table = RosterHouseholds(list)
        XCTAssertEqual(table.count, 3)
        XCTAssertEqual(table.map(describe), list.map(describe))
        XCTAssertEqual(table[2].head?.name, "李四")
        XCTAssertEqual(table[1].size, 0)
        XCTAssertEqual(table.id(2), HouseholdID(key: 4_408_250_100_080_003))
        XCTAssertEqual(table.members(of: 0), 0..<2)
        XCTAssertEqual(table.members(of: 1), 2..<2)
        XCTAssertEqual(table.members(of: 2), 2..<4)
        XCTAssertEqual(table.memberCount, 4)
        XCTAssertEqual(table.name(1), "阿卜杜热合曼·买买提")
        XCTAssertEqual(table.person(3), ResidentID(key: 44_082_519_870_315_004))
        // a name read in place: its bytes, and the review index's hash of them (empty and long names too)
        for (m, name) in [(1, "阿卜杜热合曼·买买提"), (2, ""), (3, "李四")] {
            XCTAssertEqual(table.withNameBytes(m) { Array($0) }, Array(name.utf8))
            XCTAssertEqual(table.withNameBytes(m) { ReviewCandidateIndex.nameHash(bytes: $0) }, ReviewCandidateIndex.nameHash(name))
        }
        XCTAssertEqual(RosterHouseholds().count, 0)
        // the towns each once, in the order first met; the index's sorted
        XCTAssertEqual(table.townNames, ["下洋镇", "龙门镇"])
        XCTAssertEqual(RosterHouseholds(list.reversed()).townNames, ["龙门镇", "下洋镇"])
        XCTAssertEqual(RosterIndex(list.reversed()).towns, ["下洋镇", "龙门镇"])
        XCTAssertEqual(RosterIndex([Household]()).towns, [])
    }

    func testRowsThatComeApartAreGroupedInRowOrder() {
        // household 1's third member comes after household 2's rows; household 3's rows are together
        let rows: [(h: Int, p: UInt64, name: String, relation: String)] = [
            (1, 1, "甲", "户主"), (1, 2, "乙", "配偶"), (2, 3, "丙", "户主"), (1, 4, "丁", "子"), (2, 5, "戊", "女"),
            (3, 6, "己", "户主"),
        ]
        var builder = RosterBuilder(members: 2)  // fewer than come: the columns grow
        for r in rows {
            let fields = [
                "44082501000800\(String(format: "%02d", r.h))", r.h == 3 ? "龙门镇" : "下洋镇", "港沟村",
                r.h == 2 ? "脱贫户" : "一般农户", ResidentID(key: 44_082_519_870_315_000 + r.p).description, r.name, r.relation,
                "普通劳动力", "\(r.h)000.00",
            ].map { Array($0.utf8) }
            builder.add { fields[$0][...] }
        }
        let index = RosterIndex(builder)
        XCTAssertEqual(index.households.map { $0.members.map(\.name).joined() }, ["甲乙丁", "丙戊", "己"])
        XCTAssertEqual(index.households.map { $0.members.map(\.relation) }, [["户主", "配偶", "子"], ["户主", "女"], ["户主"]])
        XCTAssertEqual(index.households.map(\.town), ["下洋镇", "下洋镇", "龙门镇"])
        XCTAssertEqual(index.households.map(\.type), [.general, .lifted, .general])
        XCTAssertEqual(index.households.map(\.prevIncome.description), ["1000.00", "2000.00", "3000.00"])
        XCTAssertEqual(index.towns, ["下洋镇", "龙门镇"])
        for r in rows {
            XCTAssertEqual(index.household(of: ResidentID(key: 44_082_519_870_315_000 + r.p)), r.h - 1)
        }
        XCTAssertEqual(index.index(of: HouseholdID(key: 4_408_250_100_080_002)), 1)
        // the same rows given as households: the same table
        XCTAssertEqual(RosterHouseholds(Array(index.households)).map(describe), index.households.map(describe))
    }

    func testSpellingCodesInTheOrderFirstSeen() {
        var codes = SpellingCodes<UInt16>()
        // the same as the last, a new one, one seen before but not last, and the empty spelling
        let asked = ["港沟村", "港沟村", "石角村", "港沟村", "", "石角村", "石角村"]
        XCTAssertEqual(asked.map { codes.code($0) }, [0, 0, 1, 0, 2, 1, 1])
        XCTAssertEqual(codes.spellings, ["港沟村", "石角村", ""])
    }
}
