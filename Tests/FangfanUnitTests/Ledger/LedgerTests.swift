import Foundation
import XCTest

@testable import FangfanCore

#if canImport(Glibc)
import Glibc
#endif

// Expectations below are worked by hand from the RULES.md §7 table.

// MARK: - The state machine as a pure function: every cell

final class CaseStateTransitionTests: XCTestCase {
    private func alert(_ level: Level, _ triggers: [String] = ["illness"], type: String = "脱贫户") -> LedgerEvent {
        .alert(level: level, triggers: triggers, householdType: type)
    }

    func testRedOrOrangeAlertRow() {
        for level in [Level.red, .orange] {
            // no case: open → 预警; → 监测中 if the roster types it 监测户
            XCTAssertEqual(transition(state: nil, event: alert(level)), .open(.warned, note: nil))
            XCTAssertEqual(transition(state: nil, event: alert(level, type: "一般农户")), .open(.warned, note: nil))
            XCTAssertEqual(
                transition(state: nil, event: alert(level, type: "监测户")), .open(.monitored, note: .rosterMonitored))
            // 预警 stays, triggers updated
            XCTAssertEqual(transition(state: .warned, event: alert(level)), .stay(note: .triggersUpdated))
            // 监测中 stays, recorded
            XCTAssertEqual(transition(state: .monitored, event: alert(level)), .stay(note: nil))
            // 不予纳入: → 预警 only with a trigger code outside the rejected alert's
            XCTAssertEqual(
                transition(
                    state: .rejected, event: alert(level, ["illness", "income_drop"]), rejectedOnTriggers: ["illness"]),
                .move(.warned, note: .newRiskType))
            XCTAssertEqual(
                transition(state: .rejected, event: alert(level, ["illness"]), rejectedOnTriggers: ["illness"]),
                .stay(note: nil))
            XCTAssertEqual(
                transition(
                    state: .rejected, event: alert(level, ["illness"]), rejectedOnTriggers: ["disaster", "illness"]),
                .stay(note: nil))
            XCTAssertEqual(
                transition(state: .rejected, event: alert(level, []), rejectedOnTriggers: ["illness"]),
                .stay(note: nil), "an orange alert with no trigger brings no new risk type")
            XCTAssertEqual(
                transition(state: .rejected, event: alert(level, ["disaster"]), rejectedOnTriggers: []),
                .move(.warned, note: .newRiskType))
        }
        // 风险已消除: red → 监测中 (返回监测); orange stays
        XCTAssertEqual(transition(state: .eliminated, event: alert(.red)), .move(.monitored, note: .returnToMonitoring))
        XCTAssertEqual(transition(state: .eliminated, event: alert(.orange)), .stay(note: nil))
    }

    func testYellowAlertRow() {
        XCTAssertEqual(transition(state: nil, event: alert(.yellow)), .alertKeptOnly)
        XCTAssertEqual(transition(state: nil, event: alert(.yellow, type: "监测户")), .alertKeptOnly)
        for s in CaseState.allCases {
            XCTAssertEqual(
                transition(state: s, event: alert(.yellow, ["disaster"]), rejectedOnTriggers: ["illness"]),
                .stay(note: nil), "\(s)")
        }
    }

    func testFindingIncludeRow() {
        let e = LedgerEvent.finding(.include)
        XCTAssertEqual(transition(state: nil, event: e), .open(.monitored, note: nil))
        XCTAssertEqual(transition(state: .warned, event: e), .move(.monitored, note: nil))
        XCTAssertEqual(transition(state: .monitored, event: e), .stay(note: .measuresAdded))
        XCTAssertEqual(transition(state: .rejected, event: e), .move(.monitored, note: nil))
        XCTAssertEqual(transition(state: .eliminated, event: e), .move(.monitored, note: nil))
    }

    func testFindingRejectRow() {
        let e = LedgerEvent.finding(.reject)
        XCTAssertEqual(transition(state: nil, event: e), .open(.rejected, note: nil))
        XCTAssertEqual(transition(state: .warned, event: e), .move(.rejected, note: nil))
        XCTAssertEqual(transition(state: .monitored, event: e), .refused)
        XCTAssertEqual(transition(state: .rejected, event: e), .stay(note: nil))
        XCTAssertEqual(transition(state: .eliminated, event: e), .refused)
    }

    func testFindingEliminatedRow() {
        let e = LedgerEvent.finding(.eliminated)
        XCTAssertEqual(transition(state: nil, event: e, hasMeasures: true), .refused)
        XCTAssertEqual(transition(state: .warned, event: e, hasMeasures: true), .refused)
        XCTAssertEqual(
            transition(state: .monitored, event: e, hasMeasures: true), .move(.eliminated, note: .assistedElimination))
        XCTAssertEqual(
            transition(state: .monitored, event: e, hasMeasures: false), .move(.eliminated, note: .naturalElimination))
        XCTAssertEqual(transition(state: .rejected, event: e, hasMeasures: true), .refused)
        XCTAssertEqual(transition(state: .eliminated, event: e), .stay(note: nil))
    }

    func testFindingPendingRow() {
        let e = LedgerEvent.finding(.pending)
        XCTAssertEqual(transition(state: nil, event: e), .recordWithoutCase)
        for s in CaseState.allCases {
            XCTAssertEqual(transition(state: s, event: e), .stay(note: nil), "\(s)")
        }
    }

    func testStateAfter() {
        XCTAssertEqual(Transition.open(.warned, note: nil).state(after: nil), .warned)
        XCTAssertEqual(Transition.move(.monitored, note: nil).state(after: .warned), .monitored)
        XCTAssertEqual(Transition.stay(note: nil).state(after: .rejected), .rejected)
        XCTAssertNil(Transition.alertKeptOnly.state(after: nil))
        XCTAssertEqual(Transition.refused.state(after: .monitored), .monitored)
    }

    func testMonthsBetween() {
        XCTAssertEqual(LedgerMonth.between("2020-11", "2021-05"), 6)
        XCTAssertEqual(LedgerMonth.between("2020-12", "2021-05"), 5)
        XCTAssertEqual(LedgerMonth.between("2021-05", "2021-05"), 0)
        XCTAssertNil(LedgerMonth.between("2021-13", "2021-05"))
        XCTAssertNil(LedgerMonth.between("2021-5", "2021-05"))
        XCTAssertNil(LedgerMonth.index("202105"))
        XCTAssertEqual(LedgerMonth.index("2021-05"), 2021 * 12 + 4)
        for m in ["2021-01", "2021-09", "2021-10", "2021-12", "1900-01", "9999-12"] {
            XCTAssertEqual(LedgerMonth.text(LedgerMonth.index(m)!), m)
        }
        XCTAssertEqual(LedgerMonth.text(2021 * 12 + 11), "2021-12")
        XCTAssertEqual(LedgerMonth.text(2022 * 12), "2022-01")
    }
}

