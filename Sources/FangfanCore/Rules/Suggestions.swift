/// Suggested assistance of RULES.md §6 (缺什么补什么): suggestions, never decisions.
public enum Suggestions {
    public static func of(household h: Household, fired: [FiredTrigger], level: Level?) -> [String] {
        // the categories in the order first added, each with its details (a handful: looked up by their bytes,
        // not through a dictionary that hashes Chinese text through its NFC form)
        var order: [String] = []
        var details: [[String]] = []
        func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
        func add(_ category: String, _ detail: [String] = []) {
            var k = order.firstIndex { same($0, category) } ?? -1
            if k < 0 {
                k = order.count
                order.append(category)
                details.append([])
            }
            for d in detail where !details[k].contains(where: { same($0, d) }) { details[k].append(d) }
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
        // §9: at the recent rate the year ends below the line
        if codes.contains(ForecastTrigger.code) {
            if mainLabour { add("就业帮扶"); add("产业帮扶") } else { add("综合保障") }
        }
        // §12: 三保障 and drinking water
        if codes.contains(SchoolingTrigger.code) { add("其他帮扶", ["控辍保学", "教育资助"]) }
        if codes.contains(HousingTrigger.code) { add("综合保障", ["危房改造"]) }
        if codes.contains(WaterTrigger.code) { add("其他帮扶", ["饮水工程"]) }
        if level == .red && order.isEmpty { add("其他帮扶") }
        return order.indices.map { k in details[k].isEmpty ? order[k] : "\(order[k])（\(details[k].joined(separator: "、"))）" }
    }
}
