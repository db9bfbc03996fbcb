/// A disaster record of the period, kept for evidence.
public struct DisasterRecord: Sendable {
    public var event: String
    public var name: String
    public var occurred: String
    public var damage: String
    public var loss: Money
    /// The review id when the record counts through a confirmed match (RULES.md §11), else "".
    public var review: String = ""
}
