/// Everything a trigger looks at.
public struct TriggerContext {
    public let household: Household
    public let figures: HouseholdFigures
    public let settlements: [SettlementRecord]
    public let disasters: [DisasterRecord]
    public let rules: RuleParameters
    public let period: MonitoringPeriod
    /// The monitoring line of the period's year (RULES.md §2).
    public let line: Money
}
