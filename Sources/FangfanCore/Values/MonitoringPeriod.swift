/// RULES.md §1: the monitoring year runs December to November; §12: or the twelve months ending with M.
public struct MonitoringPeriod: Equatable, Sendable {
    /// Which period (`rules.period`): the plan's, December to M (§1), or the twelve calendar months ending
    /// with M (§12). The monitoring year and its line are §1's either way.
    public enum Kind: String, Equatable, Sendable {
        case plan2021 = "plan_2021"
        case rolling12 = "rolling_12"
    }

    /// The evaluation month M.
    public let month: Month
    public let from: Month
    public let to: Month
    /// The monitoring year the period belongs to (December Y counts for Y+1).
    public let monitoringYear: Int
    public let kind: Kind

    public init(evaluating m: Month, kind: Kind = .plan2021) {
        month = m
        to = m
        self.kind = kind
        monitoringYear = m.month == 12 ? m.year + 1 : m.year
        switch kind {
        case .plan2021: from = m.month == 12 ? m : Month(year: m.year - 1, month: 12)!
        case .rolling12: from = Month(index: m.index - 11)
        }
    }

    /// Number of calendar months in the period (May → 6, December → 1; rolling: 12).
    public var months: Int { to.index - from.index + 1 }

    public func contains(_ m: Month) -> Bool { m >= from && m <= to }
    public func contains(_ d: Day) -> Bool { contains(d.monthValue) }

    /// "本期" in evidence and notes: as it always was for the plan's period; a rolling period adds its
    /// kind and bounds, `本期（滚动12个月 2020-06至2021-05）`.
    public var named: String { kind == .plan2021 ? "本期" : "本期（\(label)）" }

    /// Added after a text that names months: nothing for the plan's period, `（滚动12个月 2020-06至2021-05）`
    /// for a rolling one.
    public var boundsNote: String { kind == .plan2021 ? "" : "（\(label)）" }

    /// The period named in texts: `2020-06至2021-05` (its bounds), and for a rolling period `滚动12个月`.
    public var label: String {
        switch kind {
        case .plan2021: return "\(from)至\(to)"
        case .rolling12: return "滚动12个月 \(from)至\(to)"
        }
    }
}
