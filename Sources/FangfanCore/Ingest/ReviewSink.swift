/// Applies returned review decisions (feed `review`, RULES.md §11) to the state of proposed matches when their
/// file is ingested, like `FindingsSink` for verification findings.
public protocol ReviewSink: AnyObject {
    /// One result per row: nil when applied (or unchanged), else the quarantine problem.
    /// Applying the same file (same sha256) twice must change nothing.
    func apply(reviews rows: [NormalizedRow], file: String, sha256: String) throws -> [RowProblem?]
}
