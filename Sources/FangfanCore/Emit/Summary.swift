/// summary.json (INTERFACE.md): for cron monitoring and auditors. Keys are sorted so that a rerun with
/// nothing new gives the same file except `timings` and `generated_at`.
public struct Summary: Codable, Sendable {
    public struct Period: Codable, Sendable {
        public var from: String
        public var to: String
        public var months: Int
        /// RULES.md §12 `rules.period`: `plan_2021` or `rolling_12`.
        public var kind: String?
    }
    public struct FileLine: Codable, Sendable {
        public var feed: String
        public var file: String
        public var sha256: String
        public var ingested_at: String
        public var status: FileStatus
        public var reason: String?
        public var rows_read: Int
        public var accepted: Int
        public var quarantined: Int
        public var replaced: Int
        public var extra_columns: [String]
    }
    public struct Alerts: Codable, Sendable {
        public var total: Int
        public var by_level: [String: Int]
        public var by_trigger: [String: Int]
        public var by_risk_type: [String: Int]
        public var by_channel: [String: Int]
        public var by_town: [String: [String: Int]]
        public var elimination_suggested: Int
        /// RULES.md §12: alerts per category (类别); present only with `rules.sudden_hardship = true`.
        public var by_category: [String: Int]? = nil
    }
    public var month: String
    public var monitoring_year: Int
    public var period: Period
    public var line: String
    public var files: [FileLine]
    public var unmatched: [String: Int]
    public var alerts: Alerts
    public var cases: [String: Int]
    /// RULES.md §11 per feed: records on this month's review list, records confirmed and pairs denied to date.
    public struct ReviewCounts: Codable, Sendable, Equatable {
        public var pending: Int
        public var confirmed: Int
        public var denied: Int
    }
    public var review: [String: ReviewCounts] = [:]
    public var timings: [String: Double]
    public var generated_at: String
    /// RULES.md §13: cases past the verification deadline, per town (every town of the roster).
    public var overdue: [String: Int] = [:]
    public struct Findings: Codable, Sendable {
        /// RULES.md §13's rule precision, per trigger code (every code).
        public var by_trigger: [String: RulePrecision]
    }
    public var findings = Findings(by_trigger: [:])
    /// Where the outputs are (not written to the file).
    public var outDir: String = ""

    enum CodingKeys: String, CodingKey {
        case month, monitoring_year, period, line, files, unmatched, alerts, cases, review, timings, generated_at, overdue,
            findings
    }
}
