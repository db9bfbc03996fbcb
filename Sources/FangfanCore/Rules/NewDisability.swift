/// A new (新办) disability certificate of a member, as the disability trigger needs it.
public struct NewDisability: Sendable {
    public var person: ResidentID
    public var name: String
    public var grade: String
    public var issued: Day
    /// The review id when the record counts through a confirmed match (RULES.md §11), else "".
    public var review: String = ""
}
