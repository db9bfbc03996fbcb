/// RULES.md §13's rule precision: per trigger, over the monitoring year, the alerts carrying it that were
/// returned 确认纳入 and 不予纳入 (each alert counted once, by its latest finding, for every trigger it carries).
public struct RulePrecision: Codable, Sendable, Equatable {
    public var confirmed: Int
    public var rejected: Int

    public init(confirmed: Int, rejected: Int) {
        self.confirmed = confirmed
        self.rejected = rejected
    }

    /// confirmed / (confirmed + rejected) as a decimal string with 2 places, rounded half up; nil when nothing
    /// was returned either way.
    public var rate: String? {
        let all = confirmed + rejected
        guard all > 0 else { return nil }
        let hundredths = (200 * confirmed + all) / (2 * all)  // ⌊100·n/(n+m) + ½⌋
        return "\(hundredths / 100)." + (hundredths % 100 < 10 ? "0" : "") + "\(hundredths % 100)"
    }

    enum CodingKeys: String, CodingKey { case confirmed, rejected, rate }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        confirmed = try c.decode(Int.self, forKey: .confirmed)
        rejected = try c.decode(Int.self, forKey: .rejected)
    }

    /// `{"confirmed": n, "rejected": m, "rate": "0.67"}`, rate null when n + m = 0.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(confirmed, forKey: .confirmed)
        try c.encode(rejected, forKey: .rejected)
        if let rate { try c.encode(rate, forKey: .rate) } else { try c.encodeNil(forKey: .rate) }
    }
}
