import XCTest

@testable import FangfanCore

/// `recordMonth`'s check that a month names each household once: numbers of one length as numbers, anything
/// else as text, never two different ids taken for one.
final class SeenHouseholdsTests: XCTestCase {
    func testEachIdOnceThenRefused() {
        var seen = SeenHouseholds(minimumCapacity: 4)
        XCTAssertTrue(seen.insert("4408251010010001"))
        XCTAssertTrue(seen.insert("4408251010010002"))
        XCTAssertFalse(seen.insert("4408251010010001"))
        XCTAssertTrue(seen.insert("4408251010010003"))
        XCTAssertFalse(seen.insert("4408251010010002"))
    }

    func testSameNumberOfAnotherLengthIsAnotherId() {
        // "012" and "12" spell the same number and are different ids; the first id's length is the numbers'
        var seen = SeenHouseholds(minimumCapacity: 4)
        XCTAssertTrue(seen.insert("012"))
        XCTAssertTrue(seen.insert("12"))
        XCTAssertTrue(seen.insert("0012"))
        XCTAssertFalse(seen.insert("12"))
        XCTAssertFalse(seen.insert("012"))
        XCTAssertFalse(seen.insert("0012"))
    }

    func testIdsThatAreNotDigitsAsText() {
        var seen = SeenHouseholds(minimumCapacity: 4)
        XCTAssertTrue(seen.insert("H-1"))
        XCTAssertTrue(seen.insert("4408251010010001"))
        XCTAssertTrue(seen.insert("4408251010010001X"))
        XCTAssertTrue(seen.insert(""))
        XCTAssertFalse(seen.insert("H-1"))
        XCTAssertFalse(seen.insert("4408251010010001X"))
        XCTAssertFalse(seen.insert(""))
        XCTAssertFalse(seen.insert("4408251010010001"))
        // twenty digits: past a 64-bit number, kept as text
        XCTAssertTrue(seen.insert("12345678901234567890"))
        XCTAssertFalse(seen.insert("12345678901234567890"))
        XCTAssertTrue(seen.insert("12345678901234567891"))
    }

    func testManyNumbers() {
        var seen = SeenHouseholds(minimumCapacity: 0)
        let ids = (0..<50_000).map { String(format: "44082510100%05d", $0) }
        for id in ids { XCTAssertTrue(seen.insert(id)) }
        XCTAssertFalse(seen.insert(ids[31_337]))
        XCTAssertTrue(seen.insert("4408251010050000"))
    }
}
