import Foundation
import GRDB

/// The state of proposed matches (RULES.md §11) in the ledger: emit registers each pair it lists (pending),
/// ingest applies returned decisions in one transaction per file (keyed by its sha256, like findings), link
/// reads the confirmed and denied pairs.
extension Ledger {
    /// Registers the month's listed pairs; a pair already known keeps its state.
    public func registerProposals(_ ps: [ReviewProposal], month: String) throws {
        guard !ps.isEmpty else { return }
        let at = clock()
        try dbQueue.write { db in
            let st = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO review_pairs (review_id, feed, record, record_hash, linked_hash, person_id, household_id,
                        state, first_month, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                    """)
            for p in ps {
                try st.execute(arguments: [
                    p.reviewID, p.feed.rawValue, p.record, ReviewDecisions.hex(p.recordHash),
                    ReviewDecisions.hex(p.linkedHash), p.person, p.household, month, at,
                ])
            }
        }
    }

    /// The confirmed pairs (by feed and the record's key as received) and the denied review ids.
    public func reviewDecisions() throws -> ReviewDecisions {
        try dbQueue.read { db in
            var d = ReviewDecisions()
            for row in try Row.fetchAll(
                db, sql: "SELECT review_id, feed, record_hash, linked_hash, person_id, state FROM review_pairs WHERE state != 'pending'")
            {
                let id: String = row["review_id"]
                if (row["state"] as String) == "denied" { d.denied.insert(id); continue }
                guard let feed = FeedKind(rawValue: row["feed"]), let h = UInt64(row["record_hash"] as String, radix: 16),
                    let l = UInt64(row["linked_hash"] as String, radix: 16)
                else { continue }
                let person = ResidentID.staged(Array((row["person_id"] as String).utf8))
                d.confirmed[feed, default: [:]][h] = .init(person: person, reviewID: id, linkedHash: l)
            }
            return d
        }
    }

    /// Per feed: records confirmed to date, pairs denied to date.
    public func reviewCounts() throws -> [String: (confirmed: Int, denied: Int)] {
        try dbQueue.read { db in
            var out: [String: (confirmed: Int, denied: Int)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT feed, COUNT(DISTINCT CASE WHEN state = 'confirmed' THEN record END) AS c,
                           SUM(CASE WHEN state = 'denied' THEN 1 ELSE 0 END) AS d
                    FROM review_pairs GROUP BY feed
                    """)
            {
                out[row["feed"]] = (row["c"], row["d"])
            }
            return out
        }
    }

    /// Applies a file's decisions in one transaction; the same file again changes nothing and answers as the first time.
    public func applyReviews(
        _ ds: [(reviewID: String, confirm: Bool, by: String, on: String?)], source: String,
        sourceKey: String
    ) throws -> [ReviewOutcome] {
        let at = clock()
        return try dbQueue.write { db in
            if let stored = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT outcomes FROM review_sources WHERE source_key = ?"),
                arguments: [sourceKey])
            {
                let codes = LedgerJSONList.decode(stored["outcomes"])
                guard codes.count == ds.count else { return Array(repeating: ReviewOutcome.unchanged, count: ds.count) }
                return codes.map { ReviewOutcome(replayCode: $0) }
            }
            var outcomes: [ReviewOutcome] = []
            for d in ds {
                guard
                    let pair = try Row.fetchOne(
                        db.cachedStatement(sql: "SELECT feed, record, state FROM review_pairs WHERE review_id = ?"),
                        arguments: [d.reviewID])
                else {
                    outcomes.append(.unknownReview); continue
                }
                let state: String = pair["state"]
                let target = d.confirm ? "confirmed" : "denied"
                if d.confirm {
                    let other = try Row.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT review_id FROM review_pairs WHERE feed = ? AND record = ? AND state = 'confirmed' AND review_id != ?
                                """), arguments: [pair["feed"] as String, pair["record"] as String, d.reviewID])
                    if other != nil { outcomes.append(.conflict); continue }
                }
                if state == target { outcomes.append(.unchanged); continue }
                try db.ledgerExecute(
                    """
                    UPDATE review_pairs SET state = ?, reviewed_by = ?, reviewed_on = ?, source = ?, updated_at = ? WHERE review_id = ?
                    """, arguments: [target, d.by, d.on, source, at, d.reviewID])
                outcomes.append(.applied)
            }
            try db.ledgerExecute(
                "INSERT INTO review_sources (source_key, source, decisions, outcomes, applied_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [sourceKey, source, ds.count, LedgerJSONList.encode(outcomes.map(\.replayCode)), at])
            return outcomes
        }
    }
}

/// Ingest hands a review file's validated rows to the ledger.
extension Ledger: ReviewSink {
    public func apply(reviews rows: [NormalizedRow], file: String, sha256: String) throws -> [RowProblem?] {
        let schema = FeedKind.review.schema
        guard let iID = schema.index(of: "review_id"), let iDecision = schema.index(of: "decision"),
            let iBy = schema.index(of: "reviewed_by"), let iOn = schema.index(of: "reviewed_on")
        else { preconditionFailure("the review schema lost a field the ledger reads") }
        let ds = rows.map { r in
            (
                reviewID: r.string(iID), confirm: r.string(iDecision) == "确认", by: r.string(iBy),
                on: r.isBlank(iOn) ? nil : r.string(iOn)
            )
        }
        let outcomes = try applyReviews(ds, source: "file \(file) (\(sha256.prefix(8)))", sourceKey: sha256)
        return zip(ds, outcomes).map { d, o -> RowProblem? in
            switch o {
            case .applied, .unchanged: return nil
            case .unknownReview:
                return RowProblem(
                    field: iID, raw: d.reviewID,
                    error: ValueError(.unknownReview, "没有这个复核编号：请按疑似匹配复核清单上印的编号填写"))
            case .conflict:
                return RowProblem(
                    field: iDecision, raw: "确认",
                    error: ValueError(.reviewConflict, "这条记录已确认了另一位候选人，同一条记录只能确认一人：如需改正，请先对已确认的一行填“否认”"))
            }
        }
    }
}
