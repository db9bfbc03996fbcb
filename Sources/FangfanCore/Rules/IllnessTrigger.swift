/// 因病: medical_oop ≥ 0.5 × prev_income, or ≥ 5000 for a 脱贫户/监测户 and ≥ 10000 for a 一般农户.
/// With prev_income = 0 only the absolute bars apply.
public struct IllnessTrigger: Trigger {
    public static let code = "illness"
    public static let riskType = "因病"
    /// How many settlements the evidence lists (the largest out-of-pocket first).
    public static let evidenceLimit = 10

    /// The rule's two tests for a household whose period's out-of-pocket total is `oop`, and the bar of its type.
    static func test(oop: Money, household: Household, rules: RuleParameters) -> (relative: Bool, absolute: Bool, bar: Money) {
        let prev = household.prevIncome
        let r = rules.illnessPrevRatio
        let relative = prev.fen > 0 && oop.fen * r.denominator >= r.numerator * prev.fen
        // The bars follow the roster's 户类型 (RULES.md §4 names the types); a ledger state does not change them.
        let fragile = household.type != .general
        let bar = fragile ? rules.illnessBarFragile : rules.illnessBarGeneral
        return (relative, oop >= bar, bar)
    }

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        let oop = c.figures.medicalOOP
        let prev = c.household.prevIncome
        let r = c.rules.illnessPrevRatio
        let (relative, absolute, bar) = Self.test(oop: oop, household: c.household, rules: c.rules)
        guard relative || absolute else { return nil }
        var why: [String] = []
        if relative { why.append("\(c.period.named)医疗个人自付 \(yuan(oop))，达到上年家庭纯收入 \(yuan(prev)) 的 \(ratioText(r)) 倍") }
        if absolute { why.append("\(c.period.named)医疗个人自付 \(yuan(oop))，达到\(c.household.type.rawValue)标准 \(yuan(bar))") }
        var ev = [
            Evidence(
                trigger: Self.code, source: "medical", record: nil, date: nil, amount: oop.description,
                text: why.joined(separator: "；"))
        ]
        for s in c.settlements.sorted(by: { $0.outOfPocket > $1.outOfPocket }).prefix(Self.evidenceLimit) {
            ev.append(
                Evidence(
                    trigger: Self.code, source: "medical", record: s.id, date: s.settled,
                    amount: s.outOfPocket.description,
                    text:
                        "医保结算 \(s.id)（\(s.kind)，\(s.visitType.isEmpty ? "就诊" : s.visitType)，\(s.settled)，\(s.person)\(reviewNote(s.review))）个人自付 \(yuan(s.outOfPocket))"
                ))
        }
        return FiredTrigger(code: Self.code, riskTypes: [Self.riskType], evidence: ev)
    }
}
