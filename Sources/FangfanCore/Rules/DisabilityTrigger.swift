/// 因残: a member whose roster labour is 技能劳动力 or 普通劳动力 and whose age at the certificate
/// date is 16..60 received a new (新办) certificate in the period. 一级/二级: labour lost;
/// 三级/四级: partly lost (the evidence's `record` says `partial`, its text 部分丧失劳动能力) — the trigger fires
/// either way.
public struct DisabilityTrigger: Trigger {
    public static let code = "disability"
    public static let riskType = "因残"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        var ev: [Evidence] = []
        var persons: [ResidentID] = []
        for d in c.figures.newDisabilities {
            guard let m = c.household.members.first(where: { $0.person == d.person }), m.labour.isMain else { continue }
            let age = d.person.birthDate.age(on: d.issued)
            guard age >= c.rules.disabilityAgeMin && age <= c.rules.disabilityAgeMax else { continue }
            if !persons.contains(m.person) { persons.append(m.person) }
            let partial = d.grade == "三级" || d.grade == "四级"
            ev.append(
                Evidence(
                    trigger: Self.code, source: "disability", record: partial ? "partial" : "lost",
                    date: d.issued.description, amount: nil,
                    text:
                        "成员 \(m.name)（\(m.labour == .skilled ? "技能劳动力" : "普通劳动力")，\(age) 岁）\(d.issued) 新办残疾人证 \(d.grade)：\(partial ? "部分丧失劳动能力" : "丧失劳动能力")\(reviewNote(d.review))"
                ))
        }
        return ev.isEmpty ? nil : FiredTrigger(code: Self.code, riskTypes: [Self.riskType], evidence: ev, persons: persons)
    }
}