// MARK: - The store

/// Every test on both backends (`LedgerBackendTestCase`); those of the SQLite file itself on SQLite only.
final class LedgerTests: LedgerBackendTestCase {
    private let now = "2021-06-02T08:00:00Z"

    private func open(_ name: String = "ledger.sqlite") throws -> Ledger {
        let at = now
        return try openLedger(name, clock: { at })
    }

    private func hh(_ n: Int) -> String { String(format: "440825101001%04d", n) }

    /// §7's suggestion (`EliminationSuggestion`, 6 months) on what the ledger supplies for `household` as of `month`.
    private func suggests(_ l: Ledger, _ household: String, _ month: String, hasLabour: Bool) throws -> Bool {
        guard let c = try l.caseRow(household: household) else { return false }
        let recent = try l.recentEvaluations(month: month, households: [household], limit: 6)[household] ?? []
        return EliminationSuggestion(months: 6).suggests(c, recent: recent, month: month, hasLabour: hasLabour)
    }

    private func alert(
        _ id: String, _ h: String, _ month: String, _ level: Level, _ triggers: [String] = ["illness"],
        type: String = "脱贫户", town: String = "锦和镇", village: String = "锦和村"
    ) -> LedgerAlert {
        LedgerAlert(
            alertId: id, householdId: h, town: town, village: village, month: month, level: level,
            triggers: triggers, householdType: type)
    }

    private func finding(
        _ id: String, _ h: String, _ kind: FindingKind, measures: [String] = [], by: String? = "李明"
    ) -> Finding {
        Finding(
            alertId: id, householdId: h, kind: kind, verifiedBy: kind == .pending ? nil : by,
            verifiedOn: "2021-06-01", measures: measures, note: nil)
    }

    private func record(_ l: Ledger, _ month: String, _ alerts: [LedgerAlert], _ evals: [LedgerEvaluation] = [])
        throws
    {
        try l.recordMonth(month, run: "run \(month)", alerts: alerts, evaluations: evals)
    }

    /// Brings household `h` into `state` with alert `A1-h` (red, [illness], 2021-04) and findings on it.
    private func bring(_ l: Ledger, _ h: String, to state: CaseState?) throws {
        guard let state else { return }
        try record(l, "2021-04", [alert("A1-\(h)", h, "2021-04", .red)])
        switch state {
        case .warned: break
        case .monitored:
            XCTAssertEqual(try l.applyFinding(finding("A1-\(h)", h, .include), source: "setup"), .applied(from: .warned, to: .monitored))
        case .rejected:
            XCTAssertEqual(try l.applyFinding(finding("A1-\(h)", h, .reject), source: "setup"), .applied(from: .warned, to: .rejected))
        case .eliminated:
            XCTAssertEqual(
                try l.applyFinding(finding("A1-\(h)", h, .include, measures: ["产业帮扶"]), source: "setup"),
                .applied(from: .warned, to: .monitored))
            XCTAssertEqual(
                try l.applyFinding(finding("A1-\(h)", h, .eliminated), source: "setup"),
                .applied(from: .monitored, to: .eliminated))
        }
        XCTAssertEqual(try l.caseStates()[h], state)
    }

    /// RULES.md §12's third category reaches the ledger: each alert row keeps the category it was listed with
    /// (migration v3-alert-category), beside the household's type; a rerun of the month replaces it.
    func testEachAlertKeepsItsCategory() throws {
        onBothBackends {
            let l = try openLedger()
            var sudden = alert("A1", hh(1), "2021-05", .orange, ["illness"], type: "一般农户")
            sudden.category = "突发严重困难户"
            var poor = alert("A2", hh(2), "2021-05", .red, ["income_drop"], type: "脱贫户")
            poor.category = "脱贫不稳定户"
            try record(l, "2021-05", [sudden, poor])
            func stored() throws -> [String] {
                try l.read { db in
                    try db.rows("SELECT household_id, household_type, category FROM alerts ORDER BY household_id", [])
                        .map { "\($0.text(0)),\($0.text(1)),\($0.text(2))" }
                }
            }
            XCTAssertEqual(try stored(), ["\(hh(1)),一般农户,突发严重困难户", "\(hh(2)),脱贫户,脱贫不稳定户"])
            sudden.category = "边缘易致贫户"
            try record(l, "2021-05", [sudden, poor])
            XCTAssertEqual(try stored(), ["\(hh(1)),一般农户,边缘易致贫户", "\(hh(2)),脱贫户,脱贫不稳定户"])
        }
    }

    // MARK: alert events × states, through the store

