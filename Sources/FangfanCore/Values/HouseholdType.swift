public enum HouseholdType: String, Sendable {
    case lifted = "脱贫户", monitored = "监测户", general = "一般农户"
}
