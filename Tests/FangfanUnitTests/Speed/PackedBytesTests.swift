import XCTest

@testable import FangfanCore

/// Byte strings kept one after another give back each value as it was appended, empty ones included.
final class PackedBytesTests: XCTestCase {
    func testValuesComeBackAsAppended() {
        let values = ["阿卜杜热合曼·买买提", "", "李四", "a,\"b\"\n", ""]
        var packed = PackedBytes()
        XCTAssertEqual(packed.count, 0)
        packed.reserve(count: 2, bytes: 4)  // fewer than come: the arrays grow
        for v in values { packed.append(Array(v.utf8)[...]) }
        XCTAssertEqual(packed.count, values.count)
        XCTAssertEqual(packed.byteCount, values.reduce(0) { $0 + $1.utf8.count })
        for (k, v) in values.enumerated() {
            XCTAssertEqual(Array(packed[k]), Array(v.utf8), "value \(k)")
            XCTAssertEqual(packed.withBytes(k) { Array($0) }, Array(v.utf8), "value \(k) in place")
            XCTAssertEqual(packed.string(k), v, "value \(k) as text")
        }
    }
}
