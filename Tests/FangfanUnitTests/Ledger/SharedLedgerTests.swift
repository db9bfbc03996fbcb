import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The shared ledger's own: counties in one PostgreSQL database, each run scoped to its county and locked per
/// county; the migrations under a database lock; the URL's errors. (Every other ledger test runs on it too:
/// `LedgerBackendTestCase`.)
final class SharedLedgerTests: XCTestCase {
    private var databases: [String] = []

    override func tearDownWithError() throws {
        for d in databases { PostgresTestServer.dropDatabase(d) }
    }

    private func database() throws -> LedgerURL {
        let u = try PostgresTestServer.createDatabase()
        databases.append(u)
        return try LedgerURL(u, file: "test", key: "url")
    }

    private func alert(_ id: String, _ h: String, _ level: Level = .red) -> LedgerAlert {
        LedgerAlert(
            alertId: id, householdId: h, town: h.hasPrefix("440825") ? "锦和镇" : "城关镇", village: "一村", month: "2021-05",
            level: level, triggers: ["illness"], householdType: "脱贫户")
    }

    func testCountiesShareTheTablesAndEachRunSeesItsOwn() throws {
        let url = try database()
        let a = try Ledger(url: url, county: "440825", lock: true, clock: { "2021-06-02T08:00:00Z" })
        let b = try Ledger(url: url, county: "440826", lock: true, clock: { "2021-06-02T08:00:00Z" })
        let ha = "4408251010010001", hb = "4408261010010001"
        try a.recordMonth(
            "2021-05", run: "run 2021-05", alerts: [alert("A1", ha)],
            evaluations: [LedgerEvaluation(householdId: ha, month: "2021-05", atOrAboveLine: false, triggered: true)])
        try b.recordMonth(
            "2021-05", run: "run 2021-05", alerts: [alert("B1", hb), alert("B2", "4408261010010002", .orange)],
            evaluations: [LedgerEvaluation(householdId: hb, month: "2021-05", atOrAboveLine: true, triggered: true)])
        // a rerun of the month in county A replaces A's alerts only
        try a.recordMonth("2021-05", run: "run 2021-05", alerts: [alert("A1", ha)], evaluations: [])
        XCTAssertEqual(try a.cases().map(\.householdId), [ha])
        XCTAssertEqual(try b.cases().map(\.householdId), [hb, "4408261010010002"])
        XCTAssertEqual(try a.alertHousehold("B1"), nil, "another county's alert is unknown to a run")
        XCTAssertThrowsError(try a.recordMonth("2021-05", run: "r", alerts: [alert("X", hb)], evaluations: [])) { e in
            XCTAssertEqual(e as? LedgerError, .outsideCounty(county: "440825", household: hb))
        }
        XCTAssertEqual(try a.applyFinding(Finding(alertId: "B1", householdId: hb, kind: .include), source: "f"), .unknownAlert)
        XCTAssertEqual(try b.alertCountsByMonth().map(\.count), [1, 1])
        let whole = try Ledger(url: url, county: nil, lock: false)
        XCTAssertEqual(try whole.cases().count, 3)
        XCTAssertEqual(try whole.cases(county: "440826").count, 2)
        XCTAssertEqual(
            try whole.caseCounts(by: .county).map { "\($0.group) \($0.state.rawValue) \($0.count)" },
            ["440825 预警 1", "440826 预警 2"])
        let figures = try whole.countyBreakdown(month: "2021-05")
        XCTAssertEqual(figures.map(\.county), ["440825", "440826"])
        XCTAssertEqual(figures.map(\.evaluated), [0, 1], "A's rerun replaced its evaluations with none")
        XCTAssertEqual(figures[1].alerts, [.red: 1, .orange: 1])
    }

    func testTheSameCountyTwiceIsRefusedAndOtherCountiesAreNot() throws {
        let url = try database()
        var first: Ledger? = try Ledger(url: url, county: "440825", lock: true)
        XCTAssertThrowsError(try Ledger(url: url, county: "440825", lock: true)) { e in
            guard case LedgerError.countyLocked(let c, let target) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(c, "440825")
            XCTAssertTrue(target.contains(url.database), target)
        }
        XCTAssertNoThrow(try Ledger(url: url, county: "440826", lock: true))
        XCTAssertNoThrow(try Ledger(url: url, county: "440825", lock: false), "the views take no lock")
        XCTAssertNotNil(first)
        first = nil  // the session ends, and its lock with it
        XCTAssertNoThrow(try Ledger(url: url, county: "440825", lock: true))
    }

    func testTwoFirstOpeningsAtOnceMigrateOnce() throws {
        let url = try database()
        let errors = NSLock()
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            do { _ = try Ledger(url: url, county: "44082\(i)", lock: true) } catch {
                errors.lock()
                failures.append("\(error)")
                errors.unlock()
            }
        }
        XCTAssertEqual(failures, [])
        let l = try Ledger(url: url, county: nil, lock: false)
        XCTAssertEqual(try l.appliedMigrations(), LedgerSchema.migrations.map(\.name))
        XCTAssertEqual(try l.integrityCheck(), "ok")
    }

    func testTheHistoryIsAppendOnly() throws {
        let url = try database()
        let l = try Ledger(url: url, county: "440825", lock: true)
        try l.recordMonth("2021-05", run: "r", alerts: [alert("A1", "4408251010010001")], evaluations: [])
        XCTAssertThrowsError(try l.reading { db in try db.execute("DELETE FROM history") })
        XCTAssertThrowsError(try l.reading { db in try db.execute("UPDATE history SET actor = 'x'") })
        XCTAssertEqual(try l.history(household: "4408251010010001").count, 1)
    }

    func testUnreachableServerAndFailedLoginNameHostAndDatabaseNeverThePassword() throws {
        let good = try LedgerURL(PostgresTestServer.url(), file: "test", key: "url")
        let port = good.port ?? "5432"
        let wrong = try LedgerURL(
            "postgresql://fangfan:not-the-password-xyz@\(good.host):\(port)/\(good.database)", file: "test", key: "url")
        XCTAssertThrowsError(try Ledger(url: wrong, county: nil, lock: false)) { e in
            guard case LedgerError.unreachable(let target, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(target, "host \(good.host):\(port), database \(good.database)")
            XCTAssertFalse("\(e)".contains("not-the-password-xyz"), "\(e)")
        }
        // a port nothing listens on
        let closed = try LedgerURL("postgresql://fangfan:sekrit-pw@127.0.0.1:1/ledger", file: "test", key: "url")
        XCTAssertThrowsError(try Ledger(url: closed, county: nil, lock: false)) { e in
            guard case LedgerError.unreachable(let target, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(target, "host 127.0.0.1:1, database ledger")
            XCTAssertFalse("\(e)".contains("sekrit-pw"))
        }
    }

    func testAURLThatDoesNotParseIsAConfigurationErrorNamingTheKey() {
        for bad in ["mysql://x/y", "postgresql://a:b@host:notaport/db", "postgresql://[::1/db", "host=localhost", ""] {
            XCTAssertThrowsError(try LedgerURL(bad, file: "f.toml", key: "ledger.url"), bad) { e in
                guard let c = e as? ConfigError else { return XCTFail("\(e)") }
                XCTAssertEqual(c.key, "ledger.url")
                XCTAssertFalse(c.description.contains(":b@"), c.description)
            }
        }
        XCTAssertEqual(
            try LedgerURL("postgres://u@/fangfan?host=/run/postgresql", file: "f", key: "k").target,
            "host /run/postgresql, database fangfan")
    }
}
