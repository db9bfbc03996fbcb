/// What applying one returned review decision did (feed `review`, RULES.md §11).
public enum ReviewOutcome: Equatable, Sendable {
    case applied, unchanged, unknownReview, conflict

    var replayCode: String {
        switch self {
        case .applied, .unchanged: return "ok"
        case .unknownReview: return "unknown_review"
        case .conflict: return "review_conflict"
        }
    }

    /// A decision of a file applied before comes back unchanged, or refused as it was the first time.
    init(replayCode: String) {
        switch replayCode {
        case "unknown_review": self = .unknownReview
        case "review_conflict": self = .conflict
        default: self = .unchanged
        }
    }
}