    func testAlertEventsOnEveryState() throws {
        onBothBackends {
            struct Cell {
                let before: CaseState?
                let level: Level
                let triggers: [String]
                let type: String
                let after: CaseState?
                let historyAdded: Int
            }
            let cells: [Cell] = [
                // no case
                Cell(before: nil, level: .red, triggers: ["illness"], type: "脱贫户", after: .warned, historyAdded: 1),
                Cell(before: nil, level: .orange, triggers: ["income_drop"], type: "一般农户", after: .warned, historyAdded: 1),
                Cell(before: nil, level: .red, triggers: ["illness"], type: "监测户", after: .monitored, historyAdded: 1),
                Cell(before: nil, level: .orange, triggers: [], type: "监测户", after: .monitored, historyAdded: 1),
                Cell(before: nil, level: .yellow, triggers: ["illness"], type: "脱贫户", after: nil, historyAdded: 0),
                Cell(before: nil, level: .yellow, triggers: ["illness"], type: "监测户", after: nil, historyAdded: 0),
                // 预警
                Cell(before: .warned, level: .red, triggers: ["illness", "income_drop"], type: "脱贫户", after: .warned, historyAdded: 1),
                Cell(before: .warned, level: .orange, triggers: ["disaster"], type: "脱贫户", after: .warned, historyAdded: 1),
                Cell(before: .warned, level: .yellow, triggers: ["disaster"], type: "脱贫户", after: .warned, historyAdded: 1),
                // 监测中
                Cell(before: .monitored, level: .red, triggers: ["illness"], type: "脱贫户", after: .monitored, historyAdded: 1),
                Cell(before: .monitored, level: .orange, triggers: ["disaster"], type: "脱贫户", after: .monitored, historyAdded: 1),
                Cell(before: .monitored, level: .yellow, triggers: ["illness"], type: "脱贫户", after: .monitored, historyAdded: 1),
                // 不予纳入 (rejected on A1: [illness])
                Cell(before: .rejected, level: .red, triggers: ["illness"], type: "脱贫户", after: .rejected, historyAdded: 1),
                Cell(before: .rejected, level: .orange, triggers: ["illness"], type: "脱贫户", after: .rejected, historyAdded: 1),
                Cell(before: .rejected, level: .red, triggers: ["illness", "income_drop"], type: "脱贫户", after: .warned, historyAdded: 1),
                Cell(before: .rejected, level: .orange, triggers: ["disaster"], type: "脱贫户", after: .warned, historyAdded: 1),
                Cell(before: .rejected, level: .yellow, triggers: ["disaster"], type: "脱贫户", after: .rejected, historyAdded: 1),
                // 风险已消除
                Cell(before: .eliminated, level: .red, triggers: ["illness"], type: "脱贫户", after: .monitored, historyAdded: 1),
                Cell(before: .eliminated, level: .orange, triggers: ["illness"], type: "脱贫户", after: .eliminated, historyAdded: 1),
                Cell(before: .eliminated, level: .yellow, triggers: ["illness"], type: "脱贫户", after: .eliminated, historyAdded: 1),
            ]
            for (i, cell) in cells.enumerated() {
                let l = try open("cell-alert-\(i).sqlite")
                let h = hh(i)
                try bring(l, h, to: cell.before)
                let historyBefore = try l.history(household: h).count
                let id = "A5-\(h)"
                try record(l, "2021-05", [alert(id, h, "2021-05", cell.level, cell.triggers, type: cell.type)])
                let label = "cell \(i): \(cell.before?.rawValue ?? "no case") + \(cell.level) \(cell.triggers)"
                XCTAssertEqual(try l.caseStates()[h], cell.after, label)
                let history = try l.history(household: h)
                XCTAssertEqual(history.count - historyBefore, cell.historyAdded, label)
                XCTAssertEqual(try l.alertHousehold(id), h, "the alert is kept: \(label)")
                if cell.historyAdded == 1, let last = history.last {
                    XCTAssertEqual(last.month, "2021-05", label)
                    XCTAssertEqual(last.actor, "run 2021-05", label)
                    XCTAssertEqual(last.fromState, cell.before, label)
                    XCTAssertEqual(last.toState, cell.after, label)
                    XCTAssertTrue(last.detail.contains(id), label)
                }
                if let c = try l.cases().first {
                    XCTAssertEqual(c.lastAlertId, id, label)
                    XCTAssertEqual(c.lastTriggers, cell.triggers, label)
                }
            }
        }
    }

    func testOpenedCaseFields() throws {
        onBothBackends {
            let l = try open()
            try record(
                l, "2021-05",
                [
                    alert("R", hh(1), "2021-05", .red, ["income_drop", "illness"], town: "城北乡", village: "东村"),
                    alert("M", hh(2), "2021-05", .orange, ["illness"], type: "监测户"),
                ])
            let r = try XCTUnwrap(try l.cases(state: .warned).first)
            XCTAssertEqual(
                r,
                CaseRow(
                    householdId: hh(1), town: "城北乡", village: "东村", state: .warned, openedMonth: "2021-05",
                    monitoredSince: nil, lastAlertId: "R", lastTriggers: ["illness", "income_drop"], eliminationKind: nil,
                    measures: []))
            let m = try XCTUnwrap(try l.cases(state: .monitored).first)
            XCTAssertEqual(m.monitoredSince, "2021-05")
            XCTAssertEqual(try l.history(household: hh(2)).first?.detail.contains("监测户"), true)
            XCTAssertEqual(try l.history(household: hh(1)).first?.event, "预警(红色)")
            XCTAssertEqual(try l.history(household: hh(1)).first?.at, now)
        }
    }

    // MARK: finding events × states, through the store

