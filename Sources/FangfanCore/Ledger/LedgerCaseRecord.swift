import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A case row with the fields the API does not show.
struct LedgerCaseRecord {
    var householdId: String
    var town: String
    var village: String
    var state: CaseState
    var openedMonth: String
    var monitoredSince: String?
    var lastAlertId: String? = nil
    var lastAlertMonth: String? = nil
    var lastTriggers: [String] = []
    var rejectedOnAlertId: String? = nil
    var rejectedOnTriggers: [String] = []
    var eliminationKind: String? = nil
    var measures: [String] = []
    var updatedAt: String = ""
    /// RULES.md §13's day D (`YYYY-MM-DD`): the date of the run that listed the case's first red or orange
    /// alert since it last entered 预警; nil when it has none.
    var firstListedOn: String? = nil

    init(
        householdId: String, town: String, village: String, state: CaseState, openedMonth: String,
        monitoredSince: String?
    ) {
        self.householdId = householdId
        self.town = town
        self.village = village
        self.state = state
        self.openedMonth = openedMonth
        self.monitoredSince = monitoredSince
    }

    /// A row of `SELECT * FROM cases`.
    init(row: LedgerRow) {
        householdId = row["household_id"] ?? ""
        town = row["town"] ?? ""
        village = row["village"] ?? ""
        state = CaseState(rawValue: row["state"] ?? "") ?? .warned
        openedMonth = row["opened_month"] ?? ""
        monitoredSince = row["monitored_since"]
        lastAlertId = row["last_alert_id"]
        lastAlertMonth = row["last_alert_month"]
        lastTriggers = LedgerJSONList.decode(row["last_triggers"])
        rejectedOnAlertId = row["rejected_on_alert_id"]
        rejectedOnTriggers = LedgerJSONList.decode(row["rejected_on_triggers"])
        eliminationKind = row["elimination_kind"]
        measures = LedgerJSONList.decode(row["measures"])
        updatedAt = row["updated_at"] ?? ""
        firstListedOn = row["first_listed_on"]
    }

    static let fetchSQL = "SELECT * FROM cases WHERE household_id = ?"

    static func fetch(_ db: any LedgerConnection, _ household: String) throws -> LedgerCaseRecord? {
        try db.row(fetchSQL, [.text(household)]).map(LedgerCaseRecord.init(row:))
    }

    /// `fetch` through recordMonth's statement of `fetchColumnsSQL`.
    static func fetch(_ s: LedgerStatement, _ household: String) throws -> LedgerCaseRecord? {
        s.reset()
        try s.bind(household, 1)
        return try s.fetchFirst { s in
            var c = LedgerCaseRecord(
                householdId: s.text(0), town: s.text(1), village: s.text(2),
                state: CaseState(rawValue: s.text(3)) ?? .warned, openedMonth: s.text(4),
                monitoredSince: s.optionalText(5))
            c.lastAlertId = s.optionalText(6)
            c.lastAlertMonth = s.optionalText(7)
            c.lastTriggers = LedgerJSONList.decode(s.optionalText(8))
            c.rejectedOnAlertId = s.optionalText(9)
            c.rejectedOnTriggers = LedgerJSONList.decode(s.optionalText(10))
            c.eliminationKind = s.optionalText(11)
            c.measures = LedgerJSONList.decode(s.optionalText(12))
            c.updatedAt = s.text(13)
            c.firstListedOn = s.optionalText(14)
            return c
        }
    }

    /// The columns `init(row:)` reads, in the order `fetch(_: LedgerStatement, _:)` and `init(columns:)` read them.
    static let columnsSQL = """
        SELECT household_id, town, village, state, opened_month, monitored_since, last_alert_id, last_alert_month,
               last_triggers, rejected_on_alert_id, rejected_on_triggers, elimination_kind, measures, updated_at,
               first_listed_on
        FROM cases
        """
    static let fetchColumnsSQL = columnsSQL + " WHERE household_id = ?"

    /// A row of `columnsSQL`, read by position (a province's cases are read this way once a month).
    init(columns r: LedgerRow) {
        self.init(
            householdId: r.text(0), town: r.text(1), village: r.text(2), state: CaseState(rawValue: r.text(3)) ?? .warned,
            openedMonth: r.text(4), monitoredSince: r.optional(5))
        lastAlertId = r.optional(6)
        lastAlertMonth = r.optional(7)
        lastTriggers = LedgerJSONList.decode(r.optional(8))
        rejectedOnAlertId = r.optional(9)
        rejectedOnTriggers = LedgerJSONList.decode(r.optional(10))
        eliminationKind = r.optional(11)
        measures = LedgerJSONList.decode(r.optional(12))
        updatedAt = r.text(13)
        firstListedOn = r.optional(14)
    }

    static let saveHead = """
        INSERT INTO cases (household_id, town, village, state, opened_month, monitored_since, last_alert_id,
                           last_alert_month, last_triggers, rejected_on_alert_id, rejected_on_triggers,
                           elimination_kind, measures, updated_at, first_listed_on)
        """
    static let saveWidth = 15
    static let saveTail = """
         ON CONFLICT (household_id) DO UPDATE SET
            town = excluded.town, village = excluded.village, state = excluded.state,
            opened_month = excluded.opened_month, monitored_since = excluded.monitored_since,
            last_alert_id = excluded.last_alert_id, last_alert_month = excluded.last_alert_month,
            last_triggers = excluded.last_triggers, rejected_on_alert_id = excluded.rejected_on_alert_id,
            rejected_on_triggers = excluded.rejected_on_triggers, elimination_kind = excluded.elimination_kind,
            measures = excluded.measures, updated_at = excluded.updated_at, first_listed_on = excluded.first_listed_on
        """
    static let saveSQL = saveHead + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + saveTail

    func save(_ db: any LedgerConnection) throws {
        try db.execute(
            Self.saveSQL,
            [
                .text(householdId), .text(town), .text(village), .text(state.rawValue), .text(openedMonth),
                LedgerValue(monitoredSince), LedgerValue(lastAlertId), LedgerValue(lastAlertMonth),
                .text(LedgerJSONList.encode(lastTriggers)), LedgerValue(rejectedOnAlertId),
                .text(LedgerJSONList.encode(rejectedOnTriggers)), LedgerValue(eliminationKind),
                .text(LedgerJSONList.encode(measures)), .text(updatedAt), LedgerValue(firstListedOn),
            ])
    }

    /// `save` as a row of recordMonth's batch of `saveHead`/`saveTail`; `lastTriggersJSON`, when given, is
    /// `LedgerJSONList.encode(lastTriggers)` already made.
    func save(_ b: any LedgerRowBatch, lastTriggersJSON: String? = nil) throws {
        b.add(householdId)
        b.add(town)
        b.add(village)
        b.add(state.rawValue)
        b.add(openedMonth)
        b.add(monitoredSince)
        b.add(lastAlertId)
        b.add(lastAlertMonth)
        b.add(lastTriggersJSON ?? LedgerJSONList.encode(lastTriggers))
        b.add(rejectedOnAlertId)
        b.add(LedgerJSONList.encode(rejectedOnTriggers))
        b.add(eliminationKind)
        b.add(LedgerJSONList.encode(measures))
        b.add(updatedAt)
        b.add(firstListedOn)
        try b.endRow()
    }

    var caseRow: CaseRow {
        CaseRow(
            householdId: householdId, town: town, village: village, state: state, openedMonth: openedMonth,
            monitoredSince: monitoredSince, lastAlertId: lastAlertId, lastTriggers: lastTriggers,
            eliminationKind: eliminationKind, measures: measures)
    }
}
