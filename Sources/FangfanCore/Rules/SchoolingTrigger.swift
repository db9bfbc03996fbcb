/// 因学辍学 (RULES.md §12): a member aged `rules.schooling_age_min`…`schooling_age_max` (6..16, full years) at the
/// record date has a 疑似辍学 or 辍学 record in the period, and no 复学 record of theirs is dated on or after it
/// and on or before the end of the period. It lifts the alert to orange at least (§12).
///
/// ```swift
/// // a member born 2010-03-01, 辍学 on 2021-03-01 (11 years old), no 复学 by 2021-05-31: fires
/// ```
public struct SchoolingTrigger: Trigger {
    public static let code = "schooling"
    public static let riskType = "因学辍学"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        let records = c.basicNeeds.school
        guard !records.isEmpty else { return nil }
        let first = Day(year: c.period.from.year, month: c.period.from.month, day: 1)!
        let last = c.periodEnd
        var ev: [Evidence] = []
        var persons: [ResidentID] = []
        for r in records where r.isDropout && r.date >= first && r.date <= last {
            guard let m = c.household.members.first(where: { $0.person == r.person }) else { continue }
            let age = r.person.birthDate.age(on: r.date)
            guard age >= c.rules.schoolingAgeMin && age <= c.rules.schoolingAgeMax else { continue }
            let back = records.contains { $0.person == r.person && $0.status == "复学" && $0.date >= r.date && $0.date <= last }
            guard !back else { continue }
            if !persons.contains(m.person) { persons.append(m.person) }
            ev.append(
                Evidence(
                    trigger: Self.code, source: "education", record: r.status, date: r.date.description, amount: nil,
                    text:
                        "控辍保学：成员 \(m.name)（\(age) 岁）\(r.date) \(r.status)\(r.school.isEmpty ? "" : "（\(r.school)）")，至 \(last) 无复学登记"
                ))
        }
        return ev.isEmpty ? nil : FiredTrigger(code: Self.code, riskTypes: [Self.riskType], evidence: ev, persons: persons)
    }
}
