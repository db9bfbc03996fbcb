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
    /// The list's 类别 (RULES.md §5, and §12's 突发严重困难户 where `rules.sudden_hardship` is on): 脱贫不稳定户,
    /// 边缘易致贫户, 在监测 or 突发严重困难户.
    public var category: String

    public init(
        alertId: String, householdId: String, town: String, village: String, month: String,
        level: Level, triggers: [String], householdType: String, category: String = ""
    ) {
        self.alertId = alertId
        self.householdId = householdId
        self.town = town
        self.village = village
        self.month = month
        self.level = level
        self.triggers = triggers
        self.householdType = householdType
        self.category = category
    }
}
