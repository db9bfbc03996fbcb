import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The case ledger of RULES.md §7: one case per household with an append-only history, every
/// alert id ever emitted, and each month's alerts and evaluations.
///
/// SQLite through GRDB (`DatabaseQueue`, WAL, foreign keys on, busy timeout). The database file
/// and its `-wal`/`-shm` are owner-only (created under umask 077, then chmod 0600). The schema
/// comes only from the named migrations of `LedgerSchema`. Every write is one transaction.
public final class Ledger: Sendable {
    public let path: String
    private let dbQueue: DatabaseQueue
    private let clock: @Sendable () -> String

    /// The current time as ISO 8601 (UTC), the default clock.
    public static func isoNow() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    /// Opens (creating if needed) the ledger at `path`; its folder must exist. Runs any migration
    /// not yet applied. `clock` stamps history entries (injected by tests).
    public init(path: String, clock: @escaping @Sendable () -> String = { Ledger.isoNow() }) throws {
        self.path = path
        self.clock = clock
        var config = Configuration()
        config.journalMode = .wal
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.label = "fangfan.ledger"
        // The ledger holds personal data: the file, its -wal and -shm are created owner-only.
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        dbQueue = try DatabaseQueue(path: path, configuration: config)
        try LedgerSchema.migrator.migrate(dbQueue)
        try Self.makeOwnerOnly(path)
    }

    /// chmod 0600 the database file and whichever of its -wal / -shm exist.
    static func makeOwnerOnly(_ path: String) throws {
        for p in [path, path + "-wal", path + "-shm"] {
            if chmod(p, 0o600) != 0 {
                let e = errno
                if e == ENOENT && p != path { continue }
                throw LedgerError.cannotSetPermissions(path: p, errno: e)
            }
        }
    }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try dbQueue.read { db in try LedgerSchema.migrator.appliedMigrations(db) }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound database.
    public func integrityCheck() throws -> String {
        try dbQueue.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }

    // MARK: - Emit: alerts and evaluations of a month

    /// Emit stage, month M: replaces M's alerts and evaluations (a rerun of M deletes and
    /// re-inserts them), keeps every alert id ever emitted (yellow too), and applies the alert
    /// events of RULES.md §7 to the cases, households in ascending order. An alert event already
    /// recorded (same household, month, alert id and level) is skipped whole, so a rerun never
    /// duplicates history entries. `run` is the history's actor (e.g. `run 2021-05`).
    public func recordMonth(
        _ month: String, run: String, alerts: [LedgerAlert], evaluations: [LedgerEvaluation]
    ) throws {
        guard LedgerMonth.index(month) != nil else { throw LedgerError.badMonth(month) }
        var seen = Set<String>(minimumCapacity: max(alerts.count, evaluations.count))
        for a in alerts {
            guard a.month == month else {
                throw LedgerError.monthMismatch(expected: month, found: a.month, household: a.householdId)
            }
            guard seen.insert(a.householdId).inserted else {
                throw LedgerError.duplicateHousehold(month: month, household: a.householdId)
            }
        }
        seen.removeAll(keepingCapacity: true)
        for e in evaluations {
            guard e.month == month else {
                throw LedgerError.monthMismatch(expected: month, found: e.month, household: e.householdId)
            }
            guard seen.insert(e.householdId).inserted else {
                throw LedgerError.duplicateHousehold(month: month, household: e.householdId)
            }
        }
        let at = clock()
        // households in ascending order (sorting positions moves less than sorting the alerts)
        let ordered = Self.byHousehold(alerts)
        try dbQueue.write { db in
            // What the per-alert steps would look up one statement at a time, read once (a province emits
            // hundreds of thousands of alerts, most of them for households with no case).
            var known = MonthContext()
            let ids = try Row.fetchCursor(db, sql: "SELECT alert_id, household_id, first_month, last_month FROM alert_ids")
            while let row = try ids.next() {
                known.alertIds[row[0]] = (row[1], row[2], row[3])
            }
            known.households = try Set(String.fetchCursor(db, sql: "SELECT household_id FROM cases"))
            // both grow by up to one entry per alert: made that big once, not rehashed as they grow
            known.alertIds.reserveCapacity(known.alertIds.count + alerts.count)
            known.households.reserveCapacity(known.households.count + alerts.count)
            known.recordedKeys = try Set(String.fetchCursor(
                db, sql: "SELECT event_key FROM history WHERE month = ? AND event_key IS NOT NULL", arguments: [month]))
            try db.ledgerExecute("DELETE FROM alerts WHERE month = ?", arguments: [month])
            try db.ledgerExecute("DELETE FROM evaluations WHERE month = ?", arguments: [month])
            let w = try MonthWriter(db)
            for e in evaluations {
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
                try w.endAlertRow()
                try Self.applyAlert(w, a, triggers: triggers, triggersJSON: triggersJSON, run: run, at: at, known: &known)
            }
            try w.flush()
        }
    }

