import Foundation

/// One alert of month M as emit records it.
public struct LedgerAlert: Sendable, Equatable {
    public var alertId: String
    public var householdId: String
    public var town: String
    public var village: String
    /// `YYYY-MM`
    public var month: String
    public var level: Level
    /// Trigger codes of RULES.md §4, sorted (the ledger sorts them again).
    public var triggers: [String]
    /// The roster's 户类型: 脱贫户 | 监测户 | 一般农户.
    public var householdType: String

    public init(
        alertId: String, householdId: String, town: String, village: String, month: String,
        level: Level, triggers: [String], householdType: String
    ) {
        self.alertId = alertId
        self.householdId = householdId
        self.town = town
        self.village = village
        self.month = month
        self.level = level
        self.triggers = triggers
        self.householdType = householdType
    }
}
