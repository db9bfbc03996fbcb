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
        return try write { db in try Self.apply(db, f, source: source, at: at, scope: scope()) }
    }

    /// Applies a whole file's findings in one transaction and records `sourceKey` (the file's
    /// sha256) with the outcomes. Applying the same key again writes nothing: each finding applied
    /// (or unchanged) the first time comes back `.unchanged`, and each one refused, unknown or
    /// mismatched the first time comes back with that same outcome, so a file re-ingested after a
    /// crash quarantines the same rows. One outcome per finding, in order.
    public func applyFindings(_ fs: [Finding], source: String, sourceKey: String) throws -> [FindingOutcome] {
        let at = clock()
        let key = self.sourceKey(sourceKey)
        return try write { db in
            if let stored = try db.row("SELECT findings, outcomes FROM finding_sources WHERE source_key = ?", [.text(key)]) {
                let codes = LedgerJSONList.decode(stored.optional(1))
                guard codes.count == fs.count else { return Array(repeating: FindingOutcome.unchanged, count: fs.count) }
                return codes.map { FindingOutcome(replayCode: $0) }
            }
            var outcomes: [FindingOutcome] = []
            outcomes.reserveCapacity(fs.count)
            for f in fs { outcomes.append(try Self.apply(db, f, source: source, at: at, scope: scope())) }
            try db.execute(
                "INSERT INTO finding_sources (source_key, source, findings, outcomes, applied_at) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(key), .text(source), LedgerValue(fs.count),
                    .text(LedgerJSONList.encode(outcomes.map(\.replayCode))), .text(at),
                ])
            return outcomes
        }
    }

    /// `scope`: the ledger's county condition (`scope()`).
    static func apply(
        _ db: any LedgerConnection, _ f: Finding, source: String, at: String, scope: String
    ) throws -> FindingOutcome {
        guard let alert = try LedgerKnownAlert.fetch(db, f.alertId, scope: scope) else { return .unknownAlert }
        guard alert.householdId == f.householdId else { return .householdMismatch(expected: alert.householdId) }
        let before = try LedgerCaseRecord.fetch(db, f.householdId)
        let measures = LedgerJSONList.ordered(f.measures)

        // The same finding for the same alert again: nothing written. "Same" = same conclusion,
        // bringing no measure that is not already recorded.
        if let last = try db.row("SELECT kind, measures FROM last_findings WHERE alert_id = ?", [.text(f.alertId)]),
            last.text(0) == f.kind.rawValue
        {
            let known = Set(LedgerJSONList.decode(last.optional(1))).union(before?.measures ?? [])
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
        try db.execute(
            """
            INSERT INTO last_findings (alert_id, kind, measures, source, at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (alert_id) DO UPDATE SET
                kind = excluded.kind, measures = excluded.measures, source = excluded.source, at = excluded.at
            """,
            [.text(f.alertId), .text(f.kind.rawValue), .text(LedgerJSONList.encode(measures)), .text(origin), .text(at)])
        return .applied(from: before?.state, to: after?.state)
    }

    /// Records that lists with full (unmasked) resident IDs were written for these households: such a
    /// disclosure of sensitive personal information is kept in each household's history.
    public func recordDisclosure(month: String, run: String, households: [String]) throws {
        let at = clock()
        try write { db in
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
        try write { db in
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
        try read { db in
            guard let m = try month ?? db.text("SELECT max(month) FROM evaluations WHERE 1=1" + scope()) else { return [] }
            return Set(
                try db.texts(
                    """
                    SELECT h.household_id FROM history h JOIN cases c ON c.household_id = h.household_id
                    WHERE h.month = ? AND h.event = ? AND c.state = ?
                    """ + scope("h.household_id"),
                    [.text(m), .text(Self.suggestionEvent), .text(CaseState.monitored.rawValue)]))
        }
    }

    /// A history entry whose event key is already recorded is skipped: SQLite's `INSERT OR IGNORE`,
    /// PostgreSQL's `ON CONFLICT DO NOTHING`.
    static func insertHistoryHead(_ dialect: LedgerDialect) -> String {
        """
        INSERT\(dialect == .sqlite ? " OR IGNORE" : "") INTO history (household_id, at, month, event, from_state, to_state,
                                       actor, detail, event_key)
        """
    }

    static func insertHistoryTail(_ dialect: LedgerDialect) -> String {
        dialect == .sqlite ? "" : " ON CONFLICT DO NOTHING"
    }

    static func insertHistory(
        _ db: any LedgerConnection, household: String, at: String, month: String?, event: String, from: CaseState?,
        to: CaseState?, actor: String, detail: String, key: String?
    ) throws {
        try db.execute(
            insertHistoryHead(db.dialect) + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" + insertHistoryTail(db.dialect),
            [
                .text(household), .text(at), LedgerValue(month), .text(event), LedgerValue(from?.rawValue),
                LedgerValue(to?.rawValue), .text(actor), .text(detail), LedgerValue(key),
            ])
    }
}
