import Foundation
import XCTest

@testable import FangfanCore

/// The candidate index finds what the plain path (every same-name member put to the rules) finds; names must be
/// equal; more than five candidates are listed once as 候选过多.
final class ReviewCandidateIndexTests: XCTestCase {
    func member(_ key: UInt64, _ name: String) -> Member {
        Member(person: ResidentID(key: key), name: name, relation: "户主", labour: .ordinary)
    }

    func roster(_ members: [(UInt64, String)]) -> RosterIndex {
        RosterIndex(
            members.enumerated().map { i, m in
                Household(
                    id: HouseholdID(key: 4408250010010000 + UInt64(i)), town: "下洋镇", village: "港沟村", type: .lifted,
                    prevIncome: Money(fen: 1_000_000), members: [member(m.0, m.1)])
            })
    }

    func testSameNameRequiredAndEveryRuleFound() {
        let id = ResidentID(key: 44082519640112345)  // 44082519640112345 + check
        let r = roster([(id.key, "陈大明"), (44082519700101001, "林秀"), (44082519640112346, "黄伟")])
        let index = ReviewCandidateIndex(roster: r)
        let full = id.description
        let wrongCheck = String(full.prefix(17)) + (full.last == "0" ? "1" : "0")
        XCTAssertEqual(index.candidates(name: "陈大明", id: DamagedID(wrongCheck)).map(\.person), [id])
        XCTAssertEqual(index.candidates(name: "陈大明", id: DamagedID(wrongCheck)).first?.rules, [.checkChar])
        XCTAssertEqual(index.candidates(name: "林秀", id: DamagedID(wrongCheck)).map(\.person), [], "a different name")
        XCTAssertEqual(
            index.candidates(name: "黄伟", id: DamagedID(wrongCheck)).map(\.person), [ResidentID(key: 44082519640112346)],
            "one digit from 黄伟: the rules are per name")
        XCTAssertEqual(index.candidates(name: "", id: DamagedID(wrongCheck)).map(\.person), [], "no name, no candidate")
        XCTAssertEqual(index.candidates(name: "陈大明", id: DamagedID("4.40825196401E+17")).map(\.person), [id])
        XCTAssertEqual(index.candidates(name: "陈大明", id: DamagedID("440825196401123000")).map(\.person), [id])
        XCTAssertEqual(index.candidates(name: "陈大明", id: DamagedID("440825196401133450")).map(\.person), [id], "one digit")
        XCTAssertEqual(index.candidates(name: "陈大明", id: DamagedID("440825196410123450")).map(\.person), [id], "transposed")
        XCTAssertEqual(index.candidates(name: "陈大明", id: DamagedID("440825196401143350")).map(\.person), [], "two digits")
    }

    /// The next number of a xorshift generator (the same numbers from the same seed).
    static func xorshift(_ seed: inout UInt64) -> UInt64 {
        seed ^= seed << 13
        seed ^= seed >> 7
        seed ^= seed << 17
        return seed
    }

    /// `count` members with different IDs from 44082519640100000 on, within `spread` of it, each given one of
    /// `names` (drawn from `next`: an ID, then a name).
    static func members(_ count: Int, within spread: UInt64, names: [String], _ next: () -> UInt64) -> [(UInt64, String)] {
        var members: [(UInt64, String)] = []
        var keys = Set<UInt64>()
        while members.count < count {
            let k = 44082519640100000 + next() % spread
            if keys.insert(k).inserted { members.append((k, names[Int(next() % UInt64(names.count))])) }
        }
        return members
    }

