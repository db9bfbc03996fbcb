/// The category shown on the list (§5): by household type, or 在监测 when already monitored; with
/// `rules.sudden_hardship` (§12) the third category 突发严重困难户.
public enum Category {
    /// §12's third category.
    public static let suddenHardship = "突发严重困难户"
    /// §12: the trigger codes that make a household 突发严重困难户 (when not below the line).
    public static let suddenTriggers: Set<String> = ["illness", "disaster", "spending_surge", "income_drop"]
    /// §12: the declared risk types that do the same (a declaration in the period).
    public static let suddenDeclared: Set<String> = ["因病", "因灾", "因意外事故"]
    /// Every category a list can show, in the order the summary and the report give them.
    public static let all = ["脱贫不稳定户", "边缘易致贫户", suddenHardship, "在监测"]

    public static func of(_ type: HouseholdType, monitoredCase: Bool) -> String {
        if monitoredCase || type == .monitored { return "在监测" }
        return type == .lifted ? "脱贫不稳定户" : "边缘易致贫户"
    }

    /// §5 and §12: with `suddenHardship` on, a household that is not below the line and has a trigger among
    /// illness, disaster, spending_surge, income_drop, or a declaration of 因病, 因灾 or 因意外事故, is
    /// 突发严重困难户; 在监测 stays 在监测; otherwise the category its type gives.
    public static func of(
        _ type: HouseholdType, monitoredCase: Bool, suddenHardship: Bool, fired: [FiredTrigger], below: Bool
    ) -> String {
        let base = of(type, monitoredCase: monitoredCase)
        guard suddenHardship, base != "在监测", !below else { return base }
        let sudden = fired.contains { t in
            suddenTriggers.contains(t.code)
                || (t.code == DeclaredTrigger.code && t.riskTypes.contains { suddenDeclared.contains($0) })
        }
        return sudden ? Self.suddenHardship : base
    }
}
