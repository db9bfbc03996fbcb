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

public enum HouseholdType: String, Sendable {
    case lifted = "脱贫户", monitored = "监测户", general = "一般农户"
}

public struct Member: Sendable {
    public let person: ResidentID
    public let name: String
    public let relation: String
    public let labour: Labour
}

public struct Household: Sendable {
    public let id: HouseholdID
    public let town: String
    public let village: String
    public let type: HouseholdType
    public let prevIncome: Money
    public var members: [Member]
    public var size: Int { members.count }
    public var head: Member? { members.first { $0.relation == "户主" } }
}

/// The latest roster: resident ID → household, and each household's members (RULES.md §3).
public final class RosterIndex: @unchecked Sendable {
    public private(set) var households: [Household] = []
    private var byHousehold = HashIndex()
    private var byPerson = HashIndex()
    public private(set) var towns: [String] = []

    public init() {}

    public convenience init(store: StagedStore) throws {
        var builder = RosterBuilder(members: store.files(.roster).last?.entry.accepted ?? 0)
        try store.forEach(.roster) { r in builder.add { r[$0] } }
        self.init(builder)
    }

    /// The index a builder has made.
    convenience init(_ builder: RosterBuilder) {
        self.init()
        households = builder.households
        byHousehold = builder.byHousehold
        byPerson = builder.byPerson
        byPerson.insert(keys: builder.personKeys, values: builder.personHouseholds)
        towns = builder.towns.sorted()
    }

    /// For tests: an index from households given directly.
    public convenience init(_ list: [Household]) {
        self.init()
        for h in list {
            byHousehold[h.id.key] = Int32(households.count)
            for m in h.members { byPerson[m.person.key] = Int32(households.count) }
            households.append(h)
        }
        towns = Set(list.map(\.town)).sorted()
    }

    public func household(of person: ResidentID) -> Int? { byPerson[person.key].map(Int.init) }
    public func index(of household: HouseholdID) -> Int? { byHousehold[household.key].map(Int.init) }
}

/// Builds the roster index from member rows in the roster's canonical field order, one at a time: from
/// the staged roster (link, detect) or, in `fangfan run`, from the rows ingest stages, on its worker.
struct RosterBuilder {
    fileprivate var households: [Household] = []
    fileprivate var byHousehold = HashIndex()
    fileprivate var byPerson = HashIndex()
    /// Each member's person key and household, in row order: put into `byPerson` all at once at the end
    /// (`HashIndex.insert(keys:values:)`, grouped by region of the table rather than one cache miss a person).
    fileprivate var personKeys: [UInt64] = []
    fileprivate var personHouseholds: [Int32] = []
    /// The last row's household: a household's rows come together, so most rows need no lookup.
    private var last: (key: UInt64, index: Int32)?
    fileprivate var towns = Set<String>()
    // towns, villages and the listed values repeat row after row: one String each, not one per member
    private var town = Interned { String(decoding: $0, as: UTF8.self) }
    private var village = Interned { String(decoding: $0, as: UTF8.self) }
    private var relation = Interned { String(decoding: $0, as: UTF8.self) }
    private var type = Interned { HouseholdType(rawValue: String(decoding: $0, as: UTF8.self)) ?? .general }
    private var labour = Interned { Labour(String(decoding: $0, as: UTF8.self)) }

    /// `members`: how many rows will come (the tables are made that big at once, not grown row by row).
    init(members: Int) {
        byPerson = HashIndex(minimumCapacity: members)
        byHousehold = HashIndex(minimumCapacity: members / 2)
        households.reserveCapacity(members / 2)
        personKeys.reserveCapacity(members)
        personHouseholds.reserveCapacity(members)
    }

    /// Adds one member: `field(i)` is field i of the roster schema (household_id town village
    /// household_type person_id name relation labour prev_income).
    mutating func add(_ field: (Int) -> ArraySlice<UInt8>) {
        let hid = HouseholdID.staged(field(0))
        let member = Member(person: ResidentID.staged(field(4)), name: String(decoding: field(5), as: UTF8.self),
                            relation: relation(field(6)), labour: labour(field(7)))
        let i: Int32
        if let known = last?.key == hid.key ? last!.index : byHousehold[hid.key] {
            i = known
            households[Int(i)].members.append(member)
        } else {
            let t = town(field(1))
            towns.insert(t)
            i = Int32(households.count)
            byHousehold[hid.key] = i
            households.append(Household(id: hid, town: t, village: village(field(2)), type: type(field(3)),
                                        prevIncome: Money.staged(field(8)), members: [member]))
        }
        personKeys.append(member.person.key)
        personHouseholds.append(i)
        last = (hid.key, i)
    }
}

/// A value made once per distinct spelling of a field: the last spelling is checked first (rows of a
/// household, households of a village, come together), then the first few spellings seen (relations,
/// labour, household types: a handful each), compared as memory, then every spelling seen. No
/// allocation per row.
struct Interned<T> {
    private var last: [UInt8] = []
    private var lastValue: T?
    private var few: [([UInt8], T)] = []
    private var seen: [[UInt8]: T] = [:]
    private let make: (ArraySlice<UInt8>) -> T

    init(_ make: @escaping (ArraySlice<UInt8>) -> T) { self.make = make }

    mutating func callAsFunction(_ b: ArraySlice<UInt8>) -> T {
        if let v = lastValue, sameBytes(b, last[...]) { return v }
        for (spelling, value) in few where sameBytes(b, spelling[...]) {
            last = spelling
            lastValue = value
            return value
        }
        last.removeAll(keepingCapacity: true)
        last.append(contentsOf: b)
        let v: T
        if let known = seen[last] {
            v = known
        } else {
            v = make(b)
            if few.count < 16 { few.append((last, v)) } else if seen.count < 100_000 { seen[last] = v }
        }
        lastValue = v
        return v
    }
}