    /// The alerts' positions in ascending household id. Household ids of one length and all digits (always,
    /// from detect) sort as the numbers they spell, compared as integers; anything else as strings.
    static func byHousehold(_ alerts: [LedgerAlert]) -> [Int] {
        var keys: [UInt64] = []
        keys.reserveCapacity(alerts.count)
        let length = alerts.first?.householdId.utf8.count ?? 0
        for a in alerts {
            var k: UInt64 = 0, n = 0
            for b in a.householdId.utf8 {
                guard b >= 0x30 && b <= 0x39 && n < 19 else { n = -1; break }
                k = k * 10 + UInt64(b - 0x30)
                n += 1
            }
            guard n == length else {
                let ids = alerts.map(\.householdId)
                return alerts.indices.sorted { ids[$0] < ids[$1] }
            }
            keys.append(k)
        }
        return alerts.indices.sorted { keys[$0] < keys[$1] }
    }

    /// The ledger as it stood when recordMonth began, kept current as the month's alerts are applied.
    private struct MonthContext {
        var alertIds: [String: (household: String, first: String, last: String)] = [:]
        var households: Set<String> = []
        var recordedKeys: Set<String> = []
    }

    /// The writes of recordMonth's loops, buffered in batches (`LedgerBatch`), and its case lookup
    /// (`LedgerStatement`), prepared once per month.
    ///
    /// A buffered row is read by nothing before it is flushed: the loop looks up only the case of the
    /// household at hand (each household comes once a month), and the alerts' batch flushes the alert ids'
    /// batch first (the alerts' foreign key). `flush()` writes out everything.
    private struct MonthWriter {
        let evaluations: LedgerBatch
        let alertIds: LedgerBatch
        let alerts: LedgerBatch
        let cases: LedgerBatch
        let history: LedgerBatch
        let fetchCase: LedgerStatement

