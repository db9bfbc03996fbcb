/// A record of feed `education` (控辍保学) as the schooling trigger needs it: a pupil who left school
/// (疑似辍学, 辍学) or came back (复学) on a date.
public struct SchoolRecord: Sendable, Equatable {
    public var person: ResidentID
    public var name: String
    public var school: String
    /// 疑似辍学 | 辍学 | 复学
    public var status: String
    public var date: Day

    public init(person: ResidentID, name: String, school: String, status: String, date: Day) {
        self.person = person
        self.name = name
        self.school = school
        self.status = status
        self.date = date
    }

    /// 疑似辍学 or 辍学 (not a return).
    public var isDropout: Bool { status == "疑似辍学" || status == "辍学" }
}