    func testFindingEventsOnEveryState() throws {
        onBothBackends {
            struct Cell {
                let before: CaseState?
                let kind: FindingKind
                let outcome: FindingOutcome
                let after: CaseState?
            }
            let cells: [Cell] = [
                Cell(before: nil, kind: .include, outcome: .applied(from: nil, to: .monitored), after: .monitored),
                Cell(before: .warned, kind: .include, outcome: .applied(from: .warned, to: .monitored), after: .monitored),
                Cell(before: .monitored, kind: .include, outcome: .applied(from: .monitored, to: .monitored), after: .monitored),
                Cell(before: .rejected, kind: .include, outcome: .applied(from: .rejected, to: .monitored), after: .monitored),
                Cell(before: .eliminated, kind: .include, outcome: .applied(from: .eliminated, to: .monitored), after: .monitored),

                Cell(before: nil, kind: .reject, outcome: .applied(from: nil, to: .rejected), after: .rejected),
                Cell(before: .warned, kind: .reject, outcome: .applied(from: .warned, to: .rejected), after: .rejected),
                Cell(before: .monitored, kind: .reject, outcome: .refused(state: .monitored), after: .monitored),
                Cell(before: .rejected, kind: .reject, outcome: .applied(from: .rejected, to: .rejected), after: .rejected),
                Cell(before: .eliminated, kind: .reject, outcome: .refused(state: .eliminated), after: .eliminated),

                Cell(before: nil, kind: .eliminated, outcome: .refused(state: nil), after: nil),
                Cell(before: .warned, kind: .eliminated, outcome: .refused(state: .warned), after: .warned),
                Cell(before: .monitored, kind: .eliminated, outcome: .applied(from: .monitored, to: .eliminated), after: .eliminated),
                Cell(before: .rejected, kind: .eliminated, outcome: .refused(state: .rejected), after: .rejected),
                Cell(before: .eliminated, kind: .eliminated, outcome: .applied(from: .eliminated, to: .eliminated), after: .eliminated),

                Cell(before: nil, kind: .pending, outcome: .applied(from: nil, to: nil), after: nil),
                Cell(before: .warned, kind: .pending, outcome: .applied(from: .warned, to: .warned), after: .warned),
                Cell(before: .monitored, kind: .pending, outcome: .applied(from: .monitored, to: .monitored), after: .monitored),
                Cell(before: .rejected, kind: .pending, outcome: .applied(from: .rejected, to: .rejected), after: .rejected),
                Cell(before: .eliminated, kind: .pending, outcome: .applied(from: .eliminated, to: .eliminated), after: .eliminated),
            ]
            for (i, cell) in cells.enumerated() {
                let l = try open("cell-finding-\(i).sqlite")
                let h = hh(100 + i)
                try bring(l, h, to: cell.before)
                // The finding refers to a yellow alert of 2021-05: recording it changes no state.
                let y = "Y5-\(h)"
                try record(l, "2021-05", [alert(y, h, "2021-05", .yellow, ["income_drop"])])
                XCTAssertEqual(try l.caseStates()[h], cell.before)
                let caseBefore = try l.cases().first
                let historyBefore = try l.history(household: h)
                let label = "cell \(i): \(cell.before?.rawValue ?? "no case") + \(cell.kind.rawValue)"

                let outcome = try l.applyFinding(
                    finding(y, h, cell.kind, measures: ["就业帮扶"]), source: "file 核查结果.xlsx (ab12cd34)")
                XCTAssertEqual(outcome, cell.outcome, label)
                XCTAssertEqual(try l.caseStates()[h], cell.after, label)
                let history = try l.history(household: h)
                if case .refused = cell.outcome {
                    XCTAssertEqual(outcome.quarantineReason, "transition_refused", label)
                    XCTAssertEqual(history, historyBefore, "a refused finding writes nothing: \(label)")
                    XCTAssertEqual(try l.cases().first, caseBefore, label)
                    // nothing was recorded as applied: the same finding is refused again, not unchanged
                    XCTAssertEqual(try l.applyFinding(finding(y, h, cell.kind, measures: ["就业帮扶"]), source: "again"), cell.outcome, label)
                } else {
                    XCTAssertNil(outcome.quarantineReason)
                    XCTAssertEqual(history.count, historyBefore.count + 1, label)
                    let last = try XCTUnwrap(history.last)
                    XCTAssertEqual(last.event, "核查:\(cell.kind.rawValue)", label)
                    XCTAssertEqual(last.month, "2021-05", label)
                    XCTAssertEqual(last.fromState, cell.before, label)
                    XCTAssertEqual(last.toState, cell.after, label)
                    if cell.kind == .pending {
                        XCTAssertEqual(last.actor, "file 核查结果.xlsx (ab12cd34)", label)
                    } else {
                        XCTAssertEqual(last.actor, "李明 (file 核查结果.xlsx (ab12cd34))", label)
                    }
                    if cell.after != nil {
                        let c = try XCTUnwrap(try l.cases().first)
                        XCTAssertTrue(c.measures.contains("就业帮扶"), "measures accumulate: \(label)")
                    }
                    // the same finding again: nothing written
                    XCTAssertEqual(try l.applyFinding(finding(y, h, cell.kind, measures: ["就业帮扶"]), source: "again"), .unchanged, label)
                    XCTAssertEqual(try l.history(household: h).count, history.count, label)
                }
            }
        }
    }

    func testFindingOpensCaseWithAlertFields() throws {
        onBothBackends {
            let l = try open()
            try record(l, "2021-05", [alert("Y", hh(1), "2021-05", .yellow, ["disaster"], town: "西连镇", village: "北村")])
            XCTAssertEqual(try l.caseStates(), [:])
            XCTAssertEqual(
                try l.applyFinding(finding("Y", hh(1), .include, measures: ["综合保障"]), source: "f"),
                .applied(from: nil, to: .monitored))
            XCTAssertEqual(
                try l.cases().first,
                CaseRow(
                    householdId: hh(1), town: "西连镇", village: "北村", state: .monitored, openedMonth: "2021-05",
                    monitoredSince: "2021-05", lastAlertId: "Y", lastTriggers: ["disaster"], eliminationKind: nil,
                    measures: ["综合保障"]))
        }
    }

    func testPendingWithoutCaseIsRecordedWithoutOpeningOne() throws {
        onBothBackends {
            let l = try open()
            try record(l, "2021-05", [alert("Y", hh(1), "2021-05", .yellow)])
            XCTAssertEqual(try l.applyFinding(finding("Y", hh(1), .pending), source: "f"), .applied(from: nil, to: nil))
            XCTAssertEqual(try l.caseStates(), [:])
            XCTAssertEqual(try l.history(household: hh(1)).map(\.event), ["核查:待核"])
            XCTAssertEqual(try l.countsByState().values.reduce(0, +), 0)
        }
    }

    func testUnknownAlertAndHouseholdMismatchWriteNothing() throws {
        onBothBackends {
            let l = try open()
            try record(l, "2021-05", [alert("R", hh(1), "2021-05", .red)])
            let unknown = try l.applyFinding(finding("NOPE", hh(1), .include), source: "f")
            XCTAssertEqual(unknown, .unknownAlert)
            XCTAssertEqual(unknown.quarantineReason, "unknown_alert")
            let mismatch = try l.applyFinding(finding("R", hh(2), .include), source: "f")
            XCTAssertEqual(mismatch, .householdMismatch(expected: hh(1)))
            XCTAssertEqual(mismatch.quarantineReason, "alert_household_mismatch")
            XCTAssertEqual(try l.caseStates(), [hh(1): .warned])
            XCTAssertEqual(try l.history(household: hh(1)).count, 1)
            XCTAssertEqual(try l.history(household: hh(2)).count, 0)
            XCTAssertNil(try l.alertHousehold("NOPE"))
        }
    }

    func testSameFindingUnchangedAndDifferentLaterFindingApplied() throws {
        onBothBackends {
            let l = try open()
            let h = hh(1)
            try record(l, "2021-05", [alert("R", h, "2021-05", .red)])
            XCTAssertEqual(try l.applyFinding(finding("R", h, .pending), source: "f1"), .applied(from: .warned, to: .warned))
            XCTAssertEqual(try l.applyFinding(finding("R", h, .pending), source: "f2"), .unchanged)
            XCTAssertEqual(
                try l.applyFinding(finding("R", h, .include, measures: ["就业帮扶", "产业帮扶"]), source: "f3"),
                .applied(from: .warned, to: .monitored))
            // same conclusion, verifier differs, no new measure: the same finding
            XCTAssertEqual(
                try l.applyFinding(finding("R", h, .include, measures: ["产业帮扶"], by: "王芳"), source: "f4"), .unchanged)
            // same conclusion with a new measure: applied, measure added (order of first appearance)
            XCTAssertEqual(
                try l.applyFinding(finding("R", h, .include, measures: ["综合保障", "就业帮扶"]), source: "f5"),
                .applied(from: .monitored, to: .monitored))
            XCTAssertEqual(try l.cases().first?.measures, ["就业帮扶", "产业帮扶", "综合保障"])
            // a different later finding: applied
            XCTAssertEqual(try l.applyFinding(finding("R", h, .pending), source: "f6"), .applied(from: .monitored, to: .monitored))
            // and the earlier one again is now different from the last: applied again
            XCTAssertEqual(
                try l.applyFinding(finding("R", h, .include), source: "f7"), .applied(from: .monitored, to: .monitored))
            XCTAssertEqual(
                try l.history(household: h).map(\.event),
                ["预警(红色)", "核查:待核", "核查:确认纳入", "核查:确认纳入", "核查:待核", "核查:确认纳入"])
        }
    }

