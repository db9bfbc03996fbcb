/// Everything a trigger looks at.
public struct TriggerContext {
    public let household: Household
    public let figures: HouseholdFigures
    public let settlements: [SettlementRecord]
    public let disasters: [DisasterRecord]
    public let rules: RuleParameters
}
