import FangfanTestSupport
import XCTest

@testable import FangfanCore

final class HashIndexTests: XCTestCase {
    /// Against Dictionary on the same operations: inserts past several growths, overwrites, absent keys,
    /// key 0 and keys that collide in the low bits (resident IDs differ in few digits).
    func testBehavesLikeADictionary() {
        var index = HashIndex()
        var reference: [UInt64: Int32] = [:]
        var rng = SystemRandomNumberGenerator()
        var keys: [UInt64] = [0, UInt64.max, 1 << 63]
        for i in 0..<5_000 { keys.append(UInt64(i) << 32) }  // same low bits
        for _ in 0..<20_000 { keys.append(rng.next()) }
        for (n, k) in keys.enumerated() {
            index[k] = Int32(n)
            reference[k] = Int32(n)
        }
        for (n, k) in keys.enumerated() where n % 3 == 0 {  // overwrite a third
            index[k] = Int32(n + 1)
            reference[k] = Int32(n + 1)
        }
        XCTAssertEqual(index.count, reference.count)
        for k in keys { XCTAssertEqual(index[k], reference[k]) }
        for _ in 0..<20_000 {
            let k = rng.next() as UInt64
            XCTAssertEqual(index[k], reference[k])  // almost surely absent
        }
        XCTAssertNil(HashIndex()[42])
    }

    /// A table allowed three quarters full: the same answers as a dictionary, one by one and in bulk, past growths.
    func testThreeQuartersFullBehavesLikeADictionary() {
        var rng = SystemRandomNumberGenerator()
        let keys = (0..<70_000).map { i in i % 7 == 0 ? UInt64(i) << 32 : rng.next() as UInt64 }
        var reference: [UInt64: Int32] = [:]
        for (n, k) in keys.enumerated() { reference[k] = Int32(n) }
        var one = HashIndex(minimumCapacity: 10, maxLoadQuarters: 3)
        for (n, k) in keys.enumerated() { one[k] = Int32(n) }
        var bulk = HashIndex(minimumCapacity: keys.count, maxLoadQuarters: 3)
        bulk.insert(keys: keys, values: keys.indices.map { Int32($0) })
        for index in [one, bulk] {
            XCTAssertEqual(index.count, reference.count)
            for k in keys { XCTAssertEqual(index[k], reference[k]) }
            for _ in 0..<10_000 {
                let k = rng.next() as UInt64
                XCTAssertEqual(index[k], reference[k])  // almost surely absent
            }
        }
    }

    func testPresizedIndexHoldsItsCapacityAndGrowsPastIt() {
        var index = HashIndex(minimumCapacity: 3)
        for k in 0..<100 as Range<UInt64> { index[k * 1_000_003] = Int32(k) }
        XCTAssertEqual(index.count, 100)
        for k in 0..<100 as Range<UInt64> { XCTAssertEqual(index[k * 1_000_003], Int32(k)) }
        XCTAssertNil(index[7])
    }

    /// Many pairs at once give the table one by one would: later values win, earlier keys stay, and the
    /// table grows to fit (above 65,536 pairs the grouped path, below it the plain one).
    func testBulkInsertEqualsInsertingOneByOne() {
        for n in [10, 70_000, 300_000] {
            var rng = Cuts.SplitMix64(seed: UInt64(n))
            var keys: [UInt64] = [], values: [Int32] = []
            for i in 0..<n {
                // every seventh key repeats an earlier one, with a new value
                keys.append(i % 7 == 6 ? keys[Int(rng.next() % UInt64(i))] : rng.next())
                values.append(Int32(i))
            }
            var one = HashIndex(minimumCapacity: 5), bulk = HashIndex(minimumCapacity: 5)
            one[42] = 1
            bulk[42] = 1
            for k in 0..<n { one[keys[k]] = values[k] }
            bulk.insert(keys: keys, values: values)
            XCTAssertEqual(bulk.count, one.count, "n \(n)")
            var expected: [UInt64: Int32] = [42: 1]
            for k in 0..<n { expected[keys[k]] = values[k] }
            XCTAssertEqual(bulk.count, expected.count)
            for (k, v) in expected where bulk[k] != v { XCTFail("n \(n): key \(k) has \(String(describing: bulk[k])), not \(v)"); break }
        }
    }
}

final class RosterGroupingTests: XCTestCase {
    /// The roster check sorts rows by household only when a household's rows are not already together.
    func testGroupedMeansEachKeysRowsTogether() {
        XCTAssertTrue(RosterCheck.isGrouped([]))
        XCTAssertTrue(RosterCheck.isGrouped([5]))
        XCTAssertTrue(RosterCheck.isGrouped([1, 1, 2, 2, 2, 3]))
        XCTAssertTrue(RosterCheck.isGrouped([3, 3, 1, 2, 2]))  // any order of households
        XCTAssertFalse(RosterCheck.isGrouped([1, 2, 1]))
        XCTAssertFalse(RosterCheck.isGrouped([1, 1, 2, 3, 3, 2]))
        XCTAssertFalse(RosterCheck.isGrouped([1, 2, 2, 1, 1]))
    }
}