        init(_ db: Database) throws {
            evaluations = LedgerBatch(
                db, head: "INSERT INTO evaluations (household_id, month, at_or_above_line, triggered)", width: 4)
            alertIds = LedgerBatch(
                db, head: "INSERT INTO alert_ids (alert_id, household_id, town, village, triggers, first_month, last_month)",
                width: 7,
                tail: """
                     ON CONFLICT (alert_id) DO UPDATE SET
                        first_month = min(first_month, excluded.first_month), last_month = max(last_month, excluded.last_month)
                    """)
            alerts = LedgerBatch(
                db,
                head: """
                    INSERT INTO alerts (month, alert_id, household_id, town, village, level, triggers,
                                        household_type, run)
                    """,
                width: 9)
            cases = LedgerBatch(
                db, head: LedgerCaseRecord.saveHead, width: LedgerCaseRecord.saveWidth, tail: LedgerCaseRecord.saveTail)
            history = LedgerBatch(db, head: Ledger.insertHistoryHead, width: 9)
            fetchCase = try LedgerStatement(db, sql: LedgerCaseRecord.fetchColumnsSQL)
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
    private static func registerAlertId(_ w: MonthWriter, _ a: LedgerAlert, triggersJSON: String,
                                        known context: inout MonthContext) throws {
        if let entry = context.alertIds[a.alertId] {
            let known = entry.household
            guard known == a.householdId else {
                throw LedgerError.alertHouseholdConflict(alertId: a.alertId, known: known, given: a.householdId)
            }
            if entry.first <= a.month && a.month <= entry.last { return }   // already covers this month
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

    private static func applyAlert(_ w: MonthWriter, _ a: LedgerAlert, triggers: [String], triggersJSON: String,
                                   run: String, at: String, known context: inout MonthContext) throws
    {
        let event = alertEvent(a.level)
        let key = "\(a.householdId)|\(a.month)|\(a.alertId)|\(event)"
        if context.recordedKeys.contains(key) {
            return  // already recorded by an earlier run of this month
        }
        let hasCase = context.households.contains(a.householdId)
        // a yellow alert for a household with no case only keeps the alert (§7): nothing to look up
        if a.level == .yellow && !hasCase { return }
        let before = hasCase ? try LedgerCaseRecord.fetch(w.fetchCase, a.householdId) : nil
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
        context.households.insert(c.householdId)
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
    private static func alertEvent(_ level: AlertLevel) -> String {
        switch level {
        case .red: return "预警(红色)"
        case .orange: return "预警(橙色)"
        case .yellow: return "预警(黄色)"
        }
    }

    // MARK: - Ingest: findings

    /// Ingest stage: applies one returned finding in its own transaction. `source` names where it
    /// came from (e.g. `file 核查结果_x.xlsx (ab12cd34)`); the finding's `row`, if set, is appended.
    public func applyFinding(_ f: Finding, source: String) throws -> FindingOutcome {
        let at = clock()
        return try dbQueue.write { db in try Self.apply(db, f, source: source, at: at) }
    }

    /// Applies a whole file's findings in one transaction and records `sourceKey` (the file's
    /// sha256) with the outcomes. Applying the same key again writes nothing: each finding applied
    /// (or unchanged) the first time comes back `.unchanged`, and each one refused, unknown or
    /// mismatched the first time comes back with that same outcome, so a file re-ingested after a
    /// crash quarantines the same rows. One outcome per finding, in order.
    public func applyFindings(_ fs: [Finding], source: String, sourceKey: String) throws -> [FindingOutcome] {
        let at = clock()
        return try dbQueue.write { db in
            if let stored = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT findings, outcomes FROM finding_sources WHERE source_key = ?"),
                arguments: [sourceKey])
            {
                let codes = LedgerJSONList.decode(stored["outcomes"])
                guard codes.count == fs.count else { return Array(repeating: FindingOutcome.unchanged, count: fs.count) }
                return codes.map { FindingOutcome(replayCode: $0) }
            }
            var outcomes: [FindingOutcome] = []
            outcomes.reserveCapacity(fs.count)
            for f in fs { outcomes.append(try Self.apply(db, f, source: source, at: at)) }
            try db.ledgerExecute(
                "INSERT INTO finding_sources (source_key, source, findings, outcomes, applied_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [sourceKey, source, fs.count, LedgerJSONList.encode(outcomes.map(\.replayCode)), at])
            return outcomes
        }
    }

    private static func apply(_ db: Database, _ f: Finding, source: String, at: String) throws -> FindingOutcome {
        guard let alert = try LedgerKnownAlert.fetch(db, f.alertId) else { return .unknownAlert }
        guard alert.householdId == f.householdId else { return .householdMismatch(expected: alert.householdId) }
        let before = try LedgerCaseRecord.fetch(db, f.householdId)
        let measures = LedgerJSONList.ordered(f.measures)

        // The same finding for the same alert again: nothing written. "Same" = same conclusion,
        // bringing no measure that is not already recorded.
        if let last = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT kind, measures FROM last_findings WHERE alert_id = ?"),
            arguments: [f.alertId]),
            (last["kind"] as String) == f.kind.rawValue
        {
            let known = Set(LedgerJSONList.decode(last["measures"])).union(before?.measures ?? [])
            if measures.allSatisfy(known.contains) { return .unchanged }
        }

        let allMeasures = LedgerJSONList.ordered((before?.measures ?? []) + measures)
        let t = transition(
            state: before?.state, event: .finding(f.kind), rejectedOnTriggers: before?.rejectedOnTriggers ?? [],
            hasMeasures: !allMeasures.isEmpty)
        let month = alert.lastMonth
        var after: LedgerCaseRecord?
        var note: TransitionNote? = nil
        switch t {
        case .refused:
            return .refused(state: before?.state)
        case .alertKeptOnly:
            return .unchanged  // not produced for findings
        case .recordWithoutCase:
            after = nil
        case .open(let s, let n):
            note = n
            var c = LedgerCaseRecord(
                householdId: f.householdId, town: alert.town, village: alert.village, state: s, openedMonth: month,
                monitoredSince: s == .monitored ? month : nil)
            c.lastAlertId = f.alertId
            c.lastAlertMonth = month
            c.lastTriggers = alert.triggers
            after = c
        case .move(let s, let n):
            guard var c = before else { return .unchanged }  // the table moves only existing cases
            note = n
            c.state = s
            if s == .monitored { c.monitoredSince = month }
            c.eliminationKind = s == .eliminated ? n?.rawValue : nil
            after = c
        case .stay(let n):
            guard let existing = before else { return .unchanged }
            note = n
            after = existing
        }
        if var c = after {
            if f.kind == .reject {
                // the alert the case is (now) rejected on
                c.rejectedOnAlertId = f.alertId
                c.rejectedOnTriggers = alert.triggers
            }
            c.measures = allMeasures
            c.updatedAt = at
            try c.save(db)
        }

        var parts = ["预警编号 \(f.alertId)"]
        if let v = f.verifiedBy, !v.isEmpty { parts.append("核查人 \(v)") }
        if let d = f.verifiedOn, !d.isEmpty { parts.append("核查日期 \(d)") }
        if !measures.isEmpty { parts.append("帮扶措施 \(measures.joined(separator: "、"))") }
        if let n = f.note, !n.isEmpty { parts.append("备注 \(n)") }
        if let note { parts.append(note.rawValue) }
        let origin = f.row.map { "\(source) row \($0)" } ?? source
        let actor = f.verifiedBy.flatMap { $0.isEmpty ? nil : "\($0) (\(origin))" } ?? origin
        try insertHistory(
            db, household: f.householdId, at: at, month: month, event: "核查:\(f.kind.rawValue)",
            from: before?.state, to: after?.state, actor: actor, detail: parts.joined(separator: "；"), key: nil)
        try db.ledgerExecute(
            """
            INSERT INTO last_findings (alert_id, kind, measures, source, at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (alert_id) DO UPDATE SET
                kind = excluded.kind, measures = excluded.measures, source = excluded.source, at = excluded.at
            """,
            arguments: [f.alertId, f.kind.rawValue, LedgerJSONList.encode(measures), origin, at])
        return .applied(from: before?.state, to: after?.state)
    }

    /// Records that lists with full (unmasked) resident IDs were written for these households: such a
    /// disclosure of sensitive personal information is kept in each household's history.
    public func recordDisclosure(month: String, run: String, households: [String]) throws {
        let at = clock()
        try dbQueue.write { db in
            for h in households {
                try Self.insertHistory(db, household: h, at: at, month: month, event: "未脱敏名单",
                                       from: nil, to: nil, actor: run,
                                       detail: "名单中打印了户主完整身份证号（配置 output.unmasked_ids，命令行 --unmasked）",
                                       key: [h, month, "unmasked"].joined(separator: "|"))
            }
        }
    }

    /// Records the month's §7 suggestions of risk elimination (one history entry per household and month),
    /// so that the ledger view shows them beside the lists.
    public func recordEliminationSuggestions(month: String, run: String, households: [String]) throws {
        let at = clock()
        try dbQueue.write { db in
            for h in households {
                try Self.insertHistory(db, household: h, at: at, month: month, event: Self.suggestionEvent,
                                       from: .monitored, to: .monitored, actor: run,
                                       detail: "连续 6 个月人均纯收入不低于监测线且无风险触发，已有帮扶措施，有劳动力：建议核实后标注风险已消除",
                                       key: [h, month, "suggest-elimination"].joined(separator: "|"))
            }
        }
    }

    static let suggestionEvent = "建议标注风险已消除"

    /// Households whose risk elimination was suggested in the latest evaluated month (or `month`) and whose
    /// case is still 监测中.
    public func eliminationSuggested(month: String? = nil) throws -> Set<String> {
        try dbQueue.read { db in
            guard let m = try month ?? String.fetchOne(db, sql: "SELECT max(month) FROM evaluations") else { return [] }
            return Set(try String.fetchAll(db, sql: """
                SELECT h.household_id FROM history h JOIN cases c ON c.household_id = h.household_id
                WHERE h.month = ? AND h.event = ? AND c.state = ?
                """, arguments: [m, Self.suggestionEvent, CaseState.monitored.rawValue]))
        }
    }

    static let insertHistoryHead = """
        INSERT OR IGNORE INTO history (household_id, at, month, event, from_state, to_state, actor, detail,
                                       event_key)
        """
    static let insertHistorySQL = insertHistoryHead + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"

    private static func insertHistory(
        _ db: Database, household: String, at: String, month: String?, event: String, from: CaseState?,
        to: CaseState?, actor: String, detail: String, key: String?
    ) throws {
        try db.ledgerExecute(
            insertHistorySQL,
            arguments: [household, at, month, event, from?.rawValue, to?.rawValue, actor, detail, key])
    }

    // MARK: - Reading

    /// One read transaction, for queries kept beside the feature that asks them (Sweep/Ledger+Sweep.swift).
    func reading<T>(_ body: (Database) throws -> T) throws -> T { try dbQueue.read(body) }

    /// household → state, for every case (detect reads it for categories).
    public func caseStates() throws -> [String: CaseState] {
        try dbQueue.read { db in
            var out: [String: CaseState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT household_id, state FROM cases") {
                if let s = CaseState(rawValue: row["state"]) { out[row["household_id"]] = s }
            }
            return out
        }
    }

    /// Cases, optionally of one state and/or town, ordered by town, village, household id.
    public func cases(state: CaseState? = nil, town: String? = nil) throws -> [CaseRow] {
        try dbQueue.read { db in
            var sql = "SELECT * FROM cases WHERE 1"
            var args: [(any DatabaseValueConvertible)?] = []
            if let state {
                sql += " AND state = ?"
                args.append(state.rawValue)
            }
            if let town {
                sql += " AND town = ?"
                args.append(town)
            }
            sql += " ORDER BY town, village, household_id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map {
                LedgerCaseRecord(row: $0).caseRow
            }
        }
    }

    /// One case, or nil.
    public func caseRow(household: String) throws -> CaseRow? {
        try dbQueue.read { db in try LedgerCaseRecord.fetch(db, household)?.caseRow }
    }

    /// A household's history, oldest first.
    public func history(household: String) throws -> [HistoryEntry] {
        try dbQueue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM history WHERE household_id = ? ORDER BY id", arguments: [household]
            ).map { row in
                HistoryEntry(
                    at: row["at"], month: row["month"], event: row["event"],
                    fromState: (row["from_state"] as String?).flatMap(CaseState.init(rawValue:)),
                    toState: (row["to_state"] as String?).flatMap(CaseState.init(rawValue:)),
                    actor: row["actor"], detail: row["detail"])
            }
        }
    }

