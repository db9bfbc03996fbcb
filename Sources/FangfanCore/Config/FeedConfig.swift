import Foundation

public struct XMLFeedConfig: Sendable {
    public var root: String
    public var record: String
    public var countAttribute: String?
    /// canonical field → path (`JSLSH`, `@ATTR`, `ZHSJ/@BH`)
    public var fields: [String: String]
}

public struct FeedConfig: Sendable {
    public var kind: FeedKind
    public var folder: String
    public var encoding: TextEncoding
    /// canonical field → accepted CSV headers (the first is the reference header).
    public var headers: [String: [String]]
    public var xml: XMLFeedConfig?
    /// canonical field → (spelling in the file → listed value)
    public var values: [String: [String: String]]

    /// The reference header of a field, for messages and lists.
    public func header(_ field: String) -> String { headers[field]?.first ?? field }
}

extension FeedConfig {
    /// Feed `review` as the review list prints it (FEEDS.md): used when a configuration has no `[feeds.review]`.
    static let reviewReference = FeedConfig(
        kind: .review, folder: "review", encoding: .auto,
        headers: ["review_id": ["复核编号"], "decision": ["复核结论"], "reviewed_by": ["复核人"], "reviewed_on": ["复核日期"]],
        xml: nil, values: [:])
}
