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

    /// The feeds of RULES.md §12 (education, housing, water) as FEEDS.md's reference layout: used when a
    /// configuration written before they existed has no `[feeds.<feed>]` for them.
    static func basicNeedsReference(_ kind: FeedKind) -> FeedConfig {
        switch kind {
        case .education:
            return FeedConfig(
                kind: kind, folder: "education", encoding: .auto,
                headers: [
                    "person_id": ["学生身份证号"], "name": ["学生姓名"], "school": ["学校名称"], "status": ["状态"],
                    "date": ["登记日期"],
                ], xml: nil, values: [:])
        case .housing:
            return FeedConfig(
                kind: kind, folder: "housing", encoding: .auto,
                headers: [
                    "person_id": ["户主身份证号"], "name": ["户主姓名"], "rating": ["鉴定等级"], "rated_on": ["鉴定日期"],
                    "renovation": ["改造状态"],
                ], xml: nil, values: ["rating": ["A级": "A", "B级": "B", "C级": "C", "D级": "D"]])
        default:
            return FeedConfig(
                kind: .water, folder: "water", encoding: .auto,
                headers: [
                    "person_id": ["户主身份证号"], "name": ["户主姓名"], "problem": ["问题类型"], "status": ["状态"],
                    "date": ["登记日期"],
                ], xml: nil, values: [:])
        }
    }
}
