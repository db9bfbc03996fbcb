import FangfanTestSupport
import XCTest

@testable import FangfanCore

final class SortedKeysTests: XCTestCase {
    /// The radix sort against the standard sort: random keys, keys that share their high bytes (passes
    /// skipped), repeats, the extremes, and arrays under the radix threshold.
    func testSortAgreesWithTheStandardSort() {
        var g = SystemRandomNumberGenerator()
        var wide = (0..<50_000).map { _ in g.next() as UInt64 }
        wide += [0, UInt64.max, 1 << 63, 0, UInt64.max]
        let narrow = (0..<30_000).map { _ in UInt64.random(in: 0..<65_536, using: &g) }  // six equal bytes
        let high = (0..<30_000).map { _ in UInt64.random(in: 0..<256, using: &g) << 56 }  // seven equal bytes
        for keys in [wide, narrow, high, [3, 1, 2], [], [9]] {
            var sorted = keys
            SortedKeys.sort(&sorted)
            XCTAssertEqual(sorted, keys.sorted())
        }
    }

    /// Enough keys for both levels of the radix sort (buckets over 32 keys, sub-buckets sorted by insertion and by
    /// the standard sort), with keys repeated many times and keys that differ only in their low bits.
    func testLargeArraysAgreeWithTheStandardSort() {
        var g = SystemRandomNumberGenerator()
        let wide = (0..<400_000).map { _ in g.next() as UInt64 }
        let repeated = (0..<200_000).map { _ in wide[Int.random(in: 0..<500, using: &g)] }
        let lowBits = (0..<100_000).map { _ in (g.next() as UInt64) & 0xFFFF_0000_0000_00FF }
        let equal = [UInt64](repeating: 42, count: 5000)
        for keys in [wide, repeated, lowBits, equal, wide + repeated + lowBits] {
            var sorted = keys
            SortedKeys.sort(&sorted)
            XCTAssertEqual(sorted, keys.sorted())
        }
    }

    func testRepeatsIntersectionAndUnionWorkedByHand() {
        var keys: [UInt64] = [1, 1, 2, 3, 3, 3]
        XCTAssertEqual(SortedKeys.removeRepeats(&keys), 3)
        XCTAssertEqual(keys, [1, 2, 3])
        XCTAssertTrue(SortedKeys.distinct([3, 1, 3, 2, 1]) == ([1, 2, 3], 2))
        var none: [UInt64] = []
        XCTAssertEqual(SortedKeys.removeRepeats(&none), 0)
        // every occurrence of a key of a counts: 2 twice, 5 once; 1 is not in b
        XCTAssertEqual(SortedKeys.countIn([1, 2, 2, 5], [2, 5, 7]), 3)
        XCTAssertEqual(SortedKeys.countIn([], [1]), 0)
        XCTAssertEqual(SortedKeys.union([1, 3, 5], [2, 3, 6]), [1, 2, 3, 5, 6])
        XCTAssertEqual(SortedKeys.union([], [4]), [4])
        XCTAssertEqual(SortedKeys.union([4], []), [4])
    }

    /// Repeats and distinct counts of keys that are not hashes — a county's resident numbers, which share
    /// their leading digits — and of random ones, against counting them in a dictionary; the repeats ascending.
    func testRepeatsOfClusteredAndRandomKeysAgreeWithCounting() {
        var g = SystemRandomNumberGenerator()
        // 440825 19870315 NNN C as one number, 300,000 people of a few birth dates, some listed twice or thrice
        let people = (0..<300_000).map { i in UInt64(440_825_198_703_150_000) + UInt64(i % 7) * 10_000 + UInt64(i / 7) }
        let clustered = people + (0..<3_000).map { _ in people[Int.random(in: 0..<people.count, using: &g)] } + [people[5], people[5]]
        let random = (0..<50_000).map { _ in g.next() as UInt64 } + (0..<200).map { UInt64($0) } + (0..<100).map { UInt64($0) }
        for keys in [clustered.shuffled(), random, [], [7], [7, 7], [UInt64.max, 0, UInt64.max]] {
            var counts: [UInt64: Int] = [:]
            for k in keys { counts[k, default: 0] += 1 }
            XCTAssertEqual(SortedKeys.repeatedKeys(keys), counts.filter { $0.value > 1 }.keys.sorted())
            XCTAssertEqual(SortedKeys.distinctCount(keys), counts.count)
        }
        XCTAssertEqual(SortedKeys.repeatedKeys([5, 3, 5, 1, 3, 3]), [3, 5])  // worked by hand
        XCTAssertEqual(SortedKeys.distinctCount([5, 3, 5, 1, 3, 3]), 3)
        XCTAssertTrue(RosterCheck.isGrouped([9, 9, 4, 4, 4, 1]))
        XCTAssertFalse(RosterCheck.isGrouped([9, 4, 9]))
    }

    /// Records 0…5 with keys 7 8 7 9 8 7: record 0 is replaced by 2 and 2 by 5 (key 7), 1 by 4 (key 8);
    /// 3, 4 and 5 are the last versions of their keys.
    func testSupersededWorkedByHand() {
        let gone = SortedKeys.superseded([7, 8, 7, 9, 8, 7])
        XCTAssertNotNil(gone)
        XCTAssertEqual((0..<6).filter { gone!.contains($0) }, [0, 1, 2])
        XCTAssertNil(SortedKeys.superseded([1, 2, 3]))
        XCTAssertNil(SortedKeys.superseded([]))
    }

    /// Above the radix threshold, against a dictionary of last positions.
    func testSupersededAgreesWithLastPositions() {
        var g = SystemRandomNumberGenerator()
        let keys = (0..<40_000).map { _ in UInt64.random(in: 0..<30_000, using: &g) &* 0x9E37_79B9_7F4A_7C15 }
        var last: [UInt64: Int] = [:]
        for (o, k) in keys.enumerated() { last[k] = o }
        let gone = SortedKeys.superseded(keys)!
        for (o, k) in keys.enumerated() { XCTAssertEqual(gone.contains(o), last[k] != o, "record \(o)") }
    }
}
