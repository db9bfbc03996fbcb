import Foundation

/// A line of the public notice (RULES.md §13): a household a finding moved into 监测中 or marked 风险已消除.
public struct NoticeEntry: Sendable, Equatable {
    public enum Matter: String, Sendable {
        case included = "纳入监测"
        case eliminated = "风险消除"
    }
    public var householdId: String
    public var town: String
    public var village: String
    public var matter: Matter
    /// 类别 as on the list the finding answered: by the alert's household type, 在监测 for a monitored case.
    public var category: String
    /// The finding's 核查日期, else the day it was ingested (`YYYY-MM-DD`).
    public var date: String
}

extension Ledger {
    /// The findings ingested since the previous run that moved a case into 监测中 (确认纳入) or marked it
    /// 风险已消除, one per household (its latest), ordered by town, village, household. Records the month's mark:
    /// the month's first run covers the history since the latest mark; a rerun of the month covers the same
    /// start up to now.
    public func noticeEntries(month: String) throws -> [NoticeEntry] {
        try write { db in
            // on a shared ledger, the county's marks: `<county>|<month>` (and history ids are the whole ledger's:
            // the county's entries between two marks are those of its households)
            let markKey = county.map { "\($0)|\(month)" } ?? month
            let marksOfScope = county.map { " WHERE month LIKE '\($0)|%'" } ?? ""
            let top = Int64(try db.text("SELECT COALESCE(MAX(id), 0) FROM history") ?? "0") ?? 0
            let from =
                try db.text("SELECT from_id FROM notice_marks WHERE month = ?", [.text(markKey)]).flatMap { Int64($0) }
                ?? db.text("SELECT COALESCE(MAX(to_id), 0) FROM notice_marks" + marksOfScope).flatMap { Int64($0) } ?? 0
            try db.execute(
                """
                INSERT INTO notice_marks (month, from_id, to_id) VALUES (?, ?, ?)
                ON CONFLICT (month) DO UPDATE SET to_id = excluded.to_id
                """, [.text(markKey), .int(from), .int(top)])
            let rows = try db.rows(
                """
                SELECT h.household_id, c.town, c.village, h.event, h.from_state, h.detail, h.at
                FROM history h JOIN cases c ON c.household_id = h.household_id
                WHERE h.id > ? AND h.id <= ?
                  AND ((h.event = '核查:确认纳入' AND h.to_state = '监测中')
                       OR (h.event = '核查:风险已消除' AND h.to_state = '风险已消除'))
                  AND (h.from_state IS NULL OR h.from_state <> h.to_state)\(scope("h.household_id"))
                ORDER BY h.id
                """, [.int(from), .int(top)])
            var latest: [String: NoticeEntry] = [:]
            for row in rows {
                let household = row.text(0)
                let detail = row.text(5)
                let fromState = row.optional(4)
                // 预警编号 <id>；… and 核查日期 <date> as the finding wrote them into the detail
                let parts = detail.split(separator: "；").map(String.init)
                let alertId = parts.first { $0.hasPrefix("预警编号 ") }.map { String($0.dropFirst(5)) }
                let verified = parts.first { $0.hasPrefix("核查日期 ") }.map { String($0.dropFirst(5)) }
                let at = row.text(6)
                let type = try alertId.flatMap { try Self.householdType(ofAlert: $0, db) }
                let monitored = fromState == CaseState.monitored.rawValue
                let category =
                    monitored
                    ? Category.of(.monitored, monitoredCase: true)
                    : type.flatMap(HouseholdType.init(rawValue:)).map { Category.of($0, monitoredCase: false) } ?? ""
                latest[household] = NoticeEntry(
                    householdId: household, town: row.text(1), village: row.text(2),
                    matter: row.text(3) == "核查:确认纳入" ? .included : .eliminated,
                    category: category, date: verified ?? String(at.prefix(10)))
            }
            return latest.values.sorted { ($0.town, $0.village, $0.householdId) < ($1.town, $1.village, $1.householdId) }
        }
    }

    /// The household type of the alert's latest month in the ledger, nil if it has none. An alert id's rows are
    /// in months within the span `alert_ids` keeps of it (widened whenever one is recorded): they are looked up
    /// month by month from its last, by the alerts' key (month, alert id). A query by the id alone read every
    /// alert of every month, once per line of the notice.
    static func householdType(ofAlert alertId: String, _ db: any LedgerConnection) throws -> String? {
        guard let span = try db.row("SELECT first_month, last_month FROM alert_ids WHERE alert_id = ?", [.text(alertId)])
        else { return nil }
        guard let first = LedgerMonth.index(span.text(0)), let last = LedgerMonth.index(span.text(1)), first <= last else {
            return try db.text(
                "SELECT household_type FROM alerts WHERE alert_id = ? ORDER BY month DESC LIMIT 1", [.text(alertId)])
        }
        for m in stride(from: last, through: first, by: -1) {
            if let type = try db.text(
                "SELECT household_type FROM alerts WHERE month = ? AND alert_id = ?", [.text(LedgerMonth.text(m)), .text(alertId)])
            {
                return type
            }
        }
        return nil
    }
}
