import Foundation
import XCTest

@testable import FangfanCore

/// `CSVPieceCutter`: pieces end right after a line feed and make up the file; no line feed within the limit gives up.
final class CSVPieceCutterTests: XCTestCase {
    func pieces(_ bytes: [UInt8], _ size: Int, max: Int = 1 << 20, split: [Int] = []) throws -> (pieces: [[UInt8]], gaveUp: Bool) {
        let cutter = CSVPieceCutter(MemoryByteSource(bytes, pieces: split), pieceBytes: size, maxPieceBytes: max)
        var out: [[UInt8]] = []
        while let p = try cutter.next() { out.append(p) }
        return (out, cutter.gaveUp)
    }

    func testPiecesEndAfterALineFeedAndMakeTheFile() throws {
        let text = Array((0..<200).map { "row \($0),\"a\nb\",c\r\n" }.joined().utf8)
        for size in [1, 7, 64, 333, 5000, 1 << 20] {
            for split in [[], [3], [1000]] {
                let (ps, gaveUp) = try pieces(text, size, split: split)
                XCTAssertFalse(gaveUp)
                XCTAssertEqual(Array(ps.joined()), text, "size \(size)")
                for p in ps.dropLast() {
                    XCTAssertEqual(p.last, 0x0A)
                    XCTAssertGreaterThanOrEqual(p.count, min(size, text.count) > 0 ? 1 : 0)
                }
                if size >= text.count { XCTAssertEqual(ps.count, 1) }
            }
        }
    }

    func testNoLineFeedWithinTheLimitGivesUp() throws {
        let (ps, gaveUp) = try pieces(Array(repeating: 0x41, count: 5000) + [0x0A], 100, max: 1000, split: [100])
        XCTAssertTrue(gaveUp)
        XCTAssertTrue(ps.isEmpty)
        let (ok, fine) = try pieces(Array(repeating: 0x41, count: 5000) + [0x0A, 0x42], 100, max: 10000, split: [100])
        XCTAssertFalse(fine)
        XCTAssertEqual(ok.map(\.count), [5001, 1])
    }

    func testEmptyFile() throws {
        XCTAssertEqual(try pieces([], 10).pieces.count, 0)
    }
}
