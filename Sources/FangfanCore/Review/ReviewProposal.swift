/// One pair of the review list (RULES.md §11) as the state keeps it: a record and a candidate person.
public struct ReviewProposal: Sendable, Equatable {
    public var reviewID: String
    public var feed: FeedKind
    /// The record's key as received (`ReviewRecord.keyText`).
    public var record: String
    public var recordHash: UInt64
    public var linkedHash: UInt64
    public var person: String
    public var household: String

    public init(reviewID: String, feed: FeedKind, record: String, recordHash: UInt64, linkedHash: UInt64, person: String, household: String)
    {
        self.reviewID = reviewID
        self.feed = feed
        self.record = record
        self.recordHash = recordHash
        self.linkedHash = linkedHash
        self.person = person
        self.household = household
    }
}
