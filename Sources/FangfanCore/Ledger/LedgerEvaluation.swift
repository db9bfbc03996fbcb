import Foundation

/// One household's evaluation of month M (every evaluated household, alert or not).
public struct LedgerEvaluation: Sendable, Equatable {
    public var householdId: String
    public var month: String
    /// net_per_capita ≥ line
    public var atOrAboveLine: Bool
    /// some trigger fired
    public var triggered: Bool

    public init(householdId: String, month: String, atOrAboveLine: Bool, triggered: Bool) {
        self.householdId = householdId
        self.month = month
        self.atOrAboveLine = atOrAboveLine
        self.triggered = triggered
    }
}
