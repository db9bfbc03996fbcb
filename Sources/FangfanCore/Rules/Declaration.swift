/// A declaration (feed `application`) of the period.
public struct Declaration: Sendable {
    public var channel: String
    public var date: Day
    public var risks: [String]
    public var reportedBy: String
}
