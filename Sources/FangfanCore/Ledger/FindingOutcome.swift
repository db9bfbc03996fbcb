import Foundation

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

extension FindingOutcome {
    /// How a file's outcome is stored for replay: applied and unchanged replay as unchanged.
    var replayCode: String {
        switch self {
        case .applied, .unchanged: return "unchanged"
        case .refused(let s): return "refused:" + (s?.rawValue ?? "")
        case .unknownAlert: return "unknown_alert"
        case .householdMismatch(let h): return "mismatch:" + h
        }
    }

    init(replayCode c: String) {
        if c.hasPrefix("refused:") {
            self = .refused(state: CaseState(rawValue: String(c.dropFirst("refused:".count))))
        } else if c.hasPrefix("mismatch:") {
            self = .householdMismatch(expected: String(c.dropFirst("mismatch:".count)))
        } else if c == "unknown_alert" {
            self = .unknownAlert
        } else {
            self = .unchanged
        }
    }
}
