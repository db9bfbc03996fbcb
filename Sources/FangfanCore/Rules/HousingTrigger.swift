/// 住房安全 (RULES.md §12): the household's latest housing record (by 鉴定日期, up to the end of the period) rates
/// its house C or D and its 改造状态 is not 已改造. A later A or B rating, or 已改造, ends it. It lifts the alert
/// to orange at least (§12).
public struct HousingTrigger: Trigger {
    public static let code = "housing"
    public static let riskType = "住房安全"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        guard !c.basicNeeds.housing.isEmpty else { return nil }
        let last = c.periodEnd
        // one record per household and date (the record key), so the latest is unique
        guard let latest = c.basicNeeds.housing.filter({ $0.ratedOn <= last }).max(by: { $0.ratedOn < $1.ratedOn }),
            latest.rating == "C" || latest.rating == "D", latest.renovation != "已改造"
        else { return nil }
        return FiredTrigger(
            code: Self.code, riskTypes: [Self.riskType],
            evidence: [
                Evidence(
                    trigger: Self.code, source: "housing", record: latest.rating, date: latest.ratedOn.description,
                    amount: nil,
                    text:
                        "农村住房安全：\(latest.ratedOn) 鉴定为 \(latest.rating) 级\(latest.rating == "D" ? "危房" : "（局部危险）")，改造状态 \(latest.renovation)"
                )
            ])
    }
}