    /// Cases by state; every state present (0 when none).
    public func countsByState() throws -> [CaseState: Int] {
        try dbQueue.read { db in
            var out = Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM cases GROUP BY state") {
                if let s = CaseState(rawValue: row["state"]) { out[s] = row["n"] }
            }
            return out
        }
    }

    /// The household an alert id was emitted for, or nil if the ledger never emitted it.
    public func alertHousehold(_ alertId: String) throws -> String? {
        try dbQueue.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT household_id FROM alert_ids WHERE alert_id = ?"), arguments: [alertId])
        }
    }

    /// RULES.md §7 "Suggested risk elimination" for `household` as of `month`: the case is 监测中,
    /// monitored for at least 6 calendar months (month − monitoredSince ≥ 6), each of the last 6
    /// evaluated months up to `month` at or above the line with no trigger (fewer than 6
    /// evaluated months: false), at least one measure recorded, and `hasLabour` (some member
    /// 技能/普通/弱劳动力或半劳动力; the caller knows the roster).
    public func suggestsElimination(household: String, month: String, hasLabour: Bool) throws -> Bool {
        try dbQueue.read { db in try Self.suggestsElimination(db, household: household, month: month, hasLabour: hasLabour) }
    }

    /// The households (with whether each has labour) whose risk elimination §7 suggests this month, read in
    /// one transaction: a province's monitored cases are many.
    public func eliminationSuggested(month: String, households: [(id: String, hasLabour: Bool)]) throws -> Set<String> {
        try dbQueue.read { db in
            var out = Set<String>()
            for h in households where try Self.suggestsElimination(db, household: h.id, month: month, hasLabour: h.hasLabour) {
                out.insert(h.id)
            }
            return out
        }
    }

    private static func suggestsElimination(_ db: Database, household: String, month: String, hasLabour: Bool) throws -> Bool {
        guard hasLabour else { return false }
        guard let c = try LedgerCaseRecord.fetch(db, household), c.state == .monitored, !c.measures.isEmpty,
            let since = c.monitoredSince, let span = LedgerMonth.between(since, month), span >= 6
        else { return false }
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT at_or_above_line, triggered FROM evaluations
                WHERE household_id = ? AND month <= ? ORDER BY month DESC LIMIT 6
                """),
            arguments: [household, month])
        return rows.count == 6
            && rows.allSatisfy { ($0["at_or_above_line"] as Bool) && !($0["triggered"] as Bool) }
    }

    /// Alerts per month and level (as they stand after each month's last run), for the trend chart;
    /// ordered by month, then red, orange, yellow.
    public func alertCountsByMonth() throws -> [(month: String, level: AlertLevel, count: Int)] {
        try dbQueue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT month, level, COUNT(*) AS n FROM alerts GROUP BY month, level
                    ORDER BY month, CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END
                    """
            ).compactMap { row in
                guard let level = AlertLevel(rawValue: row["level"]) else { return nil }
                return (month: row["month"] as String, level: level, count: row["n"] as Int)
            }
        }
    }
}

