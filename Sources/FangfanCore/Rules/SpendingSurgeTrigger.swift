/// 刚性支出骤增: rigid > prev_income (skipped when prev_income = 0).
public struct SpendingSurgeTrigger: Trigger {
    public static let code = "spending_surge"
    public static let riskType = "刚性支出骤增"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        let prev = c.household.prevIncome
        let rigid = c.figures.rigid
        guard prev.fen > 0, rigid > prev else { return nil }
        return FiredTrigger(
            code: Self.code, riskTypes: [Self.riskType],
            evidence: [
                Evidence(
                    trigger: Self.code, source: "medical,disaster", record: nil, date: nil, amount: rigid.description,
                    text:
                        "\(c.period.named)刚性支出 \(yuan(rigid))（医疗自付 \(yuan(c.figures.medicalOOP)) + 灾害损失 \(yuan(c.figures.disasterLoss))）超过上年家庭纯收入 \(yuan(prev))"
                )
            ])
    }
}
