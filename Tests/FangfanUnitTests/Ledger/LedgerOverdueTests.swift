import Foundation
import GRDB
import XCTest

@testable import FangfanCore

/// RULES.md §13's verification deadline: the rule at its edges, the day D the ledger keeps per case, and the
/// cases it answers as overdue.
final class LedgerOverdueTests: LedgerBackendTestCase {

    func day(_ s: String) -> Day {
        guard case .success(let d) = Day.parse(Array(s.utf8)) else { fatalError(s) }
        return d
    }

    func alert(_ id: String, _ h: String, _ month: String, _ level: Level, _ triggers: [String] = ["illness"]) -> LedgerAlert {
        LedgerAlert(
            alertId: id, householdId: h, town: h.hasSuffix("3") ? "东港镇" : "锦和镇", village: "锦和村", month: month,
            level: level, triggers: triggers, householdType: "脱贫户")
    }

    func listedOn(_ l: Ledger, _ h: String) throws -> String? {
        try l.reading { db in try db.text("SELECT first_listed_on FROM cases WHERE household_id = ?", [.text(h)]) }
    }

    /// Hand-worked: D = 2021-06-02, verify_days = 15 → the deadline is 2021-06-17.
    func testRuleAtItsEdges() {
        let r = Overdue(verifyDays: 15)
        let d = day("2021-06-02")
        XCTAssertNil(r.days(listedOn: d, today: d))
        XCTAssertNil(r.days(listedOn: d, today: day("2021-06-17")), "D + 15 is still in time")
        XCTAssertEqual(r.days(listedOn: d, today: day("2021-06-18")), 1, "D + 16 is one day overdue")
        XCTAssertEqual(r.days(listedOn: d, today: day("2021-07-02")), 15, "over a month's end: 30 − 15")
        XCTAssertEqual(
            Overdue(verifyDays: 15).days(listedOn: day("2024-02-20"), today: day("2024-03-07")), 1,
            "a leap year's 29 February counts: 20 Feb + 15 = 6 Mar")
        XCTAssertNil(Overdue(verifyDays: 0).days(listedOn: d, today: d))
        XCTAssertEqual(Overdue(verifyDays: 0).days(listedOn: d, today: day("2021-06-03")), 1)
    }

