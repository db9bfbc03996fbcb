/// A household's figures for the period (RULES.md §3).
public struct HouseholdFigures: Sendable {
    public var incomeObserved = Money.zero
    /// Bit i set: month (period.from + i) has a declaration.
    public var monthsDeclared: UInt32 = 0
    /// The income declared for the period's last `rules.forecast_recent_months` months (§9's `recent`).
    public var incomeRecent = Money.zero
    public var medicalOOP = Money.zero
    public var disasterLoss = Money.zero
    /// A house of the household 倒塌 or 严重损坏 in the period.
    public var houseDestroyed = false
    public var newDisabilities: [NewDisability] = []
    public var aidChanges: [String] = []
    public var declarations: [Declaration] = []

    public init() {}

    public var monthsWithIncome: Int { monthsDeclared.nonzeroBitCount }
    public var rigid: Money { medicalOOP + disasterLoss }

    /// income_observed × 12 / months_with_income, or last year's income with no declaration.
    public func incomeProjected(prevIncome: Money) -> FenFraction {
        let k = monthsWithIncome
        if k == 0 { return FenFraction(prevIncome) }
        return FenFraction(incomeObserved.fen * 12, Int64(k))
    }

    /// (income_projected − rigid) / household size.
    public func netPerCapita(prevIncome: Money, size: Int) -> FenFraction {
        let p = incomeProjected(prevIncome: prevIncome)
        return FenFraction(p.numerator - rigid.fen * p.denominator, p.denominator * Int64(max(size, 1)))
    }
}

extension HouseholdFigures {
    public static let destroyed: Set<String> = ["倒塌", "严重损坏"]
}
