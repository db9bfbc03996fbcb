/// A medical settlement of the period, kept for evidence.
public struct SettlementRecord: Sendable {
    public var id: String
    public var kind: String
    public var person: String
    public var outOfPocket: Money
    public var settled: String
    public var visitType: String
    /// The review id when the record counts through a confirmed match (RULES.md §11), else "".
    public var review: String = ""
}
