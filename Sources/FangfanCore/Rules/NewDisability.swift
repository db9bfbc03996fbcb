/// A new (新办) disability certificate of a member, as the disability trigger needs it.
public struct NewDisability: Sendable {
    public var person: ResidentID
    public var name: String
    public var grade: String
    public var issued: Day
}
