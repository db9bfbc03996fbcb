import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

#if canImport(Glibc)
import Glibc
#endif

/// The ledger killed (SIGKILL) in the middle of a month's write transaction: the next open finds it sound,
/// with all of the killed transaction or nothing of it. The writer is the `LedgerKillChild` executable.
final class LedgerKillTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("fangfan-ledger-kill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func hh(_ n: Int) -> String { String(format: "440825101001%04d", n) }

    private func alert(_ id: String, _ h: String, _ month: String, _ level: Level) -> LedgerAlert {
        LedgerAlert(
            alertId: id, householdId: h, town: "锦和镇", village: "锦和村", month: month, level: level,
            triggers: ["illness"], householdType: "脱贫户")
    }

    func testKillSafety() throws {
        #if os(Linux)
        let path = "\(dir)/ledger.sqlite"
        do {
            let l = try Ledger(path: path)
            try l.recordMonth("2021-05", run: "run 2021-05", alerts: [alert("A", hh(1), "2021-05", .red)], evaluations: [])
        }
        let walBaseline = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try builtExecutable("LedgerKillChild"))
        child.arguments = [path]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        let pid = child.processIdentifier
        defer { if child.isRunning { kill(pid, SIGKILL); child.waitUntilExit() } }

        // Wait until the write transaction has started and spilled pages into the WAL, then kill it.
        let deadline = Date().addingTimeInterval(120)
        var midTransaction = false
        while Date() < deadline && child.isRunning {
            if FileManager.default.fileExists(atPath: path + ".started"),
                let size = try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int,
                size > walBaseline + 512 * 1024
            {
                midTransaction = true
                break
            }
            usleep(2_000)
        }
        XCTAssertTrue(midTransaction, "the child never got into its write transaction")
        kill(pid, SIGKILL)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal)
        let finished = FileManager.default.fileExists(atPath: path + ".finished")
        XCTAssertFalse(finished, "the child finished its transaction before it was killed")

        let l = try Ledger(path: path)
        XCTAssertEqual(try l.integrityCheck(), "ok")
        // All of the killed transaction or nothing of it: nothing, since it never committed.
        XCTAssertEqual(try l.alertCountsByMonth().map(\.month), ["2021-05"])
        XCTAssertEqual(try l.caseStates(), [hh(1): .warned])
        XCTAssertNil(try l.alertHousehold("K0"))
        XCTAssertEqual(try l.history(household: hh(1)).count, 1)
        // and the ledger is writable again
        try l.recordMonth("2021-06", run: "run 2021-06", alerts: [alert("B", hh(2), "2021-06", .red)], evaluations: [])
        XCTAssertEqual(try l.caseStates().count, 2)
        XCTAssertEqual(try l.integrityCheck(), "ok")
        #else
        throw XCTSkip("the kill-safety test reads the write-ahead log as SQLite lays it out on Linux")
        #endif
    }
}
