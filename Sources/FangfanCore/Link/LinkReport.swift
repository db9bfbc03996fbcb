import Foundation

/// What link did for one month.
public struct LinkReport: Codable, Sendable {
    public var month: String
    public var linked: [String: Int] = [:]
    public var unmatched: [String: Int] = [:]
    /// RULES.md §11: records searched for candidates, rows of the review list, and the seconds the search took
    /// (for the log line; not written to link.json).
    public var reviewRecords = 0
    public var reviewRows = 0
    public var reviewSeconds = 0.0

    enum CodingKeys: String, CodingKey { case month, linked, unmatched }
}
