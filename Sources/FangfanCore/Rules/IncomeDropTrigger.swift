/// 收入骤减: months_with_income ≥ 1 and income_projected ≤ (1 − 0.3) × prev_income (skipped when prev_income = 0).
public struct IncomeDropTrigger: Trigger {
    public static let code = "income_drop"
    public static let riskType = "收入骤减"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        let prev = c.household.prevIncome
        guard prev.fen > 0, c.figures.monthsWithIncome >= 1 else { return nil }
        let r = c.rules.incomeDropRatio
        let keep = Ratio(r.denominator - r.numerator, r.denominator)
        let projected = c.figures.incomeProjected(prevIncome: prev)
        guard projected.isAtMost(prev, times: keep) else { return nil }
        return FiredTrigger(
            code: Self.code, riskTypes: [Self.riskType],
            evidence: [
                Evidence(
                    trigger: Self.code, source: "income", record: nil, date: nil, amount: projected.rounded.description,
                    text:
                        "按 \(c.figures.monthsWithIncome) 个月申报\(c.period.boundsNote)推算全年收入 \(yuan(projected.rounded))（已申报 \(yuan(c.figures.incomeObserved))），不足上年家庭纯收入 \(yuan(prev)) 的 \(ratioText(keep)) 倍"
                )
            ])
    }
}
