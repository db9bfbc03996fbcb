import FangfanTestSupport
import Foundation
import GRDB
import XCTest

@testable import FangfanCore

// recordMonth's fast paths: JSON lists written and read without JSONEncoder/JSONDecoder, and rows inserted
// in batches (more rows than one statement takes, flushed by powers of two).

final class LedgerJSONListTests: XCTestCase {
    private let lists: [[String]] = [
        [], ["illness"], ["aid_change", "income_drop", "spending_surge"], [""], ["", "a"], ["a b", "c-d", "e.f:g"],
        ["a/b"], ["say \"hi\""], ["back\\slash"], ["tab\there"], ["line\nbreak"], ["\u{1}\u{1f}"], ["\u{7f}"],
        ["产业帮扶", "就业帮扶"], ["mixed 产业", "é"], ["emoji 🙂"], ["\u{2028}\u{2029}"], ["~!@#$%^&*()_+`{}|[]:;'<>?,."],
    ]

    func testEncodeIsJSONEncoderOutput() throws {
        for list in lists {
            let expected = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
            XCTAssertEqual(LedgerJSONList.encode(list), expected, "\(list)")
        }
    }

    func testDecodeIsJSONDecoderResult() throws {
        var texts = lists.map { LedgerJSONList.encode($0) }
        texts += [
            "[]", "[ ]", " []", "[\"a\", \"b\"]", "[\"a\",\"b\",]", "[\"a\"", "[\"a\"]x", "[\"\\u0041\"]", "[\"a\\/b\"]",
            "[\"a\",1]", "[1]", "[null]", "{}", "", "[\"tab\there\"]", "[\"产业\"]", "[\"a\"\"b\"]", "[,]", "[\"]",
        ]
        for text in texts {
            let expected = (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
            XCTAssertEqual(LedgerJSONList.decode(text), expected, text)
        }
        XCTAssertEqual(LedgerJSONList.decode(nil), [])
    }
}

final class LedgerBatchTests: LedgerBackendTestCase {
    /// recordMonth applies alerts in ascending household id: as integers when every id is digits of one
    /// length (the same order as the strings), as strings otherwise.
    func testAlertsAreAppliedInHouseholdOrder() {
        func alerts(_ ids: [String]) -> [LedgerAlert] {
            ids.map {
                LedgerAlert(
                    alertId: "A-\($0)", householdId: $0, town: "镇", village: "村", month: "2021-05",
                    level: .red, triggers: [], householdType: "一般农户")
            }
        }
        let digits = ["4408250020010000", "4408250010020000", "4408250010010000", "9408250010010000"]
        let a = alerts(digits)
        XCTAssertEqual(Ledger.byHousehold(a.count) { a[$0].householdId }.map { digits[$0] }, digits.sorted())
        let mixed = ["10", "9", "A1", "100"]
        XCTAssertEqual(Ledger.byHousehold(mixed.count) { mixed[$0] }.map { mixed[$0] }, ["10", "100", "9", "A1"])
        XCTAssertEqual(Ledger.byHousehold(0) { _ in "" }, [])
    }

    /// recordMonth reads the alert ids already recorded by ranges that hold the month's: an id's text up to its
    /// first "-" (its monitoring year, `YJ2021-`), the "-" made a "." for the end; an id without a "-" alone.
    func testAlertIdRangesHoldTheMonthsIdsOnly() {
        let ids = ["YJ2021-4408250010010005-40", "YJ2021-4408250010010006-00", "YJ2022-4408250010010005-01", "A", "A", "B-x-y"]
        let ranges = Ledger.alertIdRanges(ids)
        XCTAssertEqual(ranges.map(\.from), ["A", "B-", "YJ2021-", "YJ2022-"])
        XCTAssertEqual(ranges.map(\.below), [nil, "B.", "YJ2021.", "YJ2022."])
        XCTAssertTrue(Ledger.alertIdRanges([]).isEmpty)
        // in byte order, an id of the year is in its range, the ids of other years and "YJ2021" itself are not
        for other in ["YJ2020-4408250010010005-40", "YJ2021", "YJ2021.", "YJ20210-1"] {
            XCTAssertFalse("YJ2021-" <= other && other < "YJ2021.", other)
        }
        XCTAssertTrue("YJ2021-" <= "YJ2021-9" && "YJ2021-9" < "YJ2021.")
    }

