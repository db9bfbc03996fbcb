/// The feeds of FEEDS.md and the canonical fields each one carries.
/// Types, required fields and listed values live here (they are the contract);
/// headers, XML paths and value spellings live in the pipeline configuration (they vary by county).
public enum FeedKind: String, CaseIterable, Sendable, Codable {
    case roster, income, medical, civil, disaster, disability, application, verification, review
    /// RULES.md §12's 三保障 and drinking-water feeds (after the plan's feeds).
    case education, housing, water

    /// Chinese name for messages and the report.
    public var title: String {
        switch self {
        case .roster: return "花名册"
        case .income: return "收入申报"
        case .medical: return "医保结算"
        case .civil: return "民政救助"
        case .disaster: return "灾情"
        case .disability: return "残疾人证"
        case .application: return "农户申报/干部排查"
        case .verification: return "核查结果"
        case .review: return "疑似匹配复核"
        case .education: return "控辍保学"
        case .housing: return "农村住房安全"
        case .water: return "农村饮水安全"
        }
    }

    public var schema: FeedSchema { FeedSchema.of(self) }

    /// The feeds whose records name a person by resident ID and name: their damaged or unmatched records get
    /// candidates (RULES.md §11).
    public static let reviewed: [FeedKind] = [.medical, .civil, .disaster, .disability]

    /// RULES.md §12's 三保障 and drinking-water feeds: linked, and their triggers shown, once a file of one of
    /// them has been accepted (with none, every output is as before they existed).
    public static let basicNeeds: [FeedKind] = [.education, .housing, .water]
}
