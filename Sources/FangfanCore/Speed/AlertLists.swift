/// Memory only: the lists of an alert that repeat from alert to alert — its triggers, risk types, channels,
/// notes and suggestions, a few hundred different ones among a province's 300,000 alerts — kept once and
/// shared. An Array is a reference to its storage: equal lists then hold one storage (and its Strings), not
/// one allocation each per alert. What an alert holds is unchanged.
struct AlertLists {
    private var seen: [[String]: [String]] = [:]
    /// Beyond this many different lists, the rest are kept as they come (a table that grows with the alerts
    /// would cost what it saves).
    static let limit = 4096

    mutating func share(_ a: inout Alert) {
        a.triggers = one(a.triggers)
        a.risk_types = one(a.risk_types)
        a.channels = one(a.channels)
        a.notes = one(a.notes)
        a.suggested = one(a.suggested)
    }

    /// The first list seen equal to `list`, or `list` itself.
    mutating func one(_ list: [String]) -> [String] {
        if list.isEmpty { return list }  // (an empty Array has no storage of its own)
        if let known = seen[list] { return known }
        if seen.count < Self.limit { seen[list] = list }
        return list
    }
}