    func testRejectedOnTriggersFollowTheLatestRejection() throws {
        onBothBackends {
            let l = try open()
            let h = hh(1)
            try record(l, "2021-03", [alert("A", h, "2021-03", .red, ["illness"])])
            XCTAssertEqual(try l.applyFinding(finding("A", h, .reject), source: "f"), .applied(from: .warned, to: .rejected))
            try record(l, "2021-04", [alert("B", h, "2021-04", .orange, ["illness", "income_drop"])])
            XCTAssertEqual(try l.caseStates()[h], .warned, "income_drop is new")
            XCTAssertEqual(try l.applyFinding(finding("B", h, .reject), source: "f"), .applied(from: .warned, to: .rejected))
            try record(l, "2021-05", [alert("C", h, "2021-05", .red, ["income_drop"])])
            XCTAssertEqual(try l.caseStates()[h], .rejected, "income_drop was among B's triggers")
            // the later finding wins: 不予纳入 → 监测中
            XCTAssertEqual(try l.applyFinding(finding("C", h, .include), source: "f"), .applied(from: .rejected, to: .monitored))
            XCTAssertEqual(try l.cases().first?.monitoredSince, "2021-05")
        }
    }

    // MARK: files, reruns

    func testApplyingTheSameFileAgainIsANoOp() throws {
        onBothBackends {
            let l = try open()
            try record(
                l, "2021-05",
                [alert("R1", hh(1), "2021-05", .red), alert("R2", hh(2), "2021-05", .orange), alert("Y3", hh(3), "2021-05", .yellow)])
            var fs = [
                finding("R1", hh(1), .include, measures: ["产业帮扶"]),
                finding("R2", hh(2), .reject),
                finding("Y3", hh(3), .eliminated),  // refused: no case
                finding("XX", hh(4), .include),  // unknown
                finding("R1", hh(9), .include),  // mismatch
            ]
            fs[0].row = 2
            let first = try l.applyFindings(fs, source: "file 核查结果_锦和镇.xlsx (ab12cd34)", sourceKey: "ab12cd34ef")
            XCTAssertEqual(
                first,
                [
                    .applied(from: .warned, to: .monitored), .applied(from: .warned, to: .rejected), .refused(state: nil),
                    .unknownAlert, .householdMismatch(expected: hh(1)),
                ])
            XCTAssertEqual(try l.history(household: hh(1)).last?.actor, "李明 (file 核查结果_锦和镇.xlsx (ab12cd34) row 2)")
            let states = try l.caseStates()
            let histories = try (1...3).map { try l.history(household: hh($0)) }
            let again = try l.applyFindings(fs, source: "file 核查结果_锦和镇(1).xlsx (ab12cd34)", sourceKey: "ab12cd34ef")
            // applied ones come back unchanged; refused / unknown / mismatched ones as the first time
            XCTAssertEqual(again, [.unchanged, .unchanged, .refused(state: nil), .unknownAlert, .householdMismatch(expected: hh(1))])
            XCTAssertEqual(try l.caseStates(), states)
            XCTAssertEqual(try (1...3).map { try l.history(household: hh($0)) }, histories)
            XCTAssertEqual(try l.caseStates(), [hh(1): .monitored, hh(2): .rejected])
        }
    }

    func testEmptyFileIsRecordedToo() throws {
        onBothBackends {
            let l = try open()
            try record(l, "2021-05", [alert("R1", hh(1), "2021-05", .red)])
            XCTAssertEqual(try l.applyFindings([], source: "empty", sourceKey: "e"), [])
            XCTAssertEqual(try l.applyFindings([finding("R1", hh(1), .include)], source: "again", sourceKey: "e"), [.unchanged])
            XCTAssertEqual(try l.caseStates(), [hh(1): .warned])
        }
    }

    func testRerunOfAMonthReplacesAlertsWithoutDuplicatingHistory() throws {
        onBothBackends {
            let l = try open()
            let may = [
                alert("R1", hh(1), "2021-05", .red), alert("Y2", hh(2), "2021-05", .yellow),
                alert("O3", hh(3), "2021-05", .orange, ["income_drop"]),
            ]
            let evals = (1...4).map { LedgerEvaluation(householdId: hh($0), month: "2021-05", atOrAboveLine: $0 == 4, triggered: $0 != 4) }
            try record(l, "2021-04", [alert("R1", hh(1), "2021-04", .red)])
            try record(l, "2021-05", may, evals)
            let states = try l.caseStates()
            let histories = try (1...3).map { try l.history(household: hh($0)) }
            XCTAssertEqual(states, [hh(1): .warned, hh(3): .warned])
            XCTAssertEqual(histories.map(\.count), [2, 0, 1])

            // the same run again: nothing new
            try record(l, "2021-05", may, evals)
            XCTAssertEqual(try l.caseStates(), states)
            XCTAssertEqual(try (1...3).map { try l.history(household: hh($0)) }, histories)
            XCTAssertTrue(
                try l.alertCountsByMonth().elementsEqual(
                    [("2021-04", Level.red, 1), ("2021-05", .red, 1), ("2021-05", .orange, 1), ("2021-05", .yellow, 1)],
                    by: { $0.month == $1.0 && $0.level == $1.1 && $0.count == $1.2 }))

            // a finding between the runs is not undone by a rerun
            XCTAssertEqual(try l.applyFinding(finding("O3", hh(3), .reject), source: "f"), .applied(from: .warned, to: .rejected))
            try record(l, "2021-05", may, evals)
            XCTAssertEqual(try l.caseStates()[hh(3)], .rejected)
            XCTAssertEqual(try l.history(household: hh(3)).count, 2)

            // a rerun with different alerts replaces the month's alerts; every id stays known
            try record(l, "2021-05", [alert("R1", hh(1), "2021-05", .red)], evals)
            XCTAssertTrue(
                try l.alertCountsByMonth().elementsEqual(
                    [("2021-04", Level.red, 1), ("2021-05", .red, 1)],
                    by: { $0.month == $1.0 && $0.level == $1.1 && $0.count == $1.2 }))
            XCTAssertEqual(try l.alertHousehold("Y2"), hh(2))
            XCTAssertEqual(try l.alertHousehold("O3"), hh(3))
            XCTAssertEqual(try l.history(household: hh(1)).count, 2)
            // and a finding on a dropped alert still applies (the id is known)
            XCTAssertEqual(try l.applyFinding(finding("Y2", hh(2), .include), source: "f"), .applied(from: nil, to: .monitored))
        }
    }

