import Foundation

/// One case as the ledger holds it.
public struct CaseRow: Sendable, Equatable {
    public var householdId: String
    public var town: String
    public var village: String
    public var state: CaseState
    public var openedMonth: String
    /// The month the case (last) entered 监测中; nil if it never did.
    public var monitoredSince: String?
    public var lastAlertId: String?
    public var lastTriggers: [String]
    /// 帮扶消除 | 自然消除 while the case is 风险已消除, else nil.
    public var eliminationKind: String?
    /// Measures of every applied finding, in order of first appearance.
    public var measures: [String]

    public init(
        householdId: String, town: String, village: String, state: CaseState, openedMonth: String,
        monitoredSince: String?, lastAlertId: String?, lastTriggers: [String],
        eliminationKind: String?, measures: [String]
    ) {
        self.householdId = householdId
        self.town = town
        self.village = village
        self.state = state
        self.openedMonth = openedMonth
        self.monitoredSince = monitoredSince
        self.lastAlertId = lastAlertId
        self.lastTriggers = lastTriggers
        self.eliminationKind = eliminationKind
        self.measures = measures
    }
}
