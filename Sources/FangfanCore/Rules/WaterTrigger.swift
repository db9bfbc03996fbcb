/// 饮水安全 (RULES.md §12): for some problem type, the household's latest water record of that type (by 登记日期,
/// up to the end of the period) has 状态 未解决. A later 已解决 of the same type ends that type only. It lifts the
/// alert to orange at least (§12).
public struct WaterTrigger: Trigger {
    public static let code = "water"
    public static let riskType = "饮水安全"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        guard !c.basicNeeds.water.isEmpty else { return nil }
        let last = c.periodEnd
        var latest: [String: WaterRecord] = [:]
        // one record per household, type and date (the record key), so each type's latest is unique
        for r in c.basicNeeds.water where r.date <= last {
            if let k = latest[r.problem], k.date >= r.date { continue }
            latest[r.problem] = r
        }
        let open = FeedSchema.waterProblems.compactMap { latest[$0] }.filter { $0.status == "未解决" }
        guard !open.isEmpty else { return nil }
        return FiredTrigger(
            code: Self.code, riskTypes: [Self.riskType],
            evidence: open.map { r in
                Evidence(
                    trigger: Self.code, source: "water", record: r.problem, date: r.date.description, amount: nil,
                    text: "农村饮水安全：\(r.problem)（\(r.date) 登记）未解决")
            })
    }
}
