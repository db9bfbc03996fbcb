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
}

/// Everything a trigger looks at.
public struct TriggerContext {
    public let household: Household
    public let figures: HouseholdFigures
    public let settlements: [SettlementRecord]
    public let disasters: [DisasterRecord]
    public let rules: RuleParameters
    public let period: MonitoringPeriod
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
