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
