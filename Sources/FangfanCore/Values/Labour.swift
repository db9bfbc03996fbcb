/// Labour skill of a member (劳动技能), ordered as in FEEDS.md.
public enum Labour: UInt8, Sendable {
    case skilled, ordinary, weak, lost, none
    public init(_ s: String) {
        switch s {
        case "技能劳动力": self = .skilled
        case "普通劳动力": self = .ordinary
        case "弱劳动力或半劳动力": self = .weak
        case "丧失劳动力": self = .lost
        default: self = .none
        }
    }
    /// 技能劳动力 or 普通劳动力: the household's main labour force.
    public var isMain: Bool { self == .skilled || self == .ordinary }
    /// Any labour at all (技能/普通/弱劳动力或半劳动力).
    public var hasAny: Bool { self == .skilled || self == .ordinary || self == .weak }
}
