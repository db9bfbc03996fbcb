import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Ledger {
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

    static func apply(_ db: Database, _ f: Finding, source: String, at: String) throws -> FindingOutcome {
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
                try Self.insertHistory(
                    db, household: h, at: at, month: month, event: "未脱敏名单",
                    from: nil, to: nil, actor: run,
                    detail: "名单中打印了户主完整身份证号（配置 output.unmasked_ids，命令行 --unmasked）",
                    key: [h, month, "unmasked"].joined(separator: "|"))
            }
        }
    }

    /// Records the month's §7 suggestions of risk elimination (one history entry per household and month),
    /// so that the ledger view shows them beside the lists.
    public func recordEliminationSuggestions(month: String, run: String, households: [String], detail: String) throws {
        let at = clock()
        try dbQueue.write { db in
            for h in households {
                try Self.insertHistory(
                    db, household: h, at: at, month: month, event: Self.suggestionEvent,
                    from: .monitored, to: .monitored, actor: run,
                    detail: detail,
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
            return Set(
                try String.fetchAll(
                    db,
                    sql: """
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

    static func insertHistory(
        _ db: Database, household: String, at: String, month: String?, event: String, from: CaseState?,
        to: CaseState?, actor: String, detail: String, key: String?
    ) throws {
        try db.ledgerExecute(
            insertHistorySQL,
            arguments: [household, at, month, event, from?.rawValue, to?.rawValue, actor, detail, key])
    }
}
