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

    /// `CSVParallelParse` merges the wave before while the next runs: items 1… are running before `finish`
    /// (item 1 is met while the caller waits between the two), item 0 runs at `finish`, on the calling thread.
    func testStartedItemsRunWhileTheCallerWorksAndItemZeroAtFinish() throws {
        let met = DispatchSemaphore(value: 0)
        final class Order: @unchecked Sendable {
            let lock = NSLock()
            var events: [String] = []
            func add(_ e: String) { lock.lock(); events.append(e); lock.unlock() }
        }
        let order = Order()
        let caller = pthread_self()
        let started = ParallelResults.startOnThreads(count: 3) { i -> Bool in
            if i == 1 { met.signal() }
            if i == 0 { order.add("item 0") }
            let onCaller = pthread_equal(pthread_self(), caller) != 0
            return i == 0 ? onCaller : !onCaller
        }
        XCTAssertEqual(met.wait(timeout: .now() + 20), .success, "item 1 runs before finish")
        order.add("caller")
        XCTAssertEqual(try started.finish().all(), [true, true, true])
        XCTAssertEqual(order.events, ["caller", "item 0"])
    }

    /// Let go of without `finish` (the caller threw in between): its threads are waited for, none outlives it.
    func testStartedLetGoOfWaitsForItsThreads() {
        final class Done: @unchecked Sendable {
            let lock = NSLock()
            var items: Set<Int> = []
            func add(_ i: Int) { lock.lock(); items.insert(i); lock.unlock() }
        }
        let done = Done()
        do {
            _ = ParallelResults.startOnThreads(count: 4) { i -> Int in
                if i > 0 { usleep(50_000) }
                done.add(i)
                return i
            }
        }
        XCTAssertEqual(done.items, [1, 2, 3], "items 1… finished, item 0 never ran")
    }

    /// Emit's town lists beside the ledger's recording: every item once, on two threads of their own that run 10
    /// nicer than the caller (the recording keeps its core), the two at the same time, results in item order.
    func testYieldingRunsEachItemOnceOnTwoNicerThreadsAtOnce() throws {
        let caller = PieceThreadPriority.current
        let met = DispatchSemaphore(value: 0)
        final class Count: @unchecked Sendable {
            let lock = NSLock()
            var runs: [Int: Int] = [:]
            func ran(_ i: Int) { lock.lock(); runs[i, default: 0] += 1; lock.unlock() }
        }
        let count = Count()
        let seen = try ParallelResults.yielding(count: 9) { i -> (Int, Int32, Bool) in
            count.ran(i)
            // items 0 and 1 are the first each thread takes: 0 waits for 1, so the two threads ran together
            let together = i == 0 ? met.wait(timeout: .now() + 20) == .success : true
            if i == 1 { met.signal() }
            return (i * i, PieceThreadPriority.current, together)
        }.all()
        XCTAssertEqual(seen.map(\.0), [0, 1, 4, 9, 16, 25, 36, 49, 64])
        XCTAssertEqual(seen.map(\.2), Array(repeating: true, count: 9))
        XCTAssertEqual(count.runs, Dictionary(uniqueKeysWithValues: (0..<9).map { ($0, 1) }))
        #if os(Linux)
        XCTAssertEqual(Set(seen.map(\.1)), [min(caller + 10, 19)])
        #endif
        XCTAssertEqual(PieceThreadPriority.current, caller)
    }

    func testYieldingGivesTheFirstErrorInItemOrder() throws {
        XCTAssertEqual(try ParallelResults.yielding(count: 0) { $0 }.all(), [])
        XCTAssertEqual(try ParallelResults.yielding(count: 1) { $0 + 7 }.all(), [7])
        let failing = ParallelResults.yielding(count: 6) { i -> Int in
            if i == 2 || i == 4 { throw Failure(item: i) }
            return i
        }
        XCTAssertEqual(try failing.get(5), 5)
        XCTAssertThrowsError(try failing.all()) { XCTAssertEqual($0 as? Failure, Failure(item: 2)) }
        XCTAssertThrowsError(try failing.get(4)) { XCTAssertEqual($0 as? Failure, Failure(item: 4)) }
    }
}
