/// What link needs of the review state (RULES.md §11): the confirmed pairs, by the record's key as received,
/// and the review ids denied (never proposed again).
public struct ReviewDecisions: Sendable {
    public struct Confirmed: Sendable, Equatable {
        public let person: ResidentID
        public let reviewID: String
        /// The record's key as if its ID had been the candidate's (link's dedup key).
        public let linkedHash: UInt64
    }
    public var confirmed: [FeedKind: [UInt64: Confirmed]] = [:]
    public var denied: Set<String> = []

    public init() {}

    public static func hex(_ h: UInt64) -> String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
