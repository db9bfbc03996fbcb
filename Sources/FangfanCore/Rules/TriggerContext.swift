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
    /// The household's records of the 三保障 and drinking-water feeds (RULES.md §12).
    public var basicNeeds = BasicNeedsRecords()

    /// The last day of the period (of its month M).
    public var periodEnd: Day {
        Day(year: period.to.year, month: period.to.month, day: Day.daysIn(month: period.to.month, year: period.to.year))!
    }
}
