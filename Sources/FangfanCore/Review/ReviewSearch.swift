/// The candidates of the period's damaged and unmatched records (RULES.md §11), as link writes them for emit
/// (`state/work/<M>/review.csv`, one row per record and candidate, or one row 候选过多): the roster members of
/// the same name that a rule proposes, less the pairs denied before.
public struct ReviewSearch {
    public static let header = [
        "review_id", "feed", "file", "line", "raw_id", "name", "household_id", "person_id",
        "candidate_name", "evidence", "amount", "record", "record_hash", "linked_hash",
    ]
    public static let tooMany = "候选过多"

    let roster: RosterIndex
    let denied: Set<String>

    public init(roster: RosterIndex, denied: Set<String>) {
        self.roster = roster
        self.denied = denied
    }

    /// The rows for these records, ordered by feed, file, line and candidate.
    /// The candidates come from an index of the roster's members of the records' names only, made when there is
    /// a record and a roster.
    public func rows(_ records: [ReviewRecord]) -> [[String]] {
        guard !records.isEmpty, !roster.households.isEmpty else { return [] }
        let index = ReviewCandidateIndex(roster: roster, only: Set(records.map { ReviewCandidateIndex.nameHash($0.name) }))
        let order = { (r: ReviewRecord) in (FeedKind.reviewed.firstIndex(of: r.feed) ?? 0, r.file, r.line ?? 0, r.keyText) }
        // (each record's order worked out once, not in every comparison: its key text is joined from its fields)
        let ordered = records.map { (order($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        // the records in two halves, one per core (a province's month has tens of thousands), rows in their order
        let halves = ordered.count < 256 ? 1 : 2
        let (roster, denied) = (self.roster, self.denied)
        let parts = ParallelResults(count: halves) { k -> [[String]] in
            ReviewSearch(roster: roster, denied: denied).rows(
                ordered[(ordered.count * k / halves)..<(ordered.count * (k + 1) / halves)], index: index)
        }
        return (0..<halves).flatMap { k -> [[String]] in
            do { return try parts.get(k) } catch { preconditionFailure("the search throws nothing: \(error)") }
        }
    }

    /// The rows of these records (in their order) from the candidates `index` finds.
    private func rows(_ records: ArraySlice<ReviewRecord>, index: ReviewCandidateIndex) -> [[String]] {
        var joins: [FeedKind: FeedJoin] = [:]
        var out: [[String]] = []
        for r in records where !r.name.isEmpty {
            let id = r.id
            let found = index.candidates(name: r.name, id: id).filter { !denied.contains(r.reviewID($0.person)) }
            if found.isEmpty { continue }
            let common = [r.feed.rawValue, r.file, r.line.map(String.init) ?? "", r.rawID, r.name]
            let hash = ReviewDecisions.hex(r.keyHash)
            if found.count > ReviewRules.maxCandidates {
                out.append(
                    [""] + common + [
                        "", "", "",
                        "\(Self.tooMany)：同名且号码相近的花名册人员有 \(found.count) 人，无法推断是谁，未列出候选人：请部门核实身份证号后重新报送",
                        r.amount, r.keyText, hash, "",
                    ])
                continue
            }
            let join = joins[r.feed] ?? FeedJoin(feed: r.feed, roster: roster)
            joins[r.feed] = join
            for c in found {
                let member = roster.households[c.household].members[c.member]
                let linked = join.key(fields: r.fields(as: c.person), household: c.household)
                out.append(
                    [r.reviewID(c.person)] + common + [
                        roster.households[c.household].id.description, c.person.description, member.name,
                        ReviewRules.evidence(c.rules, id, c.person.description), r.amount, r.keyText, hash,
                        ReviewDecisions.hex(linked),
                    ])
            }
        }
        return out
    }

    public static func csv(_ rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = []
        CSVOut.appendRow(&out, header)
        for row in rows { CSVOut.appendRow(&out, row) }
        return out
    }
}
