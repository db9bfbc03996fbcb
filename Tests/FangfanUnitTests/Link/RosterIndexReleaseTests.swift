import XCTest

@testable import FangfanCore

/// `fangfan run` lets go of the roster's join tables after link: households stay as they were, in the same
/// positions.
final class RosterIndexReleaseTests: XCTestCase {
    func testHouseholdsStayAndTheJoinTablesGo() {
        var builder = RosterBuilder(members: 40)
        for (h, p) in [(1, 1), (1, 2), (2, 3), (3, 4), (3, 5), (3, 6)] {
            let fields = [
                "44082501000800\(String(format: "%02d", h))", "下洋镇", "港沟村", "一般农户",
                ResidentID(key: 44_082_519_870_315_000 + UInt64(p)).description, "人\(p)", p == 1 || p == 3 || p == 4 ? "户主" : "配偶",
                "普通劳动力", "10000.00",
            ].map { Array($0.utf8) }
            builder.add { fields[$0][...] }
        }
        let index = RosterIndex(builder)
        let before = index.households.map { "\($0.id)|\($0.members.map(\.name))|\($0.head?.name ?? "")" }
        XCTAssertEqual(index.household(of: ResidentID(key: 44_082_519_870_315_005)), 2)
        XCTAssertEqual(index.index(of: HouseholdID(key: 4_408_250_100_080_003)), 2)
        index.releaseJoinTables()
        XCTAssertTrue(index.joinTablesReleased)
        XCTAssertEqual(index.households.map { "\($0.id)|\($0.members.map(\.name))|\($0.head?.name ?? "")" }, before)
        index.releaseJoinTables()  // twice: nothing more to let go of
        XCTAssertEqual(index.households.count, 3)
    }
}
