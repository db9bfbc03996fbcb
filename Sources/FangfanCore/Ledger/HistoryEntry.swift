import Foundation

/// One entry of a household's append-only history.
public struct HistoryEntry: Sendable, Equatable {
    /// ISO-8601 timestamp of the write.
    public var at: String
    /// The evaluation month the event belongs to (for a finding: the month of its alert).
    public var month: String?
    /// `预警(红色)`, `预警(橙色)`, `预警(黄色)`, `核查:确认纳入`, `核查:不予纳入`, `核查:风险已消除`, `核查:待核`.
    public var event: String
    public var fromState: CaseState?
    public var toState: CaseState?
    /// `run 2021-05`, or `张三 (file 核查结果_x.xlsx (ab12cd34) row 7)`.
    public var actor: String
    public var detail: String

    public init(
        at: String, month: String?, event: String, fromState: CaseState?, toState: CaseState?,
        actor: String, detail: String
    ) {
        self.at = at
        self.month = month
        self.event = event
        self.fromState = fromState
        self.toState = toState
        self.actor = actor
        self.detail = detail
    }
}
