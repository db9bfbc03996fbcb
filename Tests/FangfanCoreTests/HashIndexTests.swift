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
        for i in 0..<5_000 { keys.append(UInt64(i) << 32) }                // same low bits
        for _ in 0..<20_000 { keys.append(rng.next()) }
        for (n, k) in keys.enumerated() {
            index[k] = Int32(n)
            reference[k] = Int32(n)
        }
        for (n, k) in keys.enumerated() where n % 3 == 0 {                   // overwrite a third
            index[k] = Int32(n + 1)
            reference[k] = Int32(n + 1)
        }
        XCTAssertEqual(index.count, reference.count)
        for k in keys { XCTAssertEqual(index[k], reference[k]) }
        for _ in 0..<20_000 {
            let k = rng.next() as UInt64
            XCTAssertEqual(index[k], reference[k])                          // almost surely absent
        }
        XCTAssertNil(HashIndex()[42])
    }

    func testPresizedIndexHoldsItsCapacityAndGrowsPastIt() {
        var index = HashIndex(minimumCapacity: 3)
        for k in 0..<100 as Range<UInt64> { index[k * 1_000_003] = Int32(k) }
        XCTAssertEqual(index.count, 100)
        for k in 0..<100 as Range<UInt64> { XCTAssertEqual(index[k * 1_000_003], Int32(k)) }
        XCTAssertNil(index[7])
    }
}

final class RosterGroupingTests: XCTestCase {
    /// The roster check sorts rows by household only when a household's rows are not already together.
    func testGroupedMeansEachKeysRowsTogether() {
        XCTAssertTrue(RosterCheck.isGrouped([]))
        XCTAssertTrue(RosterCheck.isGrouped([5]))
        XCTAssertTrue(RosterCheck.isGrouped([1, 1, 2, 2, 2, 3]))
        XCTAssertTrue(RosterCheck.isGrouped([3, 3, 1, 2, 2]))      // any order of households
        XCTAssertFalse(RosterCheck.isGrouped([1, 2, 1]))
        XCTAssertFalse(RosterCheck.isGrouped([1, 1, 2, 3, 3, 2]))
        XCTAssertFalse(RosterCheck.isGrouped([1, 2, 2, 1, 1]))
    }
}
