import Foundation
import XCTest

@testable import FangfanCore

/// Each feed's plan is made once, by the first of its parts to ask; parts asking at the same time wait for it.
final class LinkPlansTests: XCTestCase {
    final class Calls: @unchecked Sendable {
        let lock = NSLock()
        var made: [Int] = []
        func add(_ i: Int) { lock.lock(); made.append(i); lock.unlock() }
    }

    struct Failure: Error {}

    private static func plan(_ i: Int) -> Linker.LinkPlan {
        var p = Linker.LinkPlan()
        p.files = [("feed\(i).csv", 0, 100 * i, "in\(i).csv")]
        return p
    }

    func testEachFeedsPlanIsMadeOnceHoweverManyPartsAskAtOnce() throws {
        let calls = Calls()
        let plans = LinkPlans(count: 3) { i in
            calls.add(i)
            Thread.sleep(forTimeInterval: 0.02)  // long enough for the other core's part to ask meanwhile
            return Self.plan(i)
        }
        // the first parts, on both cores at once, are all of feed 0
        let feed: @Sendable (Int) -> Int = { k in k < 4 ? 0 : k % 3 }
        let asked = try ParallelResults(count: 12) { k in try plans.plan(feed(k)).files.map(\.path) }.all()
        XCTAssertEqual(asked, (0..<12).map { ["feed\(feed($0)).csv"] })
        XCTAssertEqual(calls.made.sorted(), [0, 1, 2])
    }

    func testAPlanThatFailedIsTriedAgainByTheNextPartToAsk() throws {
        let calls = Calls()
        let plans = LinkPlans(count: 1) { i in
            calls.add(i)
            if calls.made.count == 1 { throw Failure() }
            return Self.plan(i)
        }
        XCTAssertThrowsError(try plans.plan(0)) { XCTAssertTrue($0 is Failure) }
        XCTAssertEqual(try plans.plan(0).files.map(\.bytes), [0])
        XCTAssertEqual(try plans.plan(0).files.map(\.file), ["in0.csv"])
        XCTAssertEqual(calls.made, [0, 0])
    }
}
