/// 因灾: disaster_loss ≥ 0.5 × prev_income, or any house of the household 倒塌 or 严重损坏 in the period.
public struct DisasterTrigger: Trigger {
    public static let code = "disaster"
    public static let riskType = "因灾"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        let loss = c.figures.disasterLoss
        let prev = c.household.prevIncome
        let r = c.rules.disasterPrevRatio
        let relative = prev.fen > 0 && loss.fen * r.denominator >= r.numerator * prev.fen
        guard relative || c.figures.houseDestroyed else { return nil }
        var ev: [Evidence] = []
        if relative {
            ev.append(
                Evidence(
                    trigger: Self.code, source: "disaster", record: nil, date: nil, amount: loss.description,
                    text: "\(c.period.named)灾害直接经济损失 \(yuan(loss))，达到上年家庭纯收入 \(yuan(prev)) 的 \(ratioText(r)) 倍"))
        }
        for d in c.disasters {
            ev.append(
                Evidence(
                    trigger: Self.code, source: "disaster", record: d.event, date: d.occurred, amount: d.loss.description,
                    text: "灾情 \(d.event)（\(d.occurred)）房屋\(d.damage)，直接经济损失 \(yuan(d.loss))\(reviewNote(d.review))"))
        }
        return FiredTrigger(code: Self.code, riskTypes: [Self.riskType], evidence: ev)
    }
}
