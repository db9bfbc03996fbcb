/// The latest roster: resident ID → household, and each household's members (RULES.md §3).
public final class RosterIndex: @unchecked Sendable {
    /// The households, made into `Household` values as they are asked for (kept in flat columns).
    public private(set) var households = RosterHouseholds()
    var byHousehold = HashIndex()
    var byPerson = HashIndex()
    public private(set) var towns: [String] = []

    public init() {}

    public convenience init(store: StagedStore) throws {
        var builder = RosterBuilder(members: store.files(.roster).last?.entry.accepted ?? 0)
        try store.forEach(.roster) { r in builder.add { r[$0] } }
        self.init(builder)
    }

    /// The index a builder has made.
    convenience init(_ builder: consuming RosterBuilder) {
        self.init()
        var b = builder
        // made at its size now (not while the rows come, beside everything ingest holds), three quarters full at
        // most: a province's five million people in 100 MB, not 200 (one lookup a record in link); in row
        // order, so that a person listed twice is found in the later household, as before
        byPerson = HashIndex(minimumCapacity: b.memberCount, maxLoadQuarters: 3)
        byPerson.insert(keys: b.rowPersons, values: b.rowHouseholds)
        households = b.finish()
        byHousehold = b.byHousehold
        towns = households.townNames.sorted()
    }

    /// For tests and the sweep: an index from households given directly.
    public convenience init(_ list: [Household]) {
        self.init()
        for (i, h) in list.enumerated() {
            byHousehold[h.id.key] = Int32(i)
            for m in h.members { byPerson[m.person.key] = Int32(i) }
        }
        households = RosterHouseholds(list)
        towns = households.townNames.sorted()
    }

    /// Whether the join tables were let go of (`releaseJoinTables`).
    public private(set) var joinTablesReleased = false

    public func household(of person: ResidentID) -> Int? {
        precondition(!joinTablesReleased, "the roster's join tables were let go of after link")
        return byPerson[person.key].map(Int.init)
    }

    /// Lets go of the person → household and household number → household tables once no record is left
    /// to join (`fangfan run` after link: detect reads households by position only); a province's five
    /// million people and million and a half households are about 150 MB of them. Asking for either
    /// afterwards is a programming error. Not while another thread reads the index.
    public func releaseJoinTables() {
        byPerson = HashIndex()
        byHousehold = HashIndex()
        joinTablesReleased = true
    }

    public func index(of household: HouseholdID) -> Int? {
        precondition(!joinTablesReleased, "the roster's join tables were let go of after link")
        return byHousehold[household.key].map(Int.init)
    }
}
