/// A department record of the period whose person is in no household: quarantined for its resident ID (kept
/// beside the quarantine) or staged with a valid ID that no member has (RULES.md §11). Its fields are the
/// feed's staged columns, the person's ID as received.
public struct ReviewRecord: Sendable {
    public let feed: FeedKind
    /// The inbox file it came in, and its line (CSV, XLSX) or record number (XML); no line for a staged record.
    public let file: String
    public let line: Int?
    public let fields: [String]
    /// Quarantined (its ID was refused), or staged (valid, unmatched).
    public let quarantined: Bool

    public init(feed: FeedKind, file: String, line: Int?, fields: [String], quarantined: Bool) {
        self.feed = feed
        self.file = file
        self.line = line
        self.fields = fields
        self.quarantined = quarantined
    }

    var schema: FeedSchema { ReviewRecord.schemas[feed]! }
    /// Each feed's schema, made once (a schema is built afresh on every `FeedKind.schema`).
    static let schemas = Dictionary(uniqueKeysWithValues: FeedKind.allCases.map { ($0, $0.schema) })
    public var rawID: String { fields[schema.index(of: "person_id")!] }
    public var id: DamagedID { DamagedID(rawID) }
    public var name: String { fields[schema.index(of: "name")!] }
    public var date: String { fields[schema.index(of: Linker.dateField(feed))!] }

    /// The record's amount where it has one: 个人自付 (medical, what counts for the household), 金额 (civil),
    /// 直接经济损失 (disaster).
    public var amount: String {
        switch feed {
        case .medical: return fields[schema.index(of: "out_of_pocket")!]
        case .civil: return fields[schema.index(of: "amount")!]
        case .disaster: return fields[schema.index(of: "direct_loss")!]
        default: return ""
        }
    }

    /// The record's key as received (FEEDS.md), as text: what a review id is derived from.
    public var keyText: String {
        ([feed.rawValue] + schema.key.map { fields[schema.index(of: $0)!] }).joined(separator: "\u{1F}")
    }

    /// The record's key as ingest and link hash it (`recordKeyHash` over the key fields as received).
    public var keyHash: UInt64 {
        let s = schema
        return recordKeyHash(s.key.map { s.index(of: $0)! }) { ArraySlice(fields[$0].utf8) }
    }

    /// The fields as if the ID had been `person`'s.
    public func fields(as person: ResidentID) -> [String] {
        var f = fields
        f[schema.index(of: "person_id")!] = person.description
        return f
    }

    /// 复核编号: stable, from the feed, the record key and the candidate person.
    public func reviewID(_ candidate: ResidentID) -> String {
        let digest = SHA256Hasher.hash(Array((keyText + "\u{1F}" + candidate.description).utf8))
        return "FH" + digest.prefix(10).uppercased()
    }
}
