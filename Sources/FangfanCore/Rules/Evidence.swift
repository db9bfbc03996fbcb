/// One piece of evidence: which department record made a trigger fire, with its id and amount.
public struct Evidence: Codable, Sendable, Equatable {
    public var trigger: String
    public var source: String
    public var record: String?
    public var date: String?
    public var amount: String?
    /// A sentence a village cadre can read.
    public var text: String
}

/// What evidence adds for a record that counts through a confirmed match (RULES.md §11): "" for any other.
func reviewNote(_ reviewID: String) -> String {
    reviewID.isEmpty ? "" : "，经人工复核匹配（复核编号 \(reviewID)）"
}