// MARK: - Rows

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

    init(row: Row) {
        householdId = row["household_id"]
        town = row["town"]
        village = row["village"]
        state = CaseState(rawValue: row["state"]) ?? .warned
        openedMonth = row["opened_month"]
        monitoredSince = row["monitored_since"]
        lastAlertId = row["last_alert_id"]
        lastAlertMonth = row["last_alert_month"]
        lastTriggers = LedgerJSONList.decode(row["last_triggers"])
        rejectedOnAlertId = row["rejected_on_alert_id"]
        rejectedOnTriggers = LedgerJSONList.decode(row["rejected_on_triggers"])
        eliminationKind = row["elimination_kind"]
        measures = LedgerJSONList.decode(row["measures"])
        updatedAt = row["updated_at"]
    }

    static let fetchSQL = "SELECT * FROM cases WHERE household_id = ?"

    static func fetch(_ db: Database, _ household: String) throws -> LedgerCaseRecord? {
        try Row.fetchOne(db.cachedStatement(sql: fetchSQL), arguments: [household])
            .map(LedgerCaseRecord.init(row:))
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
            return c
        }
    }

    /// The columns `init(row:)` reads, in the order `fetch(_: LedgerStatement, _:)` reads them.
    static let fetchColumnsSQL = """
        SELECT household_id, town, village, state, opened_month, monitored_since, last_alert_id, last_alert_month,
               last_triggers, rejected_on_alert_id, rejected_on_triggers, elimination_kind, measures, updated_at
        FROM cases WHERE household_id = ?
        """

    static let saveHead = """
        INSERT INTO cases (household_id, town, village, state, opened_month, monitored_since, last_alert_id,
                           last_alert_month, last_triggers, rejected_on_alert_id, rejected_on_triggers,
                           elimination_kind, measures, updated_at)
        """
    static let saveWidth = 14
    static let saveTail = """
         ON CONFLICT (household_id) DO UPDATE SET
            town = excluded.town, village = excluded.village, state = excluded.state,
            opened_month = excluded.opened_month, monitored_since = excluded.monitored_since,
            last_alert_id = excluded.last_alert_id, last_alert_month = excluded.last_alert_month,
            last_triggers = excluded.last_triggers, rejected_on_alert_id = excluded.rejected_on_alert_id,
            rejected_on_triggers = excluded.rejected_on_triggers, elimination_kind = excluded.elimination_kind,
            measures = excluded.measures, updated_at = excluded.updated_at
        """
    static let saveSQL = saveHead + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + saveTail

    func save(_ db: Database) throws {
        try db.ledgerExecute(
            Self.saveSQL,
            arguments: [
                householdId, town, village, state.rawValue, openedMonth, monitoredSince, lastAlertId, lastAlertMonth,
                LedgerJSONList.encode(lastTriggers), rejectedOnAlertId, LedgerJSONList.encode(rejectedOnTriggers),
                eliminationKind, LedgerJSONList.encode(measures), updatedAt,
            ])
    }

    /// `save` as a row of recordMonth's batch of `saveHead`/`saveTail`; `lastTriggersJSON`, when given, is
    /// `LedgerJSONList.encode(lastTriggers)` already made.
    func save(_ b: LedgerBatch, lastTriggersJSON: String? = nil) throws {
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
        try b.endRow()
    }

    var caseRow: CaseRow {
        CaseRow(
            householdId: householdId, town: town, village: village, state: state, openedMonth: openedMonth,
            monitoredSince: monitoredSince, lastAlertId: lastAlertId, lastTriggers: lastTriggers,
            eliminationKind: eliminationKind, measures: measures)
    }
}

