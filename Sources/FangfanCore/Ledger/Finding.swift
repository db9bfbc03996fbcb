import Foundation

/// 核查结论 of feed `verification`.
public enum FindingKind: String, Sendable, CaseIterable, Codable {
    case include = "确认纳入"
    case reject = "不予纳入"
    case eliminated = "风险已消除"
    case pending = "待核"
}

/// 帮扶消除 or 自然消除, recorded when a monitored case is marked 风险已消除.
public enum EliminationKind: String, Sendable, CaseIterable {
    case assisted = "帮扶消除"
    case natural = "自然消除"
}

/// One returned verification finding (a row of feed `verification`).
public struct Finding: Sendable, Equatable {
    public var alertId: String
    public var householdId: String
    public var kind: FindingKind
    public var verifiedBy: String?
    /// ISO date `YYYY-MM-DD`
    public var verifiedOn: String?
    /// 帮扶措施, in the order written.
    public var measures: [String]
    public var note: String?
    /// The row (CSV line / XLSX row) the finding came from, for the history's actor. Optional.
    public var row: Int?

    public init(
        alertId: String, householdId: String, kind: FindingKind, verifiedBy: String? = nil,
        verifiedOn: String? = nil, measures: [String] = [], note: String? = nil, row: Int? = nil
    ) {
        self.alertId = alertId
        self.householdId = householdId
        self.kind = kind
        self.verifiedBy = verifiedBy
        self.verifiedOn = verifiedOn
        self.measures = measures
        self.note = note
        self.row = row
    }
}
