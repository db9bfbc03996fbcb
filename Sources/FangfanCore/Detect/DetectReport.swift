import Foundation

/// What detect hands to emit besides the alerts: the month's evaluation of every household that has a
/// case (for §7's suggested risk elimination) and the towns of the roster (every town gets a list).
public struct DetectReport: Codable, Sendable {
    public var month: String
    public var period_from: String
    public var period_to: String
    public var period_months: Int
    /// RULES.md §12 `rules.period` (absent in a detect.json written before it: the plan's).
    public var period_kind: String? = nil
    public var monitoring_year: Int
    public var line: String
    public var towns: [String]
    public var households: Int
    public var alerts: Int
}
