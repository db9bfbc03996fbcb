import Foundation

/// Everything the monthly report page shows. Plain values only: the page is a
/// pure function of this struct (the generation time is passed in), so the
/// same data always gives byte-identical HTML.
public struct ReportData: Sendable {
    public var title: String
    public var month: String
    public var periodFrom: String
    public var periodTo: String
    public var periodMonths: Int
    /// RULES.md §12 `rules.period` (nil or `plan_2021`: the plan's period).
    public var periodKind: String? = nil
    /// RULES.md §12: alerts per category, shown only when `rules.sudden_hardship` is on (else empty).
    public var categories: [(name: String, count: Int)] = []
    /// The monitoring line, already formatted (元/人·年), e.g. "9600.00".
    public var line: String
    /// ISO timestamp, printed small.
    public var generatedAt: String
    /// Households in the roster.
    public var households: Int
    /// Every town of the roster, even with zero alerts.
    public var towns: [TownCounts]
    /// RULES.md §13: cases past the verification deadline, per town (every town, in name order).
    public var overdue: [(town: String, count: Int)] = []
    /// RULES.md §13: per trigger code, the monitoring year's alerts returned 确认纳入 and 不予纳入.
    public var precision: [(code: String, precision: RulePrecision)] = []
    /// Alerts per risk type (one alert may count under several types).
    public var riskTypes: [(name: String, count: Int)]
    /// Alerts per discovery channel (申报 / 排查 / 部门预警).
    public var channels: [(name: String, count: Int)]
    /// Cases per ledger state (预警, 监测中, 不予纳入, 风险已消除).
    public var cases: [(state: String, count: Int)]
    /// Alerts month by month from the ledger, oldest first.
    public var trend: [(month: String, red: Int, orange: Int, yellow: Int)]
    /// One entry per department feed.
    public var quality: [FeedQuality]
    public var rejectedFiles: [(file: String, reason: String)]
    /// Cases for which the pipeline suggests 风险已消除 (RULES.md §7).
    public var eliminationSuggested: Int
    /// RULES.md §11 per feed (shown beside data quality when any is not zero).
    public var review: [(feed: String, pending: Int, confirmed: Int, denied: Int)]

    public init(
        title: String,
        month: String,
        periodFrom: String,
        periodTo: String,
        periodKind: String? = nil,
        periodMonths: Int,
        line: String,
        generatedAt: String,
        households: Int,
        towns: [TownCounts],
        riskTypes: [(name: String, count: Int)],
        channels: [(name: String, count: Int)],
        cases: [(state: String, count: Int)],
        trend: [(month: String, red: Int, orange: Int, yellow: Int)],
        quality: [FeedQuality],
        rejectedFiles: [(file: String, reason: String)],
        eliminationSuggested: Int,
        review: [(feed: String, pending: Int, confirmed: Int, denied: Int)] = [],
        overdue: [(town: String, count: Int)] = [],
        precision: [(code: String, precision: RulePrecision)] = [],
        categories: [(name: String, count: Int)] = []
    ) {
        self.periodKind = periodKind
        self.categories = categories
        self.review = review
        self.overdue = overdue
        self.precision = precision
        self.title = title
        self.month = month
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.periodMonths = periodMonths
        self.line = line
        self.generatedAt = generatedAt
        self.households = households
        self.towns = towns
        self.riskTypes = riskTypes
        self.channels = channels
        self.cases = cases
        self.trend = trend
        self.quality = quality
        self.rejectedFiles = rejectedFiles
        self.eliminationSuggested = eliminationSuggested
    }
}

/// Alerts of one town by level.
public struct TownCounts: Sendable {
    public var town: String
    public var red: Int
    public var orange: Int
    public var yellow: Int

    public init(town: String, red: Int, orange: Int, yellow: Int) {
        self.town = town
        self.red = red
        self.orange = orange
        self.yellow = yellow
    }

    public var total: Int { red + orange + yellow }
}

/// Data quality of one department feed for the run.
public struct FeedQuality: Sendable {
    /// Chinese name of the feed, e.g. 医保结算.
    public var feed: String
    public var files: Int
    public var rejected: Int
    public var duplicates: Int
    public var rowsRead: Int
    public var accepted: Int
    public var quarantined: Int
    public var unmatched: Int

    public init(
        feed: String, files: Int, rejected: Int, duplicates: Int,
        rowsRead: Int, accepted: Int, quarantined: Int, unmatched: Int
    ) {
        self.feed = feed
        self.files = files
        self.rejected = rejected
        self.duplicates = duplicates
        self.rowsRead = rowsRead
        self.accepted = accepted
        self.quarantined = quarantined
        self.unmatched = unmatched
    }
}