    func testRerunWithAChangedLevelIsANewEvent() throws {
        onBothBackends {
            let l = try open()
            let h = hh(1)
            try bring(l, h, to: .eliminated)
            try record(l, "2021-05", [alert("A", h, "2021-05", .orange)])
            XCTAssertEqual(try l.caseStates()[h], .eliminated)
            // late department data: the rerun of May makes the same alert red
            try record(l, "2021-05", [alert("A", h, "2021-05", .red)])
            XCTAssertEqual(try l.caseStates()[h], .monitored)
            XCTAssertEqual(try l.history(household: h).suffix(2).map(\.event), ["预警(橙色)", "预警(红色)"])
        }
    }

    /// recordMonth reads the ids already recorded of its alerts' monitoring years only (`alertIdRanges`): an id of
    /// the year is still found (reused for another household: refused), one of another year is not in the way.
    func testAlertIdsOfTheMonthsYearAreFound() throws {
        onBothBackends {
            let l = try open()
            let id2021 = "YJ2021-\(hh(1))-01", id2020 = "YJ2020-\(hh(2))-01"
            try record(l, "2021-01", [alert(id2020, hh(2), "2021-01", .red)])
            try record(l, "2021-04", [alert(id2021, hh(1), "2021-04", .red)])
            XCTAssertThrowsError(try record(l, "2021-05", [alert(id2021, hh(2), "2021-05", .red)])) { error in
                XCTAssertEqual(error as? LedgerError, .alertHouseholdConflict(alertId: id2021, known: hh(1), given: hh(2)))
            }
            XCTAssertThrowsError(try record(l, "2021-05", [alert(id2020, hh(3), "2021-05", .red)])) { error in
                XCTAssertEqual(error as? LedgerError, .alertHouseholdConflict(alertId: id2020, known: hh(2), given: hh(3)))
            }
            try record(l, "2021-05", [alert(id2021, hh(1), "2021-05", .orange), alert("YJ2021-\(hh(3))-00", hh(3), "2021-05", .red)])
            XCTAssertEqual(try l.alertHousehold(id2021), hh(1))
            XCTAssertEqual(try l.alertHousehold("YJ2021-\(hh(3))-00"), hh(3))
            XCTAssertEqual(try l.caseStates(), [hh(1): .warned, hh(2): .warned, hh(3): .warned])
        }
    }

    func testRecordMonthIsOneTransaction() throws {
        onBothBackends {
            let l = try open()
            try record(l, "2021-04", [alert("A", hh(1), "2021-04", .red)])
            // B is fine, but C reuses A's id for another household: the whole call fails, nothing of it stays
            XCTAssertThrowsError(
                try record(
                    l, "2021-05", [alert("B", hh(0), "2021-05", .red), alert("A", hh(2), "2021-05", .red)],
                    [LedgerEvaluation(householdId: hh(0), month: "2021-05", atOrAboveLine: false, triggered: true)])
            ) { error in
                XCTAssertEqual(error as? LedgerError, .alertHouseholdConflict(alertId: "A", known: hh(1), given: hh(2)))
            }
            XCTAssertEqual(try l.caseStates(), [hh(1): .warned])
            XCTAssertNil(try l.alertHousehold("B"))
            XCTAssertEqual(try l.alertCountsByMonth().map(\.month), ["2021-04"])
            XCTAssertThrowsError(try record(l, "2021-5", [])) { XCTAssertEqual($0 as? LedgerError, .badMonth("2021-5")) }
            XCTAssertThrowsError(try record(l, "2021-05", [alert("B", hh(0), "2021-06", .red)]))
            XCTAssertThrowsError(try record(l, "2021-05", [alert("B", hh(0), "2021-05", .red), alert("C", hh(0), "2021-05", .red)]))
        }
    }

    func testAHouseholdNamedTwiceInAMonthIsRefused() throws {
        onBothBackends {
            let l = try open()
            func e(_ n: Int) -> LedgerEvaluation {
                LedgerEvaluation(householdId: hh(n), month: "2021-05", atOrAboveLine: false, triggered: true)
            }
            // evaluations: the second naming is the one reported; nothing of the call stays
            XCTAssertThrowsError(try record(l, "2021-05", [alert("B", hh(1), "2021-05", .red)], [e(1), e(2), e(3), e(2), e(1)])) {
                XCTAssertEqual($0 as? LedgerError, .duplicateHousehold(month: "2021-05", household: hh(2)))
            }
            XCTAssertEqual(try l.caseStates(), [:])
            // alerts: two alerts of one household
            XCTAssertThrowsError(
                try record(
                    l, "2021-05",
                    [alert("B", hh(1), "2021-05", .red), alert("C", hh(4), "2021-05", .red), alert("D", hh(1), "2021-05", .red)])
            ) { XCTAssertEqual($0 as? LedgerError, .duplicateHousehold(month: "2021-05", household: hh(1))) }
            // ids of other lengths are other households
            try record(
                l, "2021-05", [alert("B", hh(1), "2021-05", .red)],
                [e(1), e(2), LedgerEvaluation(householdId: "0" + hh(2), month: "2021-05", atOrAboveLine: true, triggered: false)])
            XCTAssertEqual(try l.caseStates(), [hh(1): .warned])
        }
    }

    // MARK: 返回监测, 帮扶消除 / 自然消除

