import Foundation

// The values the case ledger (RULES.md §7) exchanges with the stages.

public enum AlertLevel: String, Sendable, CaseIterable, Codable {
    case red, orange, yellow

    /// Display order (red first) and the chart's order.
    var rank: Int {
        switch self {
        case .red: return 0
        case .orange: return 1
        case .yellow: return 2
        }
    }

    var chinese: String {
        switch self {
        case .red: return "红色"
        case .orange: return "橙色"
        case .yellow: return "黄色"
        }
    }
}

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

/// One alert of month M as emit records it.
public struct LedgerAlert: Sendable, Equatable {
    public var alertId: String
    public var householdId: String
    public var town: String
    public var village: String
    /// `YYYY-MM`
    public var month: String
    public var level: AlertLevel
    /// Trigger codes of RULES.md §4, sorted (the ledger sorts them again).
    public var triggers: [String]
    /// The roster's 户类型: 脱贫户 | 监测户 | 一般农户.
    public var householdType: String

    public init(
        alertId: String, householdId: String, town: String, village: String, month: String,
        level: AlertLevel, triggers: [String], householdType: String
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

/// What applying one finding did. The quarantine reason codes of FEEDS.md map as:
/// `.unknownAlert` → `unknown_alert`, `.householdMismatch` → `alert_household_mismatch`,
/// `.refused` → `transition_refused` (with the case's state in the message).
public enum FindingOutcome: Equatable, Sendable {
    /// Applied; `from`/`to` nil mean "no case" (a 待核 for a household without a case is
    /// recorded in its history without opening one: `applied(from: nil, to: nil)`).
    case applied(from: CaseState?, to: CaseState?)
    /// The same finding for the same alert again (or the same file again): nothing written.
    case unchanged
    /// RULES.md §7 refuses the transition; nothing written. `state` nil = no case.
    case refused(state: CaseState?)
    case unknownAlert
    case householdMismatch(expected: String)

    /// The FEEDS.md reason code when the finding is to be quarantined, else nil.
    public var quarantineReason: String? {
        switch self {
        case .applied, .unchanged: return nil
        case .refused: return "transition_refused"
        case .unknownAlert: return "unknown_alert"
        case .householdMismatch: return "alert_household_mismatch"
        }
    }
}

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

public enum LedgerError: Error, Equatable, CustomStringConvertible {
    case badMonth(String)
    case monthMismatch(expected: String, found: String, household: String)
    case duplicateHousehold(month: String, household: String)
    case alertHouseholdConflict(alertId: String, known: String, given: String)
    case cannotSetPermissions(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .badMonth(let m):
            return "ledger: month '\(m)' is not YYYY-MM"
        case .monthMismatch(let e, let f, let h):
            return "ledger: recording month \(e) but the record of household \(h) is for \(f)"
        case .duplicateHousehold(let m, let h):
            return "ledger: household \(h) has more than one alert (or evaluation) for \(m)"
        case .alertHouseholdConflict(let a, let k, let g):
            return "ledger: alert id \(a) was emitted for household \(k) and now for \(g)"
        case .cannotSetPermissions(let p, let e):
            return "ledger: cannot make \(p) owner-only: \(String(cString: strerror(e)))"
        }
    }
}
