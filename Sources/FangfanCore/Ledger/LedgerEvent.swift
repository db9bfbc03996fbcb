/// An event of month M that the ledger applies to a household's case.
public enum LedgerEvent: Equatable, Sendable {
    /// An alert emitted for the household. `triggers` are its codes; `householdType` the roster's 户类型.
    case alert(level: Level, triggers: [String], householdType: String)
    /// A returned verification finding.
    case finding(FindingKind)
}

extension LedgerEvent {
    /// The roster's 户类型 for a household already under monitoring.
    public static let monitoredHouseholdType = "监测户"
}