    func testReturnToMonitoring() throws {
        onBothBackends {
            let l = try open()
            let h = hh(1)
            try record(l, "2021-01", [alert("A", h, "2021-01", .red)])
            _ = try l.applyFinding(finding("A", h, .include, measures: ["就业帮扶"]), source: "f")
            XCTAssertEqual(try l.cases().first?.monitoredSince, "2021-01")
            XCTAssertEqual(try l.applyFinding(finding("A", h, .eliminated), source: "f"), .applied(from: .monitored, to: .eliminated))
            XCTAssertEqual(try l.cases().first?.eliminationKind, "帮扶消除")
            try record(l, "2021-03", [alert("B", h, "2021-03", .orange, ["income_drop"])])
            XCTAssertEqual(try l.caseStates()[h], .eliminated, "orange: stays")
            try record(l, "2021-04", [alert("C", h, "2021-04", .yellow, ["income_drop"])])
            XCTAssertEqual(try l.caseStates()[h], .eliminated, "yellow: recorded")
            try record(l, "2021-05", [alert("D", h, "2021-05", .red, ["income_drop"])])
            let c = try XCTUnwrap(try l.cases().first)
            XCTAssertEqual(c.state, .monitored)
            XCTAssertEqual(c.monitoredSince, "2021-05", "a new monitoring spell")
            XCTAssertNil(c.eliminationKind)
            XCTAssertEqual(c.measures, ["就业帮扶"])
            let last = try XCTUnwrap(try l.history(household: h).last)
            XCTAssertEqual(last.fromState, .eliminated)
            XCTAssertEqual(last.toState, .monitored)
            XCTAssertTrue(last.detail.contains("返回监测"), last.detail)
            XCTAssertEqual(try l.countsByState(), [.warned: 0, .monitored: 1, .rejected: 0, .eliminated: 0])
        }
    }

    func testAssistedVersusNaturalElimination() throws {
        onBothBackends {
            let l = try open()
            try record(
                l, "2021-05",
                [alert("A", hh(1), "2021-05", .red), alert("B", hh(2), "2021-05", .red), alert("C", hh(3), "2021-05", .red)])
            // 1: measure recorded on inclusion → 帮扶消除
            _ = try l.applyFinding(finding("A", hh(1), .include, measures: ["产业帮扶"]), source: "f")
            _ = try l.applyFinding(finding("A", hh(1), .eliminated), source: "f")
            // 2: no measure ever → 自然消除
            _ = try l.applyFinding(finding("B", hh(2), .include), source: "f")
            _ = try l.applyFinding(finding("B", hh(2), .eliminated), source: "f")
            // 3: the measure comes with the elimination finding itself → 帮扶消除
            _ = try l.applyFinding(finding("C", hh(3), .include), source: "f")
            _ = try l.applyFinding(finding("C", hh(3), .eliminated, measures: ["综合保障"]), source: "f")
            let kinds = Dictionary(uniqueKeysWithValues: try l.cases().map { ($0.householdId, $0.eliminationKind) })
            XCTAssertEqual(kinds, [hh(1): "帮扶消除", hh(2): "自然消除", hh(3): "帮扶消除"])
            XCTAssertTrue(try l.history(household: hh(2)).last!.detail.contains("自然消除"))
            XCTAssertEqual(try l.countsByState()[.eliminated], 3)
            XCTAssertEqual(try l.cases(state: .eliminated).count, 3)
        }
    }

    // MARK: suggested risk elimination

    private enum Spoil { case none, monitoredFiveMonths, belowLine, triggered, noMeasure, fiveEvaluations }

    /// Household hh(1): red alert 2020-11 (evaluated below the line, triggered), 确认纳入 (monitoredSince
    /// 2020-11) with a measure, then 2020-12 … 2021-05 evaluated at or above the line without trigger;
    /// `spoil` breaks one condition alone.
    private func eligible(_ spoil: Spoil) throws -> Ledger {
        let l = try open("suggest-\(spoil).sqlite")
        let h = hh(1)
        // monitored 5 months: the alert (and so 监测中) comes in 2020-12, a month that is itself evaluated fine
        let start = spoil == .monitoredFiveMonths ? "2020-12" : "2020-11"
        let startFine = start == "2020-12"
        // fewer than 6 evaluated months: the alert month has no evaluation either (else it would be the 6th, a bad one)
        try record(
            l, start, [alert("A", h, start, .red)],
            spoil == .fiveEvaluations
                ? [] : [LedgerEvaluation(householdId: h, month: start, atOrAboveLine: startFine, triggered: !startFine)])
        _ = try l.applyFinding(
            finding("A", h, .include, measures: spoil == .noMeasure ? [] : ["就业帮扶"]), source: "f")
        XCTAssertEqual(try l.cases().first?.monitoredSince, start)
        for m in ["2020-12", "2021-01", "2021-02", "2021-03", "2021-04", "2021-05"] where m != start {
            if spoil == .fiveEvaluations && m == "2021-01" { continue }
            let e = LedgerEvaluation(
                householdId: h, month: m, atOrAboveLine: !(spoil == .belowLine && m == "2021-02"),
                triggered: spoil == .triggered && m == "2021-03")
            try record(l, m, [], [e])
        }
        return l
    }

    func testSuggestsEliminationWhenEveryConditionHolds() throws {
        onBothBackends {
            let l = try eligible(.none)
            XCTAssertTrue(try suggests(l, hh(1), "2021-05", hasLabour: true))
            // as of 2021-04 only 5 months of monitoring and 5 good months
            XCTAssertFalse(try suggests(l, hh(1), "2021-04", hasLabour: true))
            // a bad month after M does not count
            try record(l, "2021-06", [], [LedgerEvaluation(householdId: hh(1), month: "2021-06", atOrAboveLine: false, triggered: true)])
            XCTAssertTrue(try suggests(l, hh(1), "2021-05", hasLabour: true))
            XCTAssertFalse(try suggests(l, hh(1), "2021-06", hasLabour: true))
            // another household: no case
            XCTAssertFalse(try suggests(l, hh(2), "2021-05", hasLabour: true))
        }
    }

    func testSuggestsEliminationFailsOnEachConditionAlone() throws {
        onBothBackends {
            XCTAssertFalse(try suggests(eligible(.monitoredFiveMonths), hh(1), "2021-05", hasLabour: true))
            XCTAssertFalse(try suggests(eligible(.belowLine), hh(1), "2021-05", hasLabour: true))
            XCTAssertFalse(try suggests(eligible(.triggered), hh(1), "2021-05", hasLabour: true))
            XCTAssertFalse(try suggests(eligible(.noMeasure), hh(1), "2021-05", hasLabour: true))
            XCTAssertFalse(try suggests(eligible(.none), hh(1), "2021-05", hasLabour: false))
            XCTAssertFalse(try suggests(eligible(.fiveEvaluations), hh(1), "2021-05", hasLabour: true))
        }
    }

