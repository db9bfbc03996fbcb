import Foundation

/// The state of proposed matches (RULES.md §11) in the ledger: emit registers each pair it lists (pending),
/// ingest applies returned decisions in one transaction per file (keyed by its sha256, like findings), link
/// reads the confirmed and denied pairs.
extension Ledger {
    /// Registers the month's listed pairs; a pair already known keeps its state.
    public func registerProposals(_ ps: [ReviewProposal], month: String) throws {
        guard !ps.isEmpty else { return }
        let at = clock()
        try write { db in
            let sql = """
                INSERT\(db.dialect == .sqlite ? " OR IGNORE" : "") INTO review_pairs (review_id, feed, record, record_hash,
                    linked_hash, person_id, household_id, state, first_month, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)\(db.dialect == .sqlite ? "" : " ON CONFLICT DO NOTHING")
                """
            for p in ps {
                try db.execute(
                    sql,
                    [
                        .text(p.reviewID), .text(p.feed.rawValue), .text(p.record), .text(ReviewDecisions.hex(p.recordHash)),
                        .text(ReviewDecisions.hex(p.linkedHash)), .text(p.person), .text(p.household), .text(month),
                        .text(at),
                    ])
            }
        }
    }

    /// The confirmed pairs (by feed and the record's key as received) and the denied review ids.
    public func reviewDecisions() throws -> ReviewDecisions {
        try read { db in
            var d = ReviewDecisions()
            for row in try db.rows(
                "SELECT review_id, feed, record_hash, linked_hash, person_id, state FROM review_pairs WHERE state != 'pending'"
                    + scope())
            {
                let id = row.text(0)
                if row.text(5) == "denied" { d.denied.insert(id); continue }
                guard let feed = FeedKind(rawValue: row.text(1)), let h = UInt64(row.text(2), radix: 16),
                    let l = UInt64(row.text(3), radix: 16)
                else { continue }
                let person = ResidentID.staged(Array(row.text(4).utf8))
                d.confirmed[feed, default: [:]][h] = .init(person: person, reviewID: id, linkedHash: l)
            }
            return d
        }
    }

    /// Per feed: records confirmed to date, pairs denied to date.
    public func reviewCounts() throws -> [String: (confirmed: Int, denied: Int)] {
        try read { db in
            var out: [String: (confirmed: Int, denied: Int)] = [:]
            for row in try db.rows(
                """
                SELECT feed, COUNT(DISTINCT CASE WHEN state = 'confirmed' THEN record END) AS c,
                       SUM(CASE WHEN state = 'denied' THEN 1 ELSE 0 END) AS d
                FROM review_pairs WHERE 1=1\(scope()) GROUP BY feed
                """)
            {
                out[row.text(0)] = (row.int(1), row.int(2))
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
        let key = self.sourceKey(sourceKey)
        return try write { db in
            if let stored = try db.row("SELECT outcomes FROM review_sources WHERE source_key = ?", [.text(key)]) {
                let codes = LedgerJSONList.decode(stored.optional(0))
                guard codes.count == ds.count else { return Array(repeating: ReviewOutcome.unchanged, count: ds.count) }
                return codes.map { ReviewOutcome(replayCode: $0) }
            }
            var outcomes: [ReviewOutcome] = []
            for d in ds {
                guard
                    let pair = try db.row(
                        "SELECT feed, record, state FROM review_pairs WHERE review_id = ?" + scope(), [.text(d.reviewID)])
                else {
                    outcomes.append(.unknownReview); continue
                }
                let state = pair.text(2)
                let target = d.confirm ? "confirmed" : "denied"
                if d.confirm {
                    let other = try db.row(
                        """
                        SELECT review_id FROM review_pairs WHERE feed = ? AND record = ? AND state = 'confirmed' AND review_id != ?
                        """ + scope(), [.text(pair.text(0)), .text(pair.text(1)), .text(d.reviewID)])
                    if other != nil { outcomes.append(.conflict); continue }
                }
                if state == target { outcomes.append(.unchanged); continue }
                try db.execute(
                    """
                    UPDATE review_pairs SET state = ?, reviewed_by = ?, reviewed_on = ?, source = ?, updated_at = ? WHERE review_id = ?
                    """, [.text(target), .text(d.by), LedgerValue(d.on), .text(source), .text(at), .text(d.reviewID)])
                outcomes.append(.applied)
            }
            try db.execute(
                "INSERT INTO review_sources (source_key, source, decisions, outcomes, applied_at) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(key), .text(source), LedgerValue(ds.count),
                    .text(LedgerJSONList.encode(outcomes.map(\.replayCode))), .text(at),
                ])
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
