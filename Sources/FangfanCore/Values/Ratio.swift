import Foundation

/// An exact ratio read from a decimal literal in the configuration (`0.5`, `1.2`, `0.3`).
public struct Ratio: Equatable, Sendable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64
    public init(_ n: Int64, _ d: Int64) { numerator = n; denominator = d }

    /// Parses `0.5`, `1.2`, `3`, without floating point.
    public static func parse(_ s: String) -> Ratio? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]), whole >= 0 else { return nil }
        if parts.count == 1 { return Ratio(whole, 1) }
        let frac = parts[1]
        guard !frac.isEmpty, frac.count <= 6, let f = Int64(frac) else { return nil }
        var den: Int64 = 1
        for _ in 0..<frac.count { den *= 10 }
        return Ratio(whole * den + f, den)
    }

    /// A decimal when the denominator has only the factors 2 and 5 (every ratio read from the configuration),
    /// else `n/d`.
    public var description: String {
        var d = denominator, twos = 0, fives = 0
        while d % 2 == 0 { d /= 2; twos += 1 }
        while d % 5 == 0 { d /= 5; fives += 1 }
        guard d == 1 else { return "\(numerator)/\(denominator)" }
        let digits = max(twos, fives)
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = numerator * (scale / denominator)
        var s = String(scaled / scale)
        if digits > 0 {
            let frac = String(scaled % scale)
            s += "." + String(repeating: "0", count: digits - frac.count) + frac
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}
