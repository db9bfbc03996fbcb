/// 救助变动: a 临时救助 was granted (新增) in the period, or 低保/特困供养 was stopped (停发) in the period.
public struct AidChangeTrigger: Trigger {
    public static let code = "aid_change"
    public static let riskType = "救助变动"

    /// Whether a civil-affairs record (aid type, change) is an aid change of §4.
    public static func counts(aidType: String, change: String) -> Bool {
        (aidType == "临时救助" && change == "新增") || ((aidType == "低保" || aidType == "特困供养") && change == "停发")
    }

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        guard !c.figures.aidChanges.isEmpty else { return nil }
        return FiredTrigger(
            code: Self.code, riskTypes: [Self.riskType],
            evidence: c.figures.aidChanges.map {
                Evidence(trigger: Self.code, source: "civil", record: nil, date: nil, amount: nil, text: $0)
            })
    }
}
