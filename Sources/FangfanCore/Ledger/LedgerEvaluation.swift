import Foundation

/// One household's evaluation of month M (every evaluated household, alert or not).
public struct LedgerEvaluation: Sendable, Equatable {
    public var householdId: String
    public var month: String
    /// net_per_capita ≥ line
    public var atOrAboveLine: Bool
    /// some trigger fired
    public var triggered: Bool
    /// The trigger codes of the household's alert of that month (the ledger's `alerts` row; none without one).
    /// Read back for the elimination suggestion; not written (the month's alerts carry them).
    public var triggers: [String]

    public init(householdId: String, month: String, atOrAboveLine: Bool, triggered: Bool, triggers: [String] = []) {
        self.householdId = householdId
        self.month = month
        self.atOrAboveLine = atOrAboveLine
        self.triggered = triggered
        self.triggers = triggers
    }
}
