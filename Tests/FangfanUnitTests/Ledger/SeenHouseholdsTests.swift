import XCTest

@testable import FangfanCore

/// `recordMonth`'s check that a month names each household once: numbers of one length as numbers, anything
/// else as text, never two different ids taken for one.
final class SeenHouseholdsTests: XCTestCase {
    /// Inserts the ids in order into one set; each must give its expected answer (true: new, false: named already).
    private func assertInserts(_ steps: [(String, Bool)], file: StaticString = #filePath, line: UInt = #line) {
        var seen = SeenHouseholds(minimumCapacity: steps.count)
        for (k, (id, new)) in steps.enumerated() {
            XCTAssertEqual(seen.insert(id), new, "step \(k): \(id)", file: file, line: line)
        }
    }

    func testEachIdOnceThenRefused() {
        let (a, b, c) = ("4408251010010001", "4408251010010002", "4408251010010003")
        assertInserts([(a, true), (b, true), (a, false), (c, true), (b, false)])
    }

    func testSameNumberOfAnotherLengthIsAnotherId() {
        // "012" and "12" spell the same number and are different ids; the first id's length is the numbers'
        assertInserts([("012", true), ("12", true), ("0012", true), ("12", false), ("012", false), ("0012", false)])
    }

    func testIdsThatAreNotDigitsAsText() {
        let digits = "4408251010010001"
        assertInserts([
            ("H-1", true), (digits, true), (digits + "X", true), ("", true),
            ("H-1", false), (digits + "X", false), ("", false), (digits, false),
            // twenty digits: past a 64-bit number, kept as text
            ("12345678901234567890", true), ("12345678901234567890", false), ("12345678901234567891", true),
        ])
    }

    /// `contains` answers as `insert` would (recordMonth's households with a case): the same id only.
    func testContainsTheIdsInsertedOnly() {
        var seen = SeenHouseholds(minimumCapacity: 4)
        XCTAssertFalse(seen.contains("4408251010010001"), "empty")
        for id in ["4408251010010001", "012", "H-1"] { _ = seen.insert(id) }
        XCTAssertTrue(seen.contains("4408251010010001"))
        XCTAssertFalse(seen.contains("4408251010010002"))
        XCTAssertFalse(seen.contains("0004408251010010001"), "the same number with leading zeros is another id")
        // "012" came after the first id (16 digits): kept as text, found as text
        XCTAssertTrue(seen.contains("012"))
        XCTAssertFalse(seen.contains("12"))
        XCTAssertTrue(seen.contains("H-1"))
        XCTAssertFalse(seen.contains("H-2"))
        XCTAssertFalse(seen.contains(""))
    }

    func testManyNumbers() {
        var seen = SeenHouseholds(minimumCapacity: 0)
        let ids = (0..<50_000).map { String(format: "44082510100%05d", $0) }
        for id in ids { XCTAssertTrue(seen.insert(id)) }
        XCTAssertFalse(seen.insert(ids[31_337]))
        XCTAssertTrue(seen.insert("4408251010050000"))
    }
}
