import Foundation
import XCTest

@testable import FangfanCore

/// What the disaster sweep asks the ledger (Sweep/Ledger+Sweep.swift), on both backends.
final class LedgerSweepQueriesTests: LedgerBackendTestCase {
    func testLedgerQueriesOfTheSweep() throws {
        onBothBackends {
            let l = try openLedger()
            func hh(_ n: Int) -> String { String(format: "440825101001%04d", n) }
            func alert(_ id: String, _ h: Int, _ m: String, _ level: Level, type: String = "一般农户") -> LedgerAlert {
                LedgerAlert(
                    alertId: id, householdId: hh(h), town: "锦和镇", village: "锦和村", month: m, level: level,
                    triggers: ["illness"], householdType: type)
            }
            // 1: yellow in March, red in April → 红 (and a case 预警). 2: orange in April, yellow in May → 黄 (case 预警
            // from April). 3: orange in April, yellow in May, then May rerun without it → back to April's 橙.
            // 4: a 监测户 with a red alert → case 监测中. 5: nothing.
            try l.recordMonth("2021-03", run: "run", alerts: [alert("Y1", 1, "2021-03", .yellow)], evaluations: [])
            try l.recordMonth(
                "2021-04", run: "run",
                alerts: [
                    alert("R1", 1, "2021-04", .red), alert("O2", 2, "2021-04", .orange),
                    alert("O3", 3, "2021-04", .orange), alert("R4", 4, "2021-04", .red, type: "监测户"),
                ],
                evaluations: [])
            try l.recordMonth(
                "2021-05", run: "run", alerts: [alert("Y2", 2, "2021-05", .yellow), alert("Y3", 3, "2021-05", .yellow)], evaluations: [])
            try l.recordMonth("2021-05", run: "run", alerts: [alert("Y2", 2, "2021-05", .yellow)], evaluations: [])
            let all = (1...5).map(hh)
            XCTAssertEqual(try l.latestAlertLevels(of: all), [hh(1): .red, hh(2): .yellow, hh(3): .orange, hh(4): .red])
            XCTAssertEqual(try l.caseStates(of: all), [hh(1): .warned, hh(2): .warned, hh(3): .warned, hh(4): .monitored])
            // more households than one statement takes
            let many = (1...1000).map(hh)
            XCTAssertEqual(try l.caseStates(of: many).count, 4)
            XCTAssertEqual(try l.latestAlertLevels(of: many).count, 4)
        }
    }
}
