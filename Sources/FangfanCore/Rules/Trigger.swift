/// A risk trigger of RULES.md §4: its code, its risk type, and when it fires.
public protocol Trigger: Sendable {
    static var code: String { get }
    static var riskType: String { get }
    func evaluate(_ c: TriggerContext) -> FiredTrigger?
}