    func testIndexAgreesWithThePlainPath() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { Self.xorshift(&seed) }
        let names = ["陈大明", "林秀", "黄伟", "李华"]
        // crowded: IDs close to each other so that every rule has neighbours to find
        let members = Self.members(400, within: 200_000, names: names, next)
        let r = roster(members)
        let index = ReviewCandidateIndex(roster: r)
        for i in 0..<600 {
            let (key, name) = members[Int(next() % UInt64(members.count))]
            var s = Array(ResidentID(key: key).description)
            switch i % 6 {
            case 0: s[17] = s[17] == "1" ? "2" : "1"
            case 1: s = Array(String(s[0..<15]) + "000")
            case 2: let p = Int(next() % 17); s[p] = Character(String((Int(String(s[p]))! + 1) % 10))
            case 3: let p = Int(next() % 16); s.swapAt(p, p + 1)
            case 4:
                let digits = 6 + Int(next() % 10)
                guard let n = UInt64(String(s)) else { continue }  // an ID ending in X is never a number
                let m = ReviewRules.roundHalfUp(n, toDigits: digits)
                let t = String(m)
                s = Array("\(t.prefix(1)).\(t.dropFirst())E+17")
            default: let p = Int(next() % 17), q = Int(next() % 17); s[p] = "9"; s[q] = "0"
            }
            let d = DamagedID(String(s))
            XCTAssertEqual(
                index.candidates(name: name, id: d), ReviewCandidateIndex.plainCandidates(roster: r, name: name, id: d),
                "case \(i % 6): \(String(s))")
            // an index of two of the names only: the same for those, nobody for the others
            let two = ReviewCandidateIndex(roster: r, only: Set(names.prefix(2).map(ReviewCandidateIndex.nameHash)))
            XCTAssertEqual(
                two.candidates(name: name, id: d), names.prefix(2).contains(name) ? index.candidates(name: name, id: d) : [],
                "\(name), case \(i % 6): \(String(s))")
        }
    }

    /// A roster and a month large enough to be indexed and searched in two halves, one per core: the same
    /// candidates as the plain path, and the same rows as each record searched alone, in the records' order.
    func testHalvesGiveWhatOnePassGives() {
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 { Self.xorshift(&seed) }
        let names = ["陈大明", "林秀", "黄伟", "李华", "王芳", "张伟"]
        let members = Self.members(5000, within: 2_000_000, names: names, next)
        let r = roster(members)
        let index = ReviewCandidateIndex(roster: r)
        let schema = FeedKind.civil.schema
        var records: [ReviewRecord] = []
        for i in 0..<300 {
            let (key, name) = members[Int(next() % UInt64(members.count))]
            var s = Array(ResidentID(key: key).description)
            s[17] = s[17] == "1" ? "2" : "1"
            let d = DamagedID(String(s))
            if i < 40 {
                XCTAssertEqual(index.candidates(name: name, id: d), ReviewCandidateIndex.plainCandidates(roster: r, name: name, id: d))
            }
            var fields = [String](repeating: "", count: schema.fields.count)
            fields[schema.index(of: "person_id")!] = String(s)
            fields[schema.index(of: "name")!] = name
            fields[schema.index(of: "aid_type")!] = "临时救助"
            fields[schema.index(of: "change")!] = "新增"
            fields[schema.index(of: "amount")!] = "500.00"
            fields[schema.index(of: "date")!] = "2021-03-02"
            records.append(ReviewRecord(feed: .civil, file: "civil/c.csv", line: 300 - i, fields: fields, quarantined: true))
        }
        let search = ReviewSearch(roster: r, denied: [])
        let all = search.rows(records)
        XCTAssertGreaterThan(all.count, 300)
        let byLine = records.sorted { $0.line! < $1.line! }
        XCTAssertEqual(all, byLine.flatMap { search.rows([$0]) })
    }

    func testMoreThanFiveCandidatesListedOnceAsTooMany() {
        // six people named 陈大明 whose IDs round to 4.40825E+17
        // (IDs ending in X were never numbers: only all-digit ones round)
        let near = (0..<30).map { 44082519640100000 + UInt64($0) * 1000 }.filter { !ResidentID(key: $0).description.hasSuffix("X") }
        let r = roster(near.prefix(6).map { ($0, "陈大明") } + [(44082519700101001, "林秀")])
        let schema = FeedKind.civil.schema
        var fields = [String](repeating: "", count: schema.fields.count)
        fields[schema.index(of: "person_id")!] = "4.40825E+17"
        fields[schema.index(of: "name")!] = "陈大明"
        fields[schema.index(of: "aid_type")!] = "临时救助"
        fields[schema.index(of: "change")!] = "新增"
        fields[schema.index(of: "amount")!] = "500.00"
        fields[schema.index(of: "date")!] = "2021-03-02"
        let record = ReviewRecord(feed: .civil, file: "civil/c.csv", line: 7, fields: fields, quarantined: true)
        let rows = ReviewSearch(roster: r, denied: []).rows([record])
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0][0], "", "no review id: nothing to confirm")
        XCTAssertTrue(rows[0][9].hasPrefix("候选过多"), rows[0][9])
        // five of them: five rows, each its own stable review id
        let five = roster(near.prefix(5).map { ($0, "陈大明") })
        let again = ReviewSearch(roster: five, denied: []).rows([record])
        XCTAssertEqual(again.count, 5)
        XCTAssertEqual(Set(again.map { $0[0] }).count, 5)
        XCTAssertEqual(again.map { $0[0] }, ReviewSearch(roster: five, denied: []).rows([record]).map { $0[0] }, "stable")
        // a denied pair is never proposed again
        let denied = Set([again[0][0]])
        XCTAssertEqual(ReviewSearch(roster: five, denied: denied).rows([record]).count, 4)
    }

    /// The index's sort of its entries against the standard sort of the tuples: spread name hashes, names many
    /// members share (one bucket sorted whole), hashes equal in their top bits only, and a small roster.
    func testEntriesSortedAsTheStandardSortSortsThem() {
        var g = SystemRandomNumberGenerator()
        let common = (0..<20).map { _ in g.next() as UInt64 }
        func entries(_ n: Int, _ name: () -> UInt64) -> [(UInt64, UInt64, UInt64)] {
            (0..<n).map { i in (name(), UInt64.random(in: 0..<1000, using: &g), UInt64(i)) }
        }
        let sets = [
            entries(300_000) { g.next() },
            entries(100_000) { Bool.random(using: &g) ? common.randomElement(using: &g)! : g.next() },
            entries(50_000) { (g.next() as UInt64) & 0xFFFF_FE00_0000_0003 },
            entries(1000) { common.randomElement(using: &g)! },
        ]
        for var e in sets {
            let expected = e.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
            ReviewCandidateIndex.sortEntries(&e)
            XCTAssertTrue(e.elementsEqual(expected) { $0 == $1 })
        }
    }
}
