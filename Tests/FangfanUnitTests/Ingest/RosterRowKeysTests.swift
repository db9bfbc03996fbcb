import XCTest

@testable import FangfanCore

/// `RosterRowKeys` (the roster check's first pass, a few integers a row) against `RosterCheck.conflicts`
/// on the whole rows: the same households, on random rosters with every kind of conflict, grouped or not.
final class RosterRowKeysTests: XCTestCase {
    func testFindsTheHouseholdsTheWholeRowsCheckFinds() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let households = Int.random(in: 1...40, using: &rng)
            var rows: [[String]] = []
            var person = 0
            for h in 0..<households {
                let size = Int.random(in: 1...5, using: &rng)
                for m in 0..<size {
                    person += 1
                    var r = [
                        "4408251010010" + String(format: "%03d", h), "锦和镇", "锦和村", "一般农户",
                        "44082519700101" + String(format: "%04d", person), "甲", m == 0 ? "户主" : "之子", "普通劳动力", "12000.00",
                    ]
                    switch Int.random(in: 0..<30, using: &rng) {
                    case 0: r[6] = "户主"  // a second head (or the first's double)
                    case 1: r[6] = "配偶"  // perhaps no head
                    case 2: r[RosterCheck.householdFields.randomElement(using: &rng)!] += "x"  // a household field differs
                    case 3 where person > 1: r[4] = "44082519700101" + String(format: "%04d", Int.random(in: 1..<person, using: &rng))
                    default: break
                    }
                    rows.append(r)
                }
            }
            if round % 2 == 1 { rows.shuffle(using: &rng) }  // households' rows apart
            var held = HeldRows(fieldCount: 9)
            var keys = RosterRowKeys()
            var row = NormalizedRow()
            for (i, r) in rows.enumerated() {
                row.reset()
                for v in r { row.append(v) }
                held.append(line: i + 2, row: row, raw: { _ in nil })
                keys.append { row[$0] }
            }
            let conflicts = RosterCheck.conflicts(held, labelOfLine: { "\($0)" })
            let expected = Set(
                (0..<held.count).filter { conflicts[held.lines[$0]] != nil }.map { HouseholdID.staged(held.field($0, 0)).key })
            let found = keys.conflictedHouseholds()
            XCTAssertEqual(Set(found), expected, "round \(round)")
            XCTAssertEqual(found, found.sorted())
            // every row of a household found is one with a problem
            for i in 0..<held.count where expected.contains(HouseholdID.staged(held.field(i, 0)).key) {
                XCTAssertNotNil(conflicts[held.lines[i]], "round \(round) row \(i)")
            }
        }
    }
}
