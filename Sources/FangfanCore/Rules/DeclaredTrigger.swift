/// The declared risk types: a declaration (feed `application`) dated in the period — by the household
/// itself (农户申报) or by cadres screening (干部排查). It lifts the alert to orange at least (§5).
public struct DeclaredTrigger: Trigger {
    public static let code = "declared"
    public static let riskType = "申报风险"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        let ds = c.figures.declarations
        guard !ds.isEmpty else { return nil }
        var risks: [String] = []
        for d in ds { for r in d.risks where !risks.contains(r) { risks.append(r) } }
        return FiredTrigger(
            code: Self.code, riskTypes: risks,
            evidence: ds.map { d in
                Evidence(
                    trigger: Self.code, source: "application", record: d.channel, date: d.date.description, amount: nil,
                    text: "\(d.channel)（\(d.date)\(d.reportedBy.isEmpty ? "" : "，填报人 " + d.reportedBy)）：\(d.risks.joined(separator: "、"))")
            })
    }
}
