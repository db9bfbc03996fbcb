import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §7's suggested risk elimination as a rule of its own, with `rules.elimination_months` as its parameter:
/// the ledger supplies the case and its evaluations, the rule decides. Expected values worked out by hand.
final class EliminationSuggestionTests: XCTestCase {
    private let h = "4408251010010001"

    private func monitored(since: String?, measures: [String] = ["就业帮扶"], state: CaseState = .monitored) -> CaseRow {
        CaseRow(
            householdId: h, town: "锦和镇", village: "锦和村", state: state, openedMonth: "2020-10",
            monitoredSince: since, lastAlertId: "YJ2021-\(h)-01", lastTriggers: ["illness"], eliminationKind: nil,
            measures: measures)
    }

    /// `n` evaluations ending with `last`, newest first; `bad` marks (by position, 0 = newest) one that fails.
    private func stable(_ n: Int, endingWith last: String, below: Int? = nil, triggered: Int? = nil) -> [LedgerEvaluation] {
        let end = LedgerMonth.index(last)!
        return (0..<n).map { k in
            let m = end - k
            let month = String(format: "%04d-%02d", m / 12, m % 12 + 1)
            return LedgerEvaluation(householdId: h, month: month, atOrAboveLine: below != k, triggered: triggered == k)
        }
    }

    func testSixMonthsAtEveryEdge() {
        let rule = EliminationSuggestion(months: 6)
        // monitored since 2020-11: 2021-05 − 2020-11 = 6 months → suggested; since 2020-12 (5 months) → not
        XCTAssertTrue(
            rule.suggests(monitored(since: "2020-11"), recent: stable(6, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
        XCTAssertFalse(
            rule.suggests(monitored(since: "2020-12"), recent: stable(6, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
        // five evaluated months only
        XCTAssertFalse(
            rule.suggests(monitored(since: "2020-11"), recent: stable(5, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
        // below the line in the oldest of the six; a seventh, older bad month is not read
        XCTAssertFalse(
            rule.suggests(
                monitored(since: "2020-11"), recent: stable(6, endingWith: "2021-05", below: 5), month: "2021-05", hasLabour: true))
        XCTAssertTrue(
            rule.suggests(
                monitored(since: "2020-11"), recent: stable(7, endingWith: "2021-05", below: 6), month: "2021-05", hasLabour: true))
        // a trigger in the newest month
        XCTAssertFalse(
            rule.suggests(
                monitored(since: "2020-11"), recent: stable(6, endingWith: "2021-05", triggered: 0), month: "2021-05", hasLabour: true))
        // no measure, no labour, not 监测中
        XCTAssertFalse(
            rule.suggests(
                monitored(since: "2020-11", measures: []), recent: stable(6, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
        XCTAssertFalse(
            rule.suggests(monitored(since: "2020-11"), recent: stable(6, endingWith: "2021-05"), month: "2021-05", hasLabour: false))
        XCTAssertFalse(
            rule.suggests(
                monitored(since: "2020-11", state: .eliminated), recent: stable(6, endingWith: "2021-05"), month: "2021-05", hasLabour: true
            ))
        XCTAssertFalse(rule.suggests(monitored(since: nil), recent: stable(6, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
    }

    /// `rules.elimination_months = 3`: three months monitored and three stable evaluations are enough.
    func testTheConfiguredNumberOfMonthsIsTheOneUsed() {
        let rule = EliminationSuggestion(months: 3)
        XCTAssertTrue(
            rule.suggests(monitored(since: "2021-02"), recent: stable(3, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
        XCTAssertFalse(
            rule.suggests(monitored(since: "2021-03"), recent: stable(3, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
        XCTAssertFalse(
            rule.suggests(monitored(since: "2021-02"), recent: stable(2, endingWith: "2021-05"), month: "2021-05", hasLabour: true))
        XCTAssertFalse(
            rule.suggests(
                monitored(since: "2021-02"), recent: stable(3, endingWith: "2021-05", below: 2), month: "2021-05", hasLabour: true))
        XCTAssertEqual(rule.listReason, "连续 3 个月人均纯收入不低于监测线且无风险触发，已有帮扶措施")
        XCTAssertEqual(
            EliminationSuggestion(months: 6).historyDetail,
            "连续 6 个月人均纯收入不低于监测线且无风险触发，已有帮扶措施，有劳动力：建议核实后标注风险已消除")
    }

    /// The configuration's key reaches the rule the run uses.
    func testTheConfigurationKeyIsRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-elim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.toml").path
        let shipped = try String(contentsOfFile: repositoryRoot.path + "/pipelines/default.toml", encoding: .utf8)
        XCTAssertTrue(shipped.contains("elimination_months = 6 "))
        try shipped.replacingOccurrences(of: "elimination_months = 6 ", with: "elimination_months = 4 ")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(path: path)
        XCTAssertEqual(config.rules.eliminationMonths, 4)
        XCTAssertEqual(Emitter(config: config, month: Month(year: 2021, month: 5)!).elimination.months, 4)
    }
}
