import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Ledger {
    // MARK: - Emit: alerts and evaluations of a month

    /// Emit stage, month M: replaces M's alerts and evaluations (a rerun of M deletes and
    /// re-inserts them), keeps every alert id ever emitted (yellow too), and applies the alert
    /// events of RULES.md §7 to the cases, households in ascending order. An alert event already
    /// recorded (same household, month, alert id and level) is skipped whole, so a rerun never
    /// duplicates history entries. `run` is the history's actor (e.g. `run 2021-05`).
    public func recordMonth(
        _ month: String, run: String, today: Day? = nil, alerts: [LedgerAlert], evaluations: [LedgerEvaluation]
    ) throws {
        let listedOn = today?.description
        guard LedgerMonth.index(month) != nil else { throw LedgerError.badMonth(month) }
        // the alerts, then the evaluations: each of the county, of the month, and each household once
        func check(_ count: Int, _ row: (Int) -> (household: String, month: String)) throws {
            var seen = SeenHouseholds(minimumCapacity: count)
            for i in 0..<count {
                let (household, found) = row(i)
                if let county, !household.hasPrefix(county) { throw LedgerError.outsideCounty(county: county, household: household) }
                guard found == month else { throw LedgerError.monthMismatch(expected: month, found: found, household: household) }
                guard seen.insert(household) else { throw LedgerError.duplicateHousehold(month: month, household: household) }
            }
        }
        try check(alerts.count) { (alerts[$0].householdId, alerts[$0].month) }
        try check(evaluations.count) { (evaluations[$0].householdId, evaluations[$0].month) }
        let at = clock()
        // households in ascending order (sorting positions moves less than sorting the rows): each table's
        // key on the household then grows at its end, where the pages are already in SQLite's cache
        let ordered = Self.byHousehold(alerts.count) { alerts[$0].householdId }
        let evaluationsOrdered = Self.byHousehold(evaluations.count) { evaluations[$0].householdId }
        try write { db in
            // What the per-alert steps would look up one statement at a time, read once (a province emits
            // hundreds of thousands of alerts, most of them for households with no case).
            var known = MonthContext()
            // The alert ids already recorded of this month's alerts: read in the ranges of the month's years
            // (`alertIdRanges`), not every id ever (a province's ledger gains hundreds of thousands a year), row
            // by row, each kept only if one of the month's alerts has it (with that alert's household text when
            // it is the same). Made as big as the month's ids once, not rehashed as it grows.
            var alertOf = [String: Int](minimumCapacity: alerts.count)
            for i in alerts.indices { alertOf[alerts[i].alertId] = i }
            known.alertIds.reserveCapacity(alertOf.count)
            let columns = "SELECT alert_id, household_id, first_month, last_month FROM alert_ids WHERE "
            for range in Self.alertIdRanges(alerts.map(\.alertId)) {
                let (sql, arguments): (String, [LedgerValue]) =
                    if let below = range.below {
                        (columns + "alert_id >= ? AND alert_id < ?" + scope(), [.text(range.from), .text(below)])
                    } else {
                        (columns + "alert_id = ?" + scope(), [.text(range.from)])
                    }
                try db.eachRow(sql, arguments) { row in
                    guard let i = alertOf[row.text(0)] else { return }
                    let household = row.text(1) == alerts[i].householdId ? alerts[i].householdId : row.text(1)
                    known.alertIds[alerts[i].alertId] = (household, row.text(2), row.text(3))
                }
            }
            alertOf = [:]
            // the households with a case (a set of numbers, not of Strings: a province's are hundreds of thousands)
            // (room for them and one more per alert, made once)
            let cases = try db.row("SELECT COUNT(*) FROM cases WHERE 1=1" + scope())?.int(0) ?? 0
            known.households = SeenHouseholds(minimumCapacity: cases + alerts.count)
            try db.eachRow("SELECT household_id FROM cases WHERE 1=1" + scope(), []) {
                _ = known.households.insert($0.text(0))
            }
            known.recordedKeys = try Set(
                db.texts("SELECT event_key FROM history WHERE month = ? AND event_key IS NOT NULL" + scope(), [.text(month)]))
            try db.execute("DELETE FROM alerts WHERE month = ?" + scope(), [.text(month)])
            try db.execute("DELETE FROM alert_counts WHERE month = ?" + scope("county"), [.text(month)])
            try db.execute("DELETE FROM evaluations WHERE month = ?" + scope(), [.text(month)])
            let w = try MonthWriter(db, scope: scope())
            for i in evaluationsOrdered {
                let e = evaluations[i]
                let b = w.evaluations
                b.add(e.householdId)
                b.add(month)
                b.add(e.atOrAboveLine)
                b.add(e.triggered)
                try b.endRow()
            }
            for i in ordered {
                let a = alerts[i]
                let triggers = a.triggers.sorted()
                let triggersJSON = LedgerJSONList.encode(triggers)
                try Self.registerAlertId(w, a, triggersJSON: triggersJSON, known: &known)
                let b = w.alerts
                b.add(month)
                b.add(a.alertId)
                b.add(a.householdId)
                b.add(a.town)
                b.add(a.village)
                b.add(a.level.rawValue)
                b.add(triggersJSON)
                b.add(a.householdType)
                b.add(run)
                b.add(a.category)
                try w.endAlertRow()
                try Self.applyAlert(
                    w, a, triggers: triggers, triggersJSON: triggersJSON, run: run, at: at, listedOn: listedOn,
                    known: &known)
            }
            try w.flush()
            // the month's alerts by county and level (`alertCountsByMonth`), in the same transaction
            var counts: [String: [Int]] = [:]  // county → alerts per level, in `Level.allCases` order
            for a in alerts {
                counts[String(a.householdId.prefix(6)), default: Level.allCases.map { _ in 0 }][
                    Level.allCases.firstIndex(of: a.level)!] += 1
            }
            for county in counts.keys.sorted() {
                for (level, n) in zip(Level.allCases, counts[county]!) where n > 0 {
                    try db.execute(
                        "INSERT INTO alert_counts (month, county, level, alerts) VALUES (?, ?, ?, ?)",
                        [.text(month), .text(county), .text(level.rawValue), LedgerValue(n)])
                }
            }
        }
    }

    /// The ranges of alert ids that hold every one of `ids` (without repeats, ascending): for an id with a "-",
    /// every id that begins as it does up to its first "-" (`from` inclusive, `below` exclusive: that "-" made
    /// a "."); an id without one alone (`below` nil). Alert ids are `YJ<monitoring year>-…` (RULES.md §8), so a
    /// month's ranges are the ids of its monitoring year, one range. (Both backends compare text as bytes: the
    /// ledger's alert ids are SQLite's BINARY and PostgreSQL's "C".)
    static func alertIdRanges(_ ids: [String]) -> [(from: String, below: String?)] {
        // (a range's `from` ends in "-", a lone id has none: the two never share a key)
        var below: [String: String?] = [:]
        // (a month's ids share their prefix: an id with the previous one's is skipped, not made a key again)
        var previous: Substring = ""
        for id in ids {
            if let dash = id.utf8.firstIndex(of: UInt8(ascii: "-")) {
                let prefix = id[..<dash]
                if !previous.isEmpty && prefix == previous { continue }
                previous = prefix
                below[prefix + "-"] = prefix + "."
            } else {
                below[id] = String?.none
            }
        }
        return below.keys.sorted().map { ($0, below[$0]!) }
    }

    /// The positions 0..<count of rows in ascending household id (`household(i)`, the id of row i). Household ids
    /// of one length and all digits (always, from detect) sort as the numbers they spell, compared as integers;
    /// anything else as strings.
    static func byHousehold(_ count: Int, _ household: (Int) -> String) -> [Int] {
        var keys: [UInt64] = []
        keys.reserveCapacity(count)
        let length = count > 0 ? household(0).utf8.count : 0
        for i in 0..<count {
            guard let (k, digits) = SeenHouseholds.number(household(i)), digits == length else {
                let ids = (0..<count).map(household)
                return ids.indices.sorted { ids[$0] < ids[$1] }
            }
            keys.append(k)
        }
        return keys.indices.sorted { keys[$0] < keys[$1] }
    }

    /// The ledger as it stood when recordMonth began, kept current as the month's alerts are applied.
    struct MonthContext {
        /// The month's alert ids recorded before it, and those it records: household, first and last month.
        var alertIds: [String: (household: String, first: String, last: String)] = [:]
        var households = SeenHouseholds(minimumCapacity: 0)
        var recordedKeys: Set<String> = []
    }

    /// The writes of recordMonth's loops, buffered in batches (`LedgerBatch`), and its case lookup
    /// (`LedgerStatement`), prepared once per month.
    ///
    /// A buffered row is read by nothing before it is flushed: the loop looks up only the case of the
    /// household at hand (each household comes once a month), and the alerts' batch flushes the alert ids'
    /// batch first (the alerts' foreign key). `flush()` writes out everything.
    struct MonthWriter {
        let evaluations: any LedgerRowBatch
        let alertIds: any LedgerRowBatch
        let alerts: any LedgerRowBatch
        let cases: any LedgerRowBatch
        let history: any LedgerRowBatch
        /// A household's case as the month began: SQLite looks it up (a prepared statement), PostgreSQL reads
        /// the county's cases once (one round trip, not one per alert).
        let fetchCase: (String) throws -> LedgerCaseRecord?

        init(_ db: any LedgerConnection, scope: String) throws {
            evaluations = try db.makeBatch(
                head: "INSERT INTO evaluations (household_id, month, at_or_above_line, triggered)", width: 4, tail: "")
            let widen =
                db.dialect == .sqlite
                ? "first_month = min(first_month, excluded.first_month), last_month = max(last_month, excluded.last_month)"
                : """
                first_month = LEAST(alert_ids.first_month, excluded.first_month),
                        last_month = GREATEST(alert_ids.last_month, excluded.last_month)
                """
            alertIds = try db.makeBatch(
                head: "INSERT INTO alert_ids (alert_id, household_id, town, village, triggers, first_month, last_month)",
                width: 7, tail: " ON CONFLICT (alert_id) DO UPDATE SET " + widen)
            alerts = try db.makeBatch(
                head: """
                    INSERT INTO alerts (month, alert_id, household_id, town, village, level, triggers,
                                        household_type, run, category)
                    """,
                width: 10, tail: "")
            cases = try db.makeBatch(
                head: LedgerCaseRecord.saveHead, width: LedgerCaseRecord.saveWidth, tail: LedgerCaseRecord.saveTail)
            history = try db.makeBatch(
                head: Ledger.insertHistoryHead(db.dialect), width: 9, tail: Ledger.insertHistoryTail(db.dialect))
            if let sqlite = db as? Database {
                let statement = try LedgerStatement(sqlite, sql: LedgerCaseRecord.fetchColumnsSQL)
                fetchCase = { try LedgerCaseRecord.fetch(statement, $0) }
            } else {
                var all: [String: LedgerCaseRecord] = [:]
                for row in try db.rows(LedgerCaseRecord.columnsSQL + " WHERE 1=1" + scope) {
                    let c = LedgerCaseRecord(columns: row)
                    all[c.householdId] = c
                }
                fetchCase = { all[$0] }
            }
        }

        /// Ends an alert's row; the alert ids it refers to are written first.
        func endAlertRow() throws {
            if alerts.rows + 1 == alerts.rowsPerStatement { try alertIds.flush() }
            try alerts.endRow()
        }

        func flush() throws {
            try evaluations.flush()
            try alertIds.flush()
            try alerts.flush()
            try cases.flush()
            try history.flush()
        }
    }

    /// Records the alert's id, or widens the months of an id already recorded, through the alert ids'
    /// batch: an upsert whose update is `first_month = min(first_month, M), last_month = max(last_month, M)`.
    static func registerAlertId(
        _ w: MonthWriter, _ a: LedgerAlert, triggersJSON: String,
        known context: inout MonthContext
    ) throws {
        if let entry = context.alertIds[a.alertId] {
            let known = entry.household
            guard known == a.householdId else {
                throw LedgerError.alertHouseholdConflict(alertId: a.alertId, known: known, given: a.householdId)
            }
            if entry.first <= a.month && a.month <= entry.last { return }  // already covers this month
            context.alertIds[a.alertId] = (known, min(entry.first, a.month), max(entry.last, a.month))
        } else {
            context.alertIds[a.alertId] = (a.householdId, a.month, a.month)
        }
        let b = w.alertIds
        b.add(a.alertId)
        b.add(a.householdId)
        b.add(a.town)
        b.add(a.village)
        b.add(triggersJSON)
        b.add(a.month)
        b.add(a.month)
        try b.endRow()
    }

    static func applyAlert(
        _ w: MonthWriter, _ a: LedgerAlert, triggers: [String], triggersJSON: String,
        run: String, at: String, listedOn: String? = nil, known context: inout MonthContext
    ) throws {
        let event = alertEvent(a.level)
        let key = "\(a.householdId)|\(a.month)|\(a.alertId)|\(event)"
        if context.recordedKeys.contains(key) {
            return  // already recorded by an earlier run of this month
        }
        let hasCase = context.households.contains(a.householdId)
        // a yellow alert for a household with no case only keeps the alert (§7): nothing to look up
        if a.level == .yellow && !hasCase { return }
        let before = hasCase ? try w.fetchCase(a.householdId) : nil
        let t = transition(
            state: before?.state, event: .alert(level: a.level, triggers: triggers, householdType: a.householdType),
            rejectedOnTriggers: before?.rejectedOnTriggers ?? [])
        var c: LedgerCaseRecord
        var note: TransitionNote? = nil
        switch t {
        case .alertKeptOnly, .refused, .recordWithoutCase:
            return  // yellow alert with no case: the alert is kept, nothing else
        case .open(let s, let n):
            note = n
            c = LedgerCaseRecord(
                householdId: a.householdId, town: a.town, village: a.village, state: s, openedMonth: a.month,
                monitoredSince: s == .monitored ? a.month : nil)
        case .move(let s, let n):
            guard let existing = before else { return }  // the table moves only existing cases
            note = n
            c = existing
            c.state = s
            if s == .monitored { c.monitoredSince = a.month }
            if s != .eliminated { c.eliminationKind = nil }
        case .stay(let n):
            guard let existing = before else { return }
            note = n
            c = existing
        }
        // §13's day D: set when the case enters 预警 (opens, or comes back) with a red or orange alert, or when
        // a case already in 预警 without one gets its first; kept while the case stays in 预警. (A run without a
        // date sets none.)
        if c.state == .warned {
            if before?.state != .warned { c.firstListedOn = nil }
            if let listedOn, a.level != .yellow, c.firstListedOn == nil { c.firstListedOn = listedOn }
        }
        // The case's last alert is the latest month's (a rerun of an older month does not roll it back).
        var lastTriggersJSON: String? = nil
        if c.lastAlertMonth.map({ a.month >= $0 }) ?? true {
            c.lastAlertId = a.alertId
            c.lastAlertMonth = a.month
            c.lastTriggers = triggers
            c.town = a.town
            c.village = a.village
            lastTriggersJSON = triggersJSON
        }
        c.updatedAt = at
        try c.save(w.cases, lastTriggersJSON: lastTriggersJSON)
        _ = context.households.insert(c.householdId)
        var detail = "预警编号 \(a.alertId)；风险类型 \(triggers.isEmpty ? "无（低于监测线）" : triggers.joined(separator: ","))"
        if let note { detail += "；\(note.rawValue)" }
        let b = w.history
        b.add(a.householdId)
        b.add(at)
        b.add(a.month)
        b.add(event)
        b.add(before?.state.rawValue)
        b.add(c.state.rawValue)
        b.add(run)
        b.add(detail)
        b.add(key)
        try b.endRow()
    }

    /// The history event of an alert: `预警(红色)` etc.
    static func alertEvent(_ level: Level) -> String {
        switch level {
        case .red: return "预警(红色)"
        case .orange: return "预警(橙色)"
        case .yellow: return "预警(黄色)"
        }
    }
}
