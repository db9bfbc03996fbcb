/// Everything a trigger looks at.
public struct TriggerContext {
    public let household: Household
    public let figures: HouseholdFigures
    public let settlements: [SettlementRecord]
    public let disasters: [DisasterRecord]
    public let rules: RuleParameters
    public let period: MonitoringPeriod
    /// The household's case is 监测中 (or 风险已消除, still a monitored household) in the ledger: it is
    /// "already known to be fragile" (§4), like a household typed 监测户.
    public var monitoredCase = false
}
