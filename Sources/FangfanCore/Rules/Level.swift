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
        if fired && below {
            level = .red
        } else if fired && near {
            level = .orange
        } else if !fired && below {
            level = .orange
        } else if fired {
            level = .yellow
        }
        if level == .yellow && triggers.contains(where: orangeFloor.contains) { level = .orange }
        return level
    }

    /// Triggers that give at least orange: a declaration (§5) and the 三保障 and drinking-water triggers (§12:
    /// the standard itself, so every case is verified).
    public static let orangeFloor: Set<String> = [DeclaredTrigger.code, SchoolingTrigger.code, HousingTrigger.code, WaterTrigger.code]
}
