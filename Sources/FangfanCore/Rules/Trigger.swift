/// One piece of evidence: which department record made a trigger fire, with its id and amount.
public struct Evidence: Codable, Sendable, Equatable {
    public var trigger: String
    public var source: String
    public var record: String?
    public var date: String?
    public var amount: String?
    /// A sentence a village cadre can read.
    public var text: String
}

/// A trigger that fired for a household.
public struct FiredTrigger: Sendable {
    public var code: String
    /// Risk types shown on the list (the declared trigger carries the declared ones).
    public var riskTypes: [String]
    public var evidence: [Evidence]
    /// The members the trigger is about, when it is about members (disability: the newly disabled),
    /// so that §6 can tell "another member" by resident ID rather than by name.
    public var persons: [ResidentID] = []
}

/// Everything a trigger looks at.
public struct TriggerContext {
    public let household: Household
    public let figures: HouseholdFigures
    public let settlements: [SettlementRecord]
    public let disasters: [DisasterRecord]
    public let rules: RuleParameters
    public let period: MonitoringPeriod
    /// The household's case is 监测中 (or 风险已消除, still a monitored household) in the ledger: it is
    /// "already known to be fragile" (§4), like a household typed 监测户.
    public var monitoredCase = false
}

/// A risk trigger of RULES.md §4: its code, its risk type, and when it fires.
public protocol Trigger: Sendable {
    static var code: String { get }
    static var riskType: String { get }
    func evaluate(_ c: TriggerContext) -> FiredTrigger?
}

/// The registry, in the order of RULES.md §4 (also the bit order of alert ids).
public enum Triggers {
    public static let all: [any Trigger] = [
        IllnessTrigger(), DisasterTrigger(), SpendingSurgeTrigger(), IncomeDropTrigger(),
        DisabilityTrigger(), AidChangeTrigger(), DeclaredTrigger(),
    ]
    public static let codes: [String] = all.map { type(of: $0).code }

    public static func riskType(_ code: String) -> String {
        all.first { type(of: $0).code == code }.map { type(of: $0).riskType } ?? code
    }

    public static func evaluate(_ c: TriggerContext) -> [FiredTrigger] {
        all.compactMap { $0.evaluate(c) }
    }
}

func yuan(_ m: Money) -> String { m.description + " 元" }

/// A configured ratio as a decimal for evidence text: `0.5`, `1.2`, `0.7`. Works for any denominator
/// (`Ratio(1, 2)`, the shipped default, is not a power of ten); one that has no finite decimal prints as `n/d`.
func ratioText(_ r: Ratio) -> String {
    var n = r.numerator, d = r.denominator
    guard d > 0 else { return "\(n)/\(d)" }
    var scale: Int64 = 1, digits = 0
    while d % 2 == 0 || d % 5 == 0 {
        if d % 10 == 0 { d /= 10 } else if d % 2 == 0 { d /= 2; n *= 5 } else { d /= 5; n *= 2 }
        scale *= 10
        digits += 1
    }
    guard d == 1 else { return "\(r.numerator)/\(r.denominator)" }
    let whole = n / scale, frac = n % scale
    if frac == 0 { return String(whole) }
    var f = String(frac)
    f = String(repeating: "0", count: digits - f.count) + f
    while f.hasSuffix("0") { f.removeLast() }
    return "\(whole).\(f)"
}
