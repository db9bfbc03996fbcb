import Foundation
import XCTest

@testable import FangfanCore

final class ParallelResultsTests: XCTestCase {
    struct Failure: Error, Equatable { let item: Int }

    /// Item 0 waits for item 1: it succeeds only if the two run at the same time.
    static func handshake(count: Int) -> ParallelResults<Bool> {
        let met = DispatchSemaphore(value: 0)
        return ParallelResults.onThreads(count: count) { i in
            if i == 0 { return met.wait(timeout: .now() + 20) == .success }
            if i == 1 { met.signal() }
            return true
        }
    }

    func testItemsRunAtTheSameTime() throws {
        XCTAssertEqual(try Self.handshake(count: 4).all(), [true, true, true, true])
    }

    /// Inside work already spread by `concurrentPerform` (ingest preparing files two at a time), the pieces
    /// still run at the same time.
    func testNestedInsideOtherParallelWorkItemsStillRunAtTheSameTime() throws {
        let outer = ParallelResults(count: 8) { _ in try Self.handshake(count: 4).all() }
        for r in try outer.all() { XCTAssertEqual(r, [true, true, true, true]) }
    }

    /// The pieces' own threads run 10 nicer than the caller (a file read in one pass beside them keeps its
    /// core); item 0, on the calling thread, and the caller afterwards, keep the caller's priority.
    func testPieceThreadsYieldAndTheCallerKeepsItsPriority() throws {
        let caller = PieceThreadPriority.current
        let seen = try ParallelResults.onThreads(count: 3) { _ in PieceThreadPriority.current }.all()
        #if os(Linux)
        XCTAssertEqual(seen, [caller, min(caller + 10, 19), min(caller + 10, 19)])
        #endif
        XCTAssertEqual(PieceThreadPriority.current, caller)
    }

    func testResultsInItemOrderAndTheFirstErrorInItemOrder() throws {
        XCTAssertEqual(try ParallelResults.onThreads(count: 5) { $0 * $0 }.all(), [0, 1, 4, 9, 16])
        XCTAssertEqual(try ParallelResults.onThreads(count: 1) { $0 + 7 }.all(), [7])
        XCTAssertEqual(try ParallelResults.onThreads(count: 0) { $0 }.all(), [])
        let failing = ParallelResults.onThreads(count: 4) { i -> Int in
            if i >= 2 { throw Failure(item: i) }
            return i
        }
        XCTAssertEqual(try failing.get(1), 1)
        XCTAssertThrowsError(try failing.all()) { XCTAssertEqual($0 as? Failure, Failure(item: 2)) }
        XCTAssertThrowsError(try failing.get(3)) { XCTAssertEqual($0 as? Failure, Failure(item: 3)) }
    }
}