/// An entry of the registry of emitted alert ids.
struct LedgerKnownAlert {
    var householdId: String
    var town: String
    var village: String
    var triggers: [String]
    /// The latest month the id was emitted in: a finding's month.
    var lastMonth: String

    static func fetch(_ db: Database, _ alertId: String) throws -> LedgerKnownAlert? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM alert_ids WHERE alert_id = ?"), arguments: [alertId]).map {
            LedgerKnownAlert(
                householdId: $0["household_id"], town: $0["town"], village: $0["village"],
                triggers: LedgerJSONList.decode($0["triggers"]), lastMonth: $0["last_month"])
        }
    }
}

extension Database {
    /// Executes one statement through the connection's statement cache (the hot paths run per alert).
    fileprivate func ledgerExecute(_ sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension FindingOutcome {
    /// How a file's outcome is stored for replay: applied and unchanged replay as unchanged.
    var replayCode: String {
        switch self {
        case .applied, .unchanged: return "unchanged"
        case .refused(let s): return "refused:" + (s?.rawValue ?? "")
        case .unknownAlert: return "unknown_alert"
        case .householdMismatch(let h): return "mismatch:" + h
        }
    }

    init(replayCode c: String) {
        if c.hasPrefix("refused:") {
            self = .refused(state: CaseState(rawValue: String(c.dropFirst("refused:".count))))
        } else if c.hasPrefix("mismatch:") {
            self = .householdMismatch(expected: String(c.dropFirst("mismatch:".count)))
        } else if c == "unknown_alert" {
            self = .unknownAlert
        } else {
            self = .unchanged
        }
    }
}

/// Lists of codes and measures stored as JSON arrays of strings.
///
/// The codes of an alert are plain ASCII words (`illness`, `income_drop`): such lists are written and read
/// here directly, byte for byte as `JSONEncoder` writes them (`["a","b"]`); any other list goes through
/// `JSONEncoder` / `JSONDecoder` (the per-alert loop encodes three lists per alert).
enum LedgerJSONList {
    static func encode(_ list: [String]) -> String {
        if let text = encodePlain(list) { return text }
        guard let data = try? JSONEncoder().encode(list) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [String] {
        guard let text else { return [] }
        if let list = decodePlain(text) { return list }
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return list
    }

    /// A byte JSONEncoder writes as itself inside a string: printable ASCII but `"`, `\` and `/`
    /// (which it escapes as `\/`).
    @inline(__always)
    private static func isPlain(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != UInt8(ascii: "/")
    }

    /// `JSONEncoder`'s output for a list of plain strings (`isPlain` bytes only), else nil.
    static func encodePlain(_ list: [String]) -> String? {
        if list.isEmpty { return "[]" }
        var length = 1
        for item in list {
            for b in item.utf8 where !isPlain(b) { return nil }
            length += item.utf8.count + 3
        }
        return String(unsafeUninitializedCapacity: length) { out in
            var i = 0
            out[i] = UInt8(ascii: "[")
            i += 1
            for (n, item) in list.enumerated() {
                if n > 0 {
                    out[i] = UInt8(ascii: ",")
                    i += 1
                }
                out[i] = UInt8(ascii: "\"")
                i += 1
                for b in item.utf8 {
                    out[i] = b
                    i += 1
                }
                out[i] = UInt8(ascii: "\"")
                i += 1
            }
            out[i] = UInt8(ascii: "]")
            return i + 1
        }
    }

    /// The strings of a list written `["a","b"]` with no escape and no blank, else nil.
    static func decodePlain(_ text: String) -> [String]? {
        let u = text.utf8
        guard u.first == UInt8(ascii: "["), u.last == UInt8(ascii: "]"), u.count >= 2 else { return nil }
        if u.count == 2 { return [] }
        var list: [String] = []
        var i = u.index(after: u.startIndex)
        let end = u.index(before: u.endIndex)
        while true {
            guard i < end, u[i] == UInt8(ascii: "\"") else { return nil }
            i = u.index(after: i)
            let start = i
            while i < end, u[i] != UInt8(ascii: "\"") {
                // unescaped JSON text stands for itself (non-ASCII too: the text is valid UTF-8)
                guard u[i] >= 0x20, u[i] != UInt8(ascii: "\\") else { return nil }
                i = u.index(after: i)
            }
            guard i < end else { return nil }
            list.append(String(text[start..<i]))
            i = u.index(after: i)
            if i == end { return list }
            guard u[i] == UInt8(ascii: ",") else { return nil }
            i = u.index(after: i)
        }
    }

    /// Distinct non-empty items, in order of first appearance.
    static func ordered(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
