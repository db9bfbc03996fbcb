// The case state machine of RULES.md §7, as a pure function: every cell of the table is
// one `transition(state:event:…)` call, testable without a database.

/// A case's state. 风险已消除 is a mark on a monitored household, never an exit.
public enum CaseState: String, Sendable, CaseIterable, Codable {
    case warned = "预警"
    case monitored = "监测中"
    case rejected = "不予纳入"
    case eliminated = "风险已消除"
}