    func testSuggestsEliminationOnlyWhileMonitoredAndAfterRerunReplacesEvaluations() throws {
        onBothBackends {
            let l = try eligible(.none)
            // a rerun of 2021-05 that now finds the household below the line replaces the evaluation
            try record(l, "2021-05", [], [LedgerEvaluation(householdId: hh(1), month: "2021-05", atOrAboveLine: false, triggered: false)])
            XCTAssertFalse(try suggests(l, hh(1), "2021-05", hasLabour: true))
            try record(l, "2021-05", [], [LedgerEvaluation(householdId: hh(1), month: "2021-05", atOrAboveLine: true, triggered: false)])
            XCTAssertTrue(try suggests(l, hh(1), "2021-05", hasLabour: true))
            // once marked 风险已消除 it is no longer suggested
            _ = try l.applyFinding(finding("A", hh(1), .eliminated), source: "f")
            XCTAssertFalse(try suggests(l, hh(1), "2021-05", hasLabour: true))
        }
    }

    /// RULES.md §12 on §7: the evaluations the suggestion reads carry the triggers of the month's alert (the `alerts`
    /// row joined to the evaluation); an alert of 2021-03 with `water` withholds the suggestion by itself (its
    /// evaluation here says nothing fired, to isolate the join); the month rerun without it gives it back.
    func testRecentEvaluationsCarryTheMonthsAlertTriggers() throws {
        let l = try eligible(.none)
        let fine = LedgerEvaluation(householdId: hh(1), month: "2021-03", atOrAboveLine: true, triggered: false)
        try record(l, "2021-03", [alert("W", hh(1), "2021-03", .orange, ["water"])], [fine])
        let recent = try XCTUnwrap(try l.recentEvaluations(month: "2021-05", households: [hh(1)], limit: 6)[hh(1)])
        XCTAssertEqual(recent.map(\.month), ["2021-05", "2021-04", "2021-03", "2021-02", "2021-01", "2020-12"])
        XCTAssertEqual(recent.map(\.triggers), [[], [], ["water"], [], [], []])
        XCTAssertFalse(try suggests(l, hh(1), "2021-05", hasLabour: true))
        // a plan trigger in the alert alone is §7's `triggered` business, not §12's condition
        try record(l, "2021-03", [alert("I", hh(1), "2021-03", .yellow, ["illness"])], [fine])
        XCTAssertTrue(try suggests(l, hh(1), "2021-05", hasLabour: true))
        try record(l, "2021-03", [alert("H", hh(1), "2021-03", .orange, ["housing", "illness"])], [fine])
        XCTAssertFalse(try suggests(l, hh(1), "2021-05", hasLabour: true))
        try record(l, "2021-03", [], [fine])
        XCTAssertTrue(try suggests(l, hh(1), "2021-05", hasLabour: true))
    }

    // MARK: queries

    func testCasesFilteredAndCounted() throws {
        onBothBackends {
            let l = try open()
            try record(
                l, "2021-05",
                [
                    alert("A", hh(3), "2021-05", .red, town: "锦和镇", village: "乙村"),
                    alert("B", hh(1), "2021-05", .red, town: "锦和镇", village: "甲村"),
                    alert("C", hh(2), "2021-05", .orange, type: "监测户", town: "城北乡", village: "东村"),
                    alert("D", hh(4), "2021-05", .yellow, town: "城北乡", village: "东村"),
                ])
            // town, village, household as SQLite compares UTF-8: 城 (U+57CE) < 锦 (U+9526); 乙 (U+4E59) < 甲 (U+7532)
            XCTAssertEqual(try l.cases().map(\.householdId), [hh(2), hh(3), hh(1)])
            XCTAssertEqual(try l.cases(town: "锦和镇").count, 2)
            XCTAssertEqual(try l.cases(state: .monitored, town: "城北乡").map(\.householdId), [hh(2)])
            XCTAssertEqual(try l.cases(state: .monitored, town: "锦和镇"), [])
            XCTAssertEqual(try l.countsByState(), [.warned: 2, .monitored: 1, .rejected: 0, .eliminated: 0])
            XCTAssertEqual(try l.caseStates(), [hh(1): .warned, hh(2): .monitored, hh(3): .warned])
            XCTAssertEqual(try l.alertHousehold("D"), hh(4))
        }
    }

    // MARK: the file

    func testFilesAreOwnerOnly() throws {
        guard backend == .sqlite else { return }  // the SQLite file's own
        let previous = umask(0o022)
        defer { umask(previous) }
        let path = "\(dir)/ledger.sqlite"
        let l = try Ledger(path: path)
        try l.recordMonth("2021-05", run: "run 2021-05", alerts: [alert("A", hh(1), "2021-05", .red)], evaluations: [])
        XCTAssertEqual(umask(0o022), 0o022, "the process umask is restored")
        for p in [path, path + "-wal", path + "-shm"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: p), p)
            var st = stat()
            XCTAssertEqual(stat(p, &st), 0, p)
            XCTAssertEqual(st.st_mode & 0o777, 0o600, p)
        }
        XCTAssertEqual(try l.integrityCheck(), "ok")
    }

    func testExistingFileIsMadeOwnerOnly() throws {
        guard backend == .sqlite else { return }  // the SQLite file's own
        let path = "\(dir)/ledger.sqlite"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        _ = try Ledger(path: path)
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
    }

    func testReopeningKeepsDataAndMigrationsAreIdempotent() throws {
        onBothBackends {
            let names = [
                "v1-cases", "v1-alerts", "v1-findings", "v2-review", "v2-first-listed-on", "v2-notice-marks", "v3-alert-category",
                "v4-history-month", "v5-alert-counts",
            ]
            do {
                let l = try open()
                XCTAssertEqual(try l.appliedMigrations(), names)
                try record(l, "2021-05", [alert("A", hh(1), "2021-05", .red)])
                _ = try l.applyFinding(finding("A", hh(1), .include, measures: ["产业帮扶"]), source: "f")
            }
            for _ in 0..<2 {
                let l = try open()
                XCTAssertEqual(try l.appliedMigrations(), names)
                XCTAssertEqual(try l.caseStates(), [hh(1): .monitored])
                XCTAssertEqual(try l.history(household: hh(1)).count, 2)
                XCTAssertEqual(try l.cases().first?.measures, ["产业帮扶"])
                XCTAssertEqual(try l.integrityCheck(), "ok")
            }
        }
    }

    func testJournalModeIsWAL() throws {
        onBothBackends {
            guard backend == .sqlite else { return }  // the SQLite file's own
            _ = try open()
            // The WAL journal mode is persistent in the file: the header's read/write versions are 2.
            let data = try XCTUnwrap(FileManager.default.contents(atPath: "\(dir)/ledger.sqlite"))
            XCTAssertGreaterThanOrEqual(data.count, 20)
            XCTAssertEqual(data[18], 2)
            XCTAssertEqual(data[19], 2)
        }
    }
}
