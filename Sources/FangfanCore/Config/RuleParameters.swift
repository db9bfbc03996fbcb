import Foundation

/// Every number of RULES.md, as configured.
public struct RuleParameters: Sendable {
    public var nearFactor = Ratio(12, 10)
    public var illnessPrevRatio = Ratio(1, 2)
    public var illnessBarFragile = Money(yuan: 5000)
    public var illnessBarGeneral = Money(yuan: 10000)
    public var disasterPrevRatio = Ratio(1, 2)
    public var incomeDropRatio = Ratio(3, 10)
    public var disabilityAgeMin = 16
    public var disabilityAgeMax = 60
    public var eliminationMonths = 6
    /// §12 schooling: a pupil aged schoolingAgeMin…schoolingAgeMax (full years) at the record date.
    public var schoolingAgeMin = 6
    public var schoolingAgeMax = 16
    /// §13 the verification deadline: days after a case's first red/orange listing (0 to 366).
    public var verifyDays = 15
    /// §9 forecast crossing (收入下滑预警): on by default.
    public var forecast = true
    /// §9's n: the recent months whose rate is projected to the year's end (1…10).
    public var forecastRecentMonths = 3
    /// §12 the third category 突发严重困难户: off by default.
    public var suddenHardship = false
    /// §12 the period: the plan's (December to M) by default, or the twelve months ending with M.
    public var period: MonitoringPeriod.Kind = .plan2021
    public init() {}
}
