import FangfanTestSupport
import XCTest

@testable import FangfanCore

final class SettlementSlotsTests: XCTestCase {
    /// The slots against the plain path they replace (an array per household: at the limit a larger
    /// settlement replaces the first of the smallest and goes to the end): random amounts with many ties,
    /// households of a few and of many settlements, a review column on some records.
    func testSlotsKeepWhatThePlainPathKeeps() throws {
        var g = SystemRandomNumberGenerator()
        let limit = IllnessTrigger.evidenceLimit
        var text = ""
        var owner: [Int] = []
        for n in 0..<6000 {
            let oop = Int.random(in: 0..<40, using: &g)
            let review = n % 7 == 0 ? ",R\(n)" : ""
            text += "JS\(n),正常,张\(n % 13),\(oop).00,2021-0\(1 + n % 5)-01,\(n % 3 == 0 ? "" : "住院")\(review)\n"
            owner.append(Int.random(in: 0..<(n < 3000 ? 40 : 900), using: &g))
        }
        let reader = CSVReader(try DecodedSource(MemoryByteSource(Array(text.utf8)), encoding: .utf8))
        var slots = SettlementSlots(limit: limit)
        var plain: [[SettlementRecord]] = []
        for _ in 0..<900 {
            slots.addEntry()
            plain.append([])
        }
        var k = 0
        while let r = try reader.next() {
            let e = owner[k]
            k += 1
            let oop = Money.staged(r[3])
            slots.add(e, outOfPocket: oop, r, fields: (0, 1, 2, 4, 5, r.count > 6 ? 6 : -1))
            if plain[e].count == limit {
                let kept = plain[e]
                guard let smallest = kept.indices.min(by: { kept[$0].outOfPocket < kept[$1].outOfPocket }),
                    kept[smallest].outOfPocket < oop
                else { continue }
                plain[e].remove(at: smallest)
            }
            plain[e].append(
                SettlementRecord(
                    id: r.string(0), kind: r.string(1), person: r.string(2), outOfPocket: oop, settled: r.string(4),
                    visitType: r.string(5), review: r.count > 6 ? r.string(6) : ""))
        }
        check(slots, plain)
        // keeping a third of the entries: theirs as they were, the others' none, and settlements offered after
        // that kept as the plain path keeps them (the storage made anew goes on growing the same way)
        var kept = slots
        kept.keepOnly { $0 % 3 == 0 }
        var keptPlain = plain.indices.map { $0 % 3 == 0 ? plain[$0] : [] }
        check(kept, keptPlain)
        let more = CSVReader(try DecodedSource(MemoryByteSource(Array("JS9001,正常,李四,99.00,2021-05-02,门诊,R9\n".utf8)), encoding: .utf8))
        let r = try more.next()!
        for e in [0, 1, 3] {
            kept.add(e, outOfPocket: Money(fen: 9900), r, fields: (0, 1, 2, 4, 5, 6))
            let record = SettlementRecord(
                id: "JS9001", kind: "正常", person: "李四", outOfPocket: Money(fen: 9900), settled: "2021-05-02",
                visitType: "门诊", review: "R9")
            if keptPlain[e].count == limit {
                let k = keptPlain[e]
                keptPlain[e].remove(at: k.indices.min(by: { k[$0].outOfPocket < k[$1].outOfPocket })!)
            }
            keptPlain[e].append(record)
        }
        check(kept, keptPlain)
        var none = slots
        none.keepOnly { _ in false }
        check(none, plain.map { _ in [] })
    }

    func check(_ slots: SettlementSlots, _ plain: [[SettlementRecord]], line: UInt = #line) {
        for e in plain.indices {
            let got = slots.records(e)
            XCTAssertEqual(got.map(\.id), plain[e].map(\.id), line: line)
            XCTAssertEqual(got.map(\.kind), plain[e].map(\.kind))
            XCTAssertEqual(got.map(\.person), plain[e].map(\.person))
            XCTAssertEqual(got.map(\.outOfPocket), plain[e].map(\.outOfPocket))
            XCTAssertEqual(got.map(\.settled), plain[e].map(\.settled))
            XCTAssertEqual(got.map(\.visitType), plain[e].map(\.visitType))
            XCTAssertEqual(got.map(\.review), plain[e].map(\.review))
        }
    }
}
