/// RULES.md §1: the monitoring year runs December to November.
public struct MonitoringPeriod: Equatable, Sendable {
    /// The evaluation month M.
    public let month: Month
    public let from: Month
    public let to: Month
    /// The monitoring year the period belongs to (December Y counts for Y+1).
    public let monitoringYear: Int

    public init(evaluating m: Month) {
        month = m
        to = m
        if m.month == 12 {
            from = m
            monitoringYear = m.year + 1
        } else {
            from = Month(year: m.year - 1, month: 12)!
            monitoringYear = m.year
        }
    }

    /// Number of calendar months in the period (May → 6, December → 1).
    public var months: Int { to.index - from.index + 1 }

    public func contains(_ m: Month) -> Bool { m >= from && m <= to }
    public func contains(_ d: Day) -> Bool { contains(d.monthValue) }
}
