/// Why a transition went where it went, when the table says more than the target state.
public enum TransitionNote: String, Sendable, Equatable {
    /// No case, red/orange alert, roster types the household 监测户: opened straight into 监测中.
    case rosterMonitored = "户类型为监测户，直接纳入监测"
    /// 不予纳入 → 预警: the alert carries a risk type the rejected alert did not.
    case newRiskType = "出现新的风险类型，重新预警"
    /// 风险已消除 → 监测中 on a red alert.
    case returnToMonitoring = "返回监测"
    /// 监测中 → 风险已消除 with at least one measure recorded.
    case assistedElimination = "帮扶消除"
    /// 监测中 → 风险已消除 with no measure recorded.
    case naturalElimination = "自然消除"
    /// 预警 stays on a red/orange alert: the case's triggers are updated.
    case triggersUpdated = "更新风险类型"
    /// 监测中 stays on 确认纳入: the finding's measures are added.
    case measuresAdded = "追加帮扶措施"
}

/// The outcome of one cell of the RULES.md §7 table.
public enum Transition: Equatable, Sendable {
    /// No case: open one in this state.
    case open(CaseState, note: TransitionNote?)
    /// The case moves to another state.
    case move(CaseState, note: TransitionNote?)
    /// The case keeps its state; the event is recorded in its history (and the case's last
    /// alert / measures are updated).
    case stay(note: TransitionNote?)
    /// No case, and none is opened, but the event is recorded in the household's history
    /// (finding 待核 for a household without a case).
    case recordWithoutCase
    /// Yellow alert, no case: no case is opened; the alert itself is kept in the ledger.
    case alertKeptOnly
    /// The table refuses the event (findings only): nothing changes.
    case refused

    /// The case's state after the transition, given the state before it (nil = no case).
    public func state(after before: CaseState?) -> CaseState? {
        switch self {
        case .open(let s, _), .move(let s, _): return s
        case .stay, .recordWithoutCase, .alertKeptOnly, .refused: return before
        }
    }
}

/// RULES.md §7: what `event` does to a case in `state` (nil = the household has no case).
///
/// - Parameters:
///   - rejectedOnTriggers: for a case in 不予纳入, the trigger codes of the alert it was
///     rejected on (a red/orange alert with a code outside them re-opens it as 预警).
///   - hasMeasures: whether any assistance measure is recorded for the case, counting the
///     finding's own (decides 帮扶消除 vs 自然消除).
public func transition(
    state: CaseState?, event: LedgerEvent, rejectedOnTriggers: [String] = [], hasMeasures: Bool = false
) -> Transition {
    switch event {
    case .alert(let level, let triggers, let householdType):
        if level == .yellow {
            return state == nil ? .alertKeptOnly : .stay(note: nil)
        }
        // red or orange
        guard let state else {
            return householdType == LedgerEvent.monitoredHouseholdType
                ? .open(.monitored, note: .rosterMonitored) : .open(.warned, note: nil)
        }
        switch state {
        case .warned:
            return .stay(note: .triggersUpdated)
        case .monitored:
            return .stay(note: nil)
        case .rejected:
            let known = Set(rejectedOnTriggers)
            return triggers.contains(where: { !known.contains($0) })
                ? .move(.warned, note: .newRiskType) : .stay(note: nil)
        case .eliminated:
            return level == .red ? .move(.monitored, note: .returnToMonitoring) : .stay(note: nil)
        }

    case .finding(let kind):
        switch kind {
        case .include:
            switch state {
            case nil: return .open(.monitored, note: nil)
            case .warned?, .rejected?, .eliminated?: return .move(.monitored, note: nil)
            case .monitored?: return .stay(note: .measuresAdded)
            }
        case .reject:
            switch state {
            case nil: return .open(.rejected, note: nil)
            case .warned?: return .move(.rejected, note: nil)
            case .rejected?: return .stay(note: nil)
            case .monitored?, .eliminated?: return .refused
            }
        case .eliminated:
            switch state {
            case .monitored?:
                return .move(.eliminated, note: hasMeasures ? .assistedElimination : .naturalElimination)
            case .eliminated?: return .stay(note: nil)
            case nil, .warned?, .rejected?: return .refused
            }
        case .pending:
            return state == nil ? .recordWithoutCase : .stay(note: nil)
        }
    }
}
