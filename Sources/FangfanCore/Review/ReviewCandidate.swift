/// A roster member proposed for a damaged or unmatched record (RULES.md §11), and the rules that propose it.
public struct ReviewCandidate: Sendable, Equatable {
    /// The household's index in the roster, and the member's index in it.
    public let household: Int
    public let member: Int
    public let person: ResidentID
    public let rules: [MatchRule]
}
