/// An exact amount in fen divided by a positive integer: per-capita and projected figures are
/// fractions of a fen, and every decision compares them exactly (cross-multiplied, no floating point).
public struct FenFraction: Sendable, Equatable {
    public let numerator: Int64
    public let denominator: Int64

    public init(_ n: Int64, _ d: Int64) {
        precondition(d > 0)
        numerator = n
        denominator = d
    }

    public init(_ m: Money) { self.init(m.fen, 1) }

    /// self < m × ratio, exactly.
    public func isBelow(_ m: Money, times r: Ratio = Ratio(1, 1)) -> Bool {
        numerator * r.denominator < r.numerator * m.fen * denominator
    }

    /// self ≤ m × ratio, exactly.
    public func isAtMost(_ m: Money, times r: Ratio) -> Bool {
        numerator * r.denominator <= r.numerator * m.fen * denominator
    }

    /// Rounded half away from zero to the fen — only for display.
    public var rounded: Money {
        let q = numerator / denominator, r = numerator % denominator
        if 2 * r.magnitude >= UInt64(denominator) { return Money(fen: q + (numerator < 0 ? -1 : 1)) }
        return Money(fen: q)
    }

    public static func < (a: FenFraction, b: FenFraction) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }
}

/// A household's figures for the period (RULES.md §3).
public struct HouseholdFigures: Sendable {
    public var incomeObserved = Money.zero
    /// Bit i set: month (period.from + i) has a declaration.
    public var monthsDeclared: UInt32 = 0
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

/// A new (新办) disability certificate of a member, as the disability trigger needs it.
public struct NewDisability: Sendable {
    public var person: ResidentID
    public var name: String
    public var grade: String
    public var issued: Day
}

/// A declaration (feed `application`) of the period.
public struct Declaration: Sendable {
    public var channel: String
    public var date: Day
    public var risks: [String]
    public var reportedBy: String
}

/// A medical settlement of the period, kept for evidence.
public struct SettlementRecord: Sendable {
    public var id: String
    public var kind: String
    public var person: String
    public var outOfPocket: Money
    public var settled: String
    public var visitType: String
}

/// A disaster record of the period, kept for evidence.
public struct DisasterRecord: Sendable {
    public var event: String
    public var name: String
    public var occurred: String
    public var damage: String
    public var loss: Money
}

extension HouseholdFigures {
    public static let destroyed: Set<String> = ["倒塌", "严重损坏"]
}
