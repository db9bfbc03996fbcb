/// Alert levels of RULES.md §5, most urgent first.
public enum Level: String, Codable, Sendable, CaseIterable, Comparable {
    case red, orange, yellow

    public var chinese: String {
        switch self {
        case .red: return "红色"
        case .orange: return "橙色"
        case .yellow: return "黄色"
        }
    }

    public var meaning: String {
        switch self {
        case .red: return "建议纳入监测"
        case .orange: return "重点关注"
        case .yellow: return "一般关注"
        }
    }

    var rank: Int { self == .red ? 0 : self == .orange ? 1 : 2 }
    public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }

    /// below = net_per_capita < line; near = net_per_capita < near_factor × line.
    public static func of(triggers: [String], netPerCapita npc: FenFraction, line: Money, nearFactor: Ratio) -> Level? {
        let below = npc.isBelow(line)
        let near = npc.isBelow(line, times: nearFactor)
        let fired = !triggers.isEmpty
        var level: Level?
        if fired && below { level = .red }
        else if fired && near { level = .orange }
        else if !fired && below { level = .orange }
        else if fired { level = .yellow }
        if level == .yellow && triggers.contains(DeclaredTrigger.code) { level = .orange }
        return level
    }
}

/// The category shown on the list (§5): by household type, or 在监测 when already monitored.
public enum Category {
    public static func of(_ type: HouseholdType, monitoredCase: Bool) -> String {
        if monitoredCase || type == .monitored { return "在监测" }
        return type == .lifted ? "脱贫不稳定户" : "边缘易致贫户"
    }
}

/// Suggested assistance of RULES.md §6 (缺什么补什么): suggestions, never decisions.
public enum Suggestions {
    public static func of(household h: Household, fired: [FiredTrigger], level: Level?) -> [String] {
        var order: [String] = []
        var details: [String: [String]] = [:]
        func add(_ category: String, _ detail: [String] = []) {
            if details[category] == nil { order.append(category); details[category] = [] }
            for d in detail where !details[category]!.contains(d) { details[category]!.append(d) }
        }
        let codes = Set(fired.map(\.code))
        let mainLabour = h.members.contains { $0.labour.isMain }
        if mainLabour && codes.contains(IncomeDropTrigger.code) { add("就业帮扶"); add("产业帮扶") }
        if !h.members.contains(where: { $0.labour.hasAny }) { add("综合保障") }
        func illness() { add("综合保障", ["健康帮扶", "医疗救助"]) }
        func disaster() { add("综合保障", ["临时救助", "灾害救助"]); add("其他帮扶") }
        func disability(_ disabled: Set<ResidentID>) {
            add("综合保障", ["残疾人补贴"])
            if h.members.contains(where: { $0.labour.isMain && !disabled.contains($0.person) }) { add("就业帮扶") }
        }
        if codes.contains(IllnessTrigger.code) { illness() }
        if codes.contains(DisasterTrigger.code) { disaster() }
        // The members newly disabled, by resident ID (two members may share a name). A declared 因残 is "as the
        // trigger": it says nothing of who is disabled, so it uses the same members (none known without a certificate).
        let disabled = Set(fired.first { $0.code == DisabilityTrigger.code }?.persons ?? [])
        if codes.contains(DisabilityTrigger.code) { disability(disabled) }
        if let d = fired.first(where: { $0.code == DeclaredTrigger.code }) {
            for r in d.riskTypes {
                switch r {
                case "因病": illness()
                case "因灾": disaster()
                case "因残": disability(disabled)
                case "因务工就业不稳": add("就业帮扶")
                case "因产业失败": add("产业帮扶")
                case "缺劳动力": add("综合保障")
                default: add("其他帮扶")
                }
            }
        }
        if level == .red && order.isEmpty { add("其他帮扶") }
        return order.map { c in details[c]!.isEmpty ? c : "\(c)（\(details[c]!.joined(separator: "、"))）" }
    }
}
