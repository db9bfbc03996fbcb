import Foundation
import XCTest

@testable import FangfanCore

/// The state of proposed matches (RULES.md §11, feed `review`): unknown ids, a second 确认 for a record, the same
/// decision again, the same file again, a later decision.
final class LedgerReviewTests: LedgerBackendTestCase {

    func pair(_ id: String, record: String, person: UInt64, hash: UInt64) -> ReviewProposal {
        ReviewProposal(
            reviewID: id, feed: .civil, record: record, recordHash: hash, linkedHash: hash + 1,
            person: ResidentID(key: person).description, household: "4408250010010001")
    }

    func testDecisionsConflictsRepeatsAndTheLaterDecision() throws {
        onBothBackends {
            let l = try openLedger()
            try l.registerProposals(
                [
                    pair("FHA", record: "r1", person: 44082519640112345, hash: 10),
                    pair("FHB", record: "r1", person: 44082519640112346, hash: 10),
                    pair("FHC", record: "r2", person: 44082519700101001, hash: 20),
                ], month: "2021-05")
            // registering again keeps what is known
            try l.registerProposals([pair("FHA", record: "r1", person: 44082519640112345, hash: 10)], month: "2021-06")

            let file1 = try l.applyReviews(
                [
                    ("FHA", true, "张科员", "2021-06-10"), ("FHB", true, "张科员", nil),
                    ("FHX", true, "张科员", nil), ("FHC", false, "张科员", nil),
                ],
                source: "f1", sourceKey: "sha1")
            XCTAssertEqual(file1, [.applied, .conflict, .unknownReview, .applied], "a second 确认 for r1 in the same file")
            var d = try l.reviewDecisions()
            XCTAssertEqual(d.confirmed[.civil]?[10]?.person, ResidentID(key: 44082519640112345))
            XCTAssertEqual(d.confirmed[.civil]?[10]?.linkedHash, 11)
            XCTAssertEqual(d.denied, ["FHC"])
            XCTAssertEqual(try l.reviewCounts()["civil"]?.confirmed, 1)
            XCTAssertEqual(try l.reviewCounts()["civil"]?.denied, 1)

            // the same file again: nothing changes, the same rows are refused
            XCTAssertEqual(
                try l.applyReviews(
                    [
                        ("FHA", false, "李", nil), ("FHB", true, "李", nil), ("FHX", true, "李", nil),
                        ("FHC", true, "李", nil),
                    ], source: "f1", sourceKey: "sha1"),
                [.unchanged, .conflict, .unknownReview, .unchanged])
            XCTAssertEqual(try l.reviewDecisions().denied, ["FHC"])
            // the same decision in another file: unchanged
            XCTAssertEqual(try l.applyReviews([("FHA", true, "王", nil)], source: "f2", sourceKey: "sha2"), [.unchanged])
            // a later 否认 of the confirmed pair wins; then the other candidate may be confirmed
            XCTAssertEqual(
                try l.applyReviews([("FHA", false, "王", nil), ("FHB", true, "王", nil)], source: "f3", sourceKey: "sha3"),
                [.applied, .applied])
            d = try l.reviewDecisions()
            XCTAssertEqual(d.confirmed[.civil]?[10]?.person, ResidentID(key: 44082519640112346))
            XCTAssertEqual(d.denied, ["FHA", "FHC"])
        }
    }
}
