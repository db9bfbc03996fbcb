import XCTest

@testable import FangfanCore

final class OwnCopyTests: XCTestCase {
    /// The same elements, in a buffer not shared with the original (as `Array(a)` or an assignment would be).
    func testTheSameElementsInABufferOfTheirOwn() {
        let columns: [Int?] = [3, nil, 0, 7]
        let own = columns.ownCopy()
        XCTAssertEqual(own, columns)
        let shared = columns
        columns.withUnsafeBufferPointer { a in
            shared.withUnsafeBufferPointer { XCTAssertEqual($0.baseAddress, a.baseAddress, "an assignment shares") }
            own.withUnsafeBufferPointer { XCTAssertNotEqual($0.baseAddress, a.baseAddress) }
        }
        XCTAssertEqual([String]().ownCopy(), [])
    }
}