    func testTheLedgerKeepsDAndAnswersTheOverdueCases() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-02T08:00:00Z" })
            XCTAssertTrue(try l.appliedMigrations().contains("v2-first-listed-on"))
            let h1 = "4408251010010001", h2 = "4408251010010002", h3 = "4408251010010003", h4 = "4408251010010004"
            try l.recordMonth(
                "2021-05", run: "run 2021-05", today: day("2021-06-02"),
                alerts: [
                    alert("R1", h1, "2021-05", .red), alert("O2", h2, "2021-05", .orange),
                    alert("O3", h3, "2021-05", .orange), alert("Y4", h4, "2021-05", .yellow),
                ],
                evaluations: [])
            XCTAssertEqual(try listedOn(l, h1), "2021-06-02")
            XCTAssertEqual(try listedOn(l, h2), "2021-06-02")
            XCTAssertNil(try listedOn(l, h4), "a yellow alert opens no case")
            // a rerun of May on a later day does not move D
            try l.recordMonth(
                "2021-05", run: "run 2021-05", today: day("2021-06-10"),
                alerts: [
                    alert("R1", h1, "2021-05", .red), alert("O2", h2, "2021-05", .orange),
                    alert("O3", h3, "2021-05", .orange),
                ], evaluations: [])
            XCTAssertEqual(try listedOn(l, h1), "2021-06-02")
            let rule = Overdue(verifyDays: 15)
            XCTAssertEqual(try l.overdueCases(today: day("2021-06-17"), rule: rule), [])
            XCTAssertEqual(try l.overdueDays(today: day("2021-06-17"), rule: rule), [:])
            XCTAssertEqual(
                try l.overdueDays(today: day("2021-06-18"), rule: rule), [h1: 1, h2: 1, h3: 1], "h1, h2, h3 one day late")
            // h2 was found 待核: still overdue; h1 was confirmed: in 监测中, no longer in 预警
            _ = try l.applyFinding(Finding(alertId: "O2", householdId: h2, kind: .pending, verifiedBy: "李明"), source: "t")
            _ = try l.applyFinding(Finding(alertId: "R1", householdId: h1, kind: .include, verifiedBy: "李明"), source: "t")
            let overdue = try l.overdueCases(today: day("2021-06-20"), rule: rule)
            XCTAssertEqual(overdue.map(\.householdId), [h3, h2], "ordered by town (东港镇 before 锦和镇)")
            XCTAssertEqual(overdue.map(\.days), [3, 3])
            XCTAssertEqual(try l.overdueDays(today: day("2021-06-20"), rule: rule), [h3: 3, h2: 3])
            XCTAssertEqual(
                overdue.last,
                OverdueCase(
                    householdId: h2, town: "锦和镇", village: "锦和村", alertId: "O2", level: .orange,
                    firstListedOn: day("2021-06-02"), days: 3))
            // June's alerts keep D while the case stays in 预警: the days read before they are recorded are those
            // answered after (emit makes the lists with them while the ledger records the month)
            let ahead = try l.overdueDays(today: day("2021-07-02"), rule: rule)
            XCTAssertEqual(ahead, [h3: 15, h2: 15])
            try l.recordMonth(
                "2021-06", run: "run 2021-06", today: day("2021-07-02"),
                alerts: [alert("R2", h2, "2021-06", .red, ["illness", "disaster"])], evaluations: [])
            XCTAssertEqual(try listedOn(l, h2), "2021-06-02")
            let july = try l.overdueCases(today: day("2021-07-02"), rule: rule)
            XCTAssertEqual(july.first { $0.householdId == h2 }?.days, 15)
            XCTAssertEqual(july.first { $0.householdId == h2 }?.alertId, "R2", "the case's last alert and its level")
            XCTAssertEqual(july.first { $0.householdId == h2 }?.level, .red)
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: july.map { ($0.householdId, $0.days) }), ahead)
        }
    }

    func testACaseBackInWarningStartsANewDeadline() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-02T08:00:00Z" })
            let h = "4408251010010001"
            try l.recordMonth("2021-05", run: "r", today: day("2021-06-02"), alerts: [alert("R1", h, "2021-05", .red)], evaluations: [])
            _ = try l.applyFinding(Finding(alertId: "R1", householdId: h, kind: .reject, verifiedBy: "李明"), source: "t")
            XCTAssertEqual(try l.cases(state: .rejected).map(\.householdId), [h])
            // a new trigger brings it back to 预警 (§7): D is the day of that run
            try l.recordMonth(
                "2021-06", run: "r", today: day("2021-07-05"),
                alerts: [alert("R2", h, "2021-06", .orange, ["illness", "disaster"])], evaluations: [])
            XCTAssertEqual(try l.cases(state: .warned).map(\.householdId), [h])
            XCTAssertEqual(try listedOn(l, h), "2021-07-05")
            XCTAssertEqual(try l.overdueCases(today: day("2021-07-20"), rule: Overdue(verifyDays: 15)), [])
            XCTAssertEqual(try l.overdueDays(today: day("2021-07-20"), rule: Overdue(verifyDays: 15)), [:])
            XCTAssertEqual(try l.overdueCases(today: day("2021-07-21"), rule: Overdue(verifyDays: 15)).map(\.days), [1])
            XCTAssertEqual(try l.overdueDays(today: day("2021-07-21"), rule: Overdue(verifyDays: 15)), [h: 1])
        }
    }

    /// A ledger of the first version (v1 migrations only) gains the column on opening; its cases have no D.
    func testAnOldLedgerIsMigratedAndItsCasesHaveNoDeadline() throws {
        guard backend == .sqlite else { return }  // a SQLite ledger of the first version (PostgreSQL begins at v2)
        let path = dir + "/old.sqlite"
        do {
            let q = try DatabaseQueue(path: path)
            try LedgerSchema.migrator.migrate(q, upTo: "v1-findings")
            try q.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cases (household_id, town, village, state, opened_month, updated_at)
                        VALUES ('4408251010010001', '锦和镇', '锦和村', '预警', '2021-04', '2021-05-02T08:00:00Z'),
                               ('4408251010010002', '锦和镇', '锦和村', '监测中', '2021-04', '2021-05-02T08:00:00Z');
                        INSERT INTO history (household_id, at, month, event, from_state, to_state, actor, detail)
                        VALUES ('4408251010010002', '2021-05-02T08:00:00Z', '2021-04', '核查:确认纳入', '预警', '监测中', 'x',
                                '预警编号 YJ2021-4408251010010002-01')
                        """)
            }
        }
        let l = try Ledger(path: path)
        XCTAssertTrue(try l.appliedMigrations().contains("v2-first-listed-on"))
        XCTAssertEqual(try l.cases(state: .warned).map(\.householdId), ["4408251010010001"])
        XCTAssertNil(try listedOn(l, "4408251010010001"))
        XCTAssertEqual(try l.overdueCases(today: day("2022-01-01"), rule: Overdue(verifyDays: 15)), [])
        XCTAssertEqual(try l.noticeEntries(month: "2021-05"), [], "findings from before the notice existed are not posted")
    }

    func testARunWithoutADateSetsNoDeadline() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-02T08:00:00Z" })
            try l.recordMonth("2021-05", run: "r", alerts: [alert("R1", "4408251010010001", "2021-05", .red)], evaluations: [])
            XCTAssertNil(try listedOn(l, "4408251010010001"))
            XCTAssertEqual(try l.overdueCases(today: day("2022-01-01"), rule: Overdue(verifyDays: 15)), [])
        }
    }
}

/// `rules.verify_days`: 15 in the shipped configuration, read from the file, refused out of 0…366.
final class VerifyDaysConfigTests: XCTestCase {
    func testShippedValueIsReadAndBadOnesRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try String(contentsOfFile: root.path + "/pipelines/default.toml", encoding: .utf8)
        XCTAssertTrue(shipped.contains("verify_days = 15 "))
        let path = dir.appendingPathComponent("p.toml").path
        try shipped.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try PipelineConfig.load(path: path).rules.verifyDays, 15)
        try shipped.replacingOccurrences(of: "verify_days = 15 ", with: "verify_days = 10 ").write(
            toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try PipelineConfig.load(path: path).rules.verifyDays, 10)
        for bad in ["-1", "367", "\"15\""] {
            try shipped.replacingOccurrences(of: "verify_days = 15 ", with: "verify_days = \(bad) ").write(
                toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try PipelineConfig.load(path: path), bad) { e in
                XCTAssertTrue("\(e)".contains("rules.verify_days"), "\(e)")
            }
        }
    }
}

/// RULES.md §13's public notice as the ledger answers it: findings since the previous run that moved a case into
/// 监测中 or marked it 风险已消除; a rerun of a month covers the same start.
final class LedgerNoticeTests: LedgerBackendTestCase {
    /// The notice's category comes from the household type of the alert's latest month in the ledger, looked up
    /// month by month within the months `alert_ids` keeps of the id: the latest wins; a rerun of that month
    /// without the id falls back to the month before; an id never recorded has none.
    func testHouseholdTypeOfTheAlertsLatestMonth() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-12T08:00:00Z" })
            let h = "4408251010010001", id = "YJ2021-4408251010010001-01"
            func record(_ month: String, _ type: String?) throws {
                let alerts =
                    type.map {
                        [
                            LedgerAlert(
                                alertId: id, householdId: h, town: "锦和镇", village: "锦和村", month: month, level: .yellow,
                                triggers: ["illness"], householdType: $0)
                        ]
                    } ?? []
                try l.recordMonth(month, run: "r", alerts: alerts, evaluations: [])
            }
            func type(_ alertId: String = id) throws -> String? { try l.read { try Ledger.householdType(ofAlert: alertId, $0) } }
            try record("2021-01", "一般农户")
            try record("2021-03", "脱贫户")
            XCTAssertEqual(try type(), "脱贫户")
            try record("2021-02", "监测户")  // a month between: not the latest
            XCTAssertEqual(try type(), "脱贫户")
            try record("2021-03", nil)  // 2021-03 rerun without it: 2021-02's
            XCTAssertEqual(try type(), "监测户")
            XCTAssertNil(try type("YJ2021-4408251010010009-01"))
        }
    }

    func testNoticeCoversFindingsSinceThePreviousRun() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-12T08:00:00Z" })
            XCTAssertTrue(try l.appliedMigrations().contains("v2-notice-marks"))
            let h1 = "4408251010010001", h2 = "4408251010020002", h3 = "4408251010010003"
            func alert(_ id: String, _ h: String, _ type: String) -> LedgerAlert {
                LedgerAlert(
                    alertId: id, householdId: h, town: "锦和镇", village: h == h2 ? "东村" : "锦和村", month: "2021-05",
                    level: .red, triggers: ["illness"], householdType: type)
            }
            try l.recordMonth(
                "2021-05", run: "r", alerts: [alert("R1", h1, "脱贫户"), alert("R2", h2, "一般农户"), alert("R3", h3, "一般农户")],
                evaluations: [])
            XCTAssertEqual(try l.noticeEntries(month: "2021-05"), [], "no finding yet")
            _ = try l.applyFinding(
                Finding(
                    alertId: "R1", householdId: h1, kind: .include, verifiedBy: "李明", verifiedOn: "2021-06-05",
                    measures: ["就业帮扶"]), source: "f")
            _ = try l.applyFinding(Finding(alertId: "R2", householdId: h2, kind: .include, verifiedBy: "李明"), source: "f")
            _ = try l.applyFinding(Finding(alertId: "R3", householdId: h3, kind: .reject, verifiedBy: "李明"), source: "f")
            let june = try l.noticeEntries(month: "2021-06")
            XCTAssertEqual(
                june,
                [
                    NoticeEntry(householdId: h2, town: "锦和镇", village: "东村", matter: .included, category: "边缘易致贫户", date: "2021-06-12"),
                    NoticeEntry(householdId: h1, town: "锦和镇", village: "锦和村", matter: .included, category: "脱贫不稳定户", date: "2021-06-05"),
                ], "核查日期, else the day ingested; the rejected one is not posted")
            XCTAssertEqual(try l.noticeEntries(month: "2021-06"), june, "a rerun of the month posts the same")
            XCTAssertEqual(try l.noticeEntries(month: "2021-07"), [], "the next run: nothing new")
            // marked 风险已消除 while monitored: posted as 风险消除, category 在监测
            _ = try l.applyFinding(
                Finding(alertId: "R1", householdId: h1, kind: .eliminated, verifiedBy: "李明", verifiedOn: "2021-07-20"),
                source: "g")
            _ = try l.applyFinding(Finding(alertId: "R2", householdId: h2, kind: .pending, verifiedBy: "李明"), source: "g")
            XCTAssertEqual(
                try l.noticeEntries(month: "2021-07"),
                [
                    NoticeEntry(householdId: h1, town: "锦和镇", village: "锦和村", matter: .eliminated, category: "在监测", date: "2021-07-20")
                ])
        }
    }
}