    /// What a month's run asks of the ledger is found by index, not by reading all its months (SQLite's plans):
    /// the month's history entries (migration v4-history-month), a notice line's alert by its key, an alert
    /// id's months.
    func testMonthlyQueriesUseAnIndex() throws {
        _ = try Ledger(path: "\(dir)/plan.sqlite")
        let db = try DatabaseQueue(path: "\(dir)/plan.sqlite")
        func plan(_ sql: String) throws -> String {
            try db.read { try Row.fetchAll($0, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ") }
        }
        let history = try plan("SELECT event_key FROM history WHERE month = '2021-05' AND event_key IS NOT NULL")
        XCTAssertTrue(history.contains("USING INDEX history_month"), history)
        let suggested = try plan(
            "SELECT h.household_id FROM history h JOIN cases c ON c.household_id = h.household_id WHERE h.month = '2021-05' AND h.event = 'e' AND c.state = 's'"
        )
        XCTAssertTrue(suggested.contains("history_month"), suggested)
        let alert = try plan("SELECT household_type FROM alerts WHERE month = '2021-05' AND alert_id = 'A'")
        XCTAssertTrue(alert.contains("USING INDEX sqlite_autoindex_alerts_1 (month=? AND alert_id=?)"), alert)
        let ids = try plan("SELECT alert_id FROM alert_ids WHERE alert_id >= 'YJ2021-' AND alert_id < 'YJ2021.'")
        XCTAssertTrue(ids.contains("(alert_id>? AND alert_id<?)"), ids)
    }

    /// Migration v5-alert-counts fills the counts from the alerts a ledger already holds (worked out by hand: two
    /// months, two counties), and the trend reads them as it read the alerts.
    func testAlertCountsAreFilledFromTheAlertsRecorded() throws {
        let path = "\(dir)/v4.sqlite"
        do {
            let q = try DatabaseQueue(path: path)
            try LedgerSchema.migrator.migrate(q, upTo: "v4-history-month")
            try q.write { db in
                let rows: [(String, String, String, String)] = [
                    ("2021-04", "A", "4408250010010001", "red"), ("2021-04", "B", "4408250010010002", "red"),
                    ("2021-04", "C", "4408260010010001", "yellow"), ("2021-05", "D", "4408250010010001", "orange"),
                ]
                for (month, id, h, level) in rows {
                    try db.execute(
                        sql: "INSERT INTO alert_ids VALUES (?, ?, '镇', '村', '[]', ?, ?)", arguments: [id, h, month, month])
                    try db.execute(
                        sql: """
                            INSERT INTO alerts (month, alert_id, household_id, town, village, level, triggers, household_type, run)
                            VALUES (?, ?, ?, '镇', '村', ?, '[]', '脱贫户', 'r')
                            """, arguments: [month, id, h, level])
                }
            }
        }
        let l = try Ledger(path: path)
        XCTAssertEqual(try l.appliedMigrations().last, "v5-alert-counts")
        let trend = try l.alertCountsByMonth().map { "\($0.month) \($0.level.rawValue) \($0.count)" }
        XCTAssertEqual(trend, ["2021-04 red 2", "2021-04 yellow 1", "2021-05 orange 1"])
        let q = try DatabaseQueue(path: path)
        let rows = try q.read { try Row.fetchAll($0, sql: "SELECT month, county, level, alerts FROM alert_counts ORDER BY 1, 2, 3") }
        XCTAssertEqual(
            rows.map { "\($0[0] as String) \($0[1] as String) \($0[2] as String) \($0[3] as Int)" },
            ["2021-04 440825 red 2", "2021-04 440826 yellow 1", "2021-05 440825 orange 1"])
    }

    /// The month's evaluations are inserted in ascending household id too, whatever order detect gave them in:
    /// on SQLite the rows' ids follow the households (random inserts into the key on the household, with
    /// SQLite's small page cache, wrote its pages to the WAL again and again: 1.6 s at province scale).
    func testEvaluationsAreInsertedInHouseholdOrder() throws {
        let ids = (0..<500).map { hh(($0 * 7919) % 1000) }  // 500 distinct households of 1000, scrambled
        let l = try Ledger(path: "\(dir)/order.sqlite", clock: { "2021-06-02T08:00:00Z" })
        try l.recordMonth(
            "2021-05", run: "run 2021-05", alerts: [],
            evaluations: ids.map { LedgerEvaluation(householdId: $0, month: "2021-05", atOrAboveLine: true, triggered: false) })
        let db = try DatabaseQueue(path: "\(dir)/order.sqlite")
        let stored = try db.read { try String.fetchAll($0, sql: "SELECT household_id FROM evaluations ORDER BY rowid") }
        XCTAssertEqual(stored, ids.sorted())
        XCTAssertNotEqual(ids, ids.sorted())
    }

    private func hh(_ n: Int) -> String { String(format: "440825101001%04d", n) }

    private func alert(_ n: Int, _ month: String, id: String? = nil) -> LedgerAlert {
        let levels: [Level] = [.red, .orange, .yellow]
        return LedgerAlert(
            alertId: id ?? "YJ-\(hh(n))", householdId: hh(n), town: "锦和镇", village: "村\(n % 7)", month: month,
            level: levels[n % 3], triggers: n % 4 == 0 ? [] : ["illness", "income_drop"].suffix(n % 2 + 1).map { $0 },
            householdType: n % 5 == 0 ? "监测户" : "脱贫户")
    }

    /// 300 households in April, then in May 250 of them (every third under a new id) and 60 new ones, then
    /// May again: every write goes through several full batches and a flush by powers of two.
    func testMonthsLargerThanABatch() throws {
        onBothBackends {
            let l = try openLedger(clock: { "2021-06-02T08:00:00Z" })
            let april = (0..<300).map { alert($0, "2021-04") }
            let evals = (0..<300).map {
                LedgerEvaluation(householdId: hh($0), month: "2021-04", atOrAboveLine: $0 % 2 == 0, triggered: $0 % 3 == 0)
            }
            try l.recordMonth("2021-04", run: "run 2021-04", alerts: april.reversed(), evaluations: evals)
            let opened = april.filter { $0.level != .yellow }
            XCTAssertEqual(try l.caseStates().count, opened.count)
            for a in opened.prefix(5) {
                let c = try XCTUnwrap(try l.caseRow(household: a.householdId))
                XCTAssertEqual(c.lastAlertId, a.alertId)
                XCTAssertEqual(c.lastTriggers, a.triggers.sorted())
                XCTAssertEqual(c.state, a.householdType == "监测户" ? .monitored : .warned)
            }

            let may = (50..<360).map { $0 % 3 == 0 && $0 < 300 ? alert($0, "2021-05", id: "YJ-\(hh($0))-B") : alert($0, "2021-05") }
            try l.recordMonth("2021-05", run: "run 2021-05", alerts: may, evaluations: [])
            let afterMay = try (0..<360).map { try l.history(household: hh($0)) }
            for n in 0..<360 {
                let a = april.indices.contains(n) ? april[n] : nil
                let m = (50..<360).contains(n) ? may[n - 50] : nil
                XCTAssertEqual(try l.alertHousehold("YJ-\(hh(n))"), a != nil || (m != nil && m!.alertId == "YJ-\(hh(n))") ? hh(n) : nil)
                let hadCase = a.map { $0.level != .yellow } ?? false
                let expected = (hadCase ? 1 : 0) + (m != nil && (hadCase || m!.level != .yellow) ? 1 : 0)
                XCTAssertEqual(afterMay[n].count, expected, "household \(n)")
                if let m, hadCase || m.level != .yellow {
                    XCTAssertEqual(try l.caseRow(household: hh(n))?.lastAlertId, m.alertId)
                }
            }
            XCTAssertEqual(
                try l.alertCountsByMonth().filter { $0.month == "2021-05" }.map(\.count).reduce(0, +), may.count)

            // the same month again writes no history entry twice
            try l.recordMonth("2021-05", run: "run 2021-05", alerts: may, evaluations: [])
            XCTAssertEqual(try (0..<360).map { try l.history(household: hh($0)) }, afterMay)
            XCTAssertEqual(try l.integrityCheck(), "ok")
        }
    }
}
