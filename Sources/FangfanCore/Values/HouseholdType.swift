public enum HouseholdType: String, Sendable {
    case lifted = "脱贫户"
    case monitored = "监测户"
    case general = "一般农户"
}
