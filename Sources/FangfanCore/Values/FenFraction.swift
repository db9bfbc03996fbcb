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
