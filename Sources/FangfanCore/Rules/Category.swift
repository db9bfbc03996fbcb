/// The category shown on the list (§5): by household type, or 在监测 when already monitored.
public enum Category {
    public static func of(_ type: HouseholdType, monitoredCase: Bool) -> String {
        if monitoredCase || type == .monitored { return "在监测" }
        return type == .lifted ? "脱贫不稳定户" : "边缘易致贫户"
    }
}
