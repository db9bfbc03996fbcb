/// The latest roster: resident ID → household, and each household's members (RULES.md §3).
public final class RosterIndex: @unchecked Sendable {
    public private(set) var households: [Household] = []
    var byHousehold = HashIndex()
    var byPerson = HashIndex()
    public private(set) var towns: [String] = []

    public init() {}

    public convenience init(store: StagedStore) throws {
        var builder = RosterBuilder(members: store.files(.roster).last?.entry.accepted ?? 0)
        try store.forEach(.roster) { r in builder.add { r[$0] } }
        builder.seal()
        self.init(builder)
    }

    /// The index a builder has made (sealed: its last household's members in their array).
    convenience init(_ builder: RosterBuilder) {
        precondition(builder.isSealed, "RosterBuilder.seal() before the index is made")
        self.init()
        households = builder.households
        byHousehold = builder.byHousehold
        // made at its size now (not while the rows come, beside everything ingest holds), three quarters full at
        // most: a province's five million people in 100 MB, not 200 (one lookup a record in link)
        byPerson = HashIndex(minimumCapacity: builder.personKeys.count, maxLoadQuarters: 3)
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

    /// Whether the join tables were let go of (`releaseJoinTables`).
    public private(set) var joinTablesReleased = false

    public func household(of person: ResidentID) -> Int? {
        precondition(!joinTablesReleased, "the roster's join tables were let go of after link")
        return byPerson[person.key].map(Int.init)
    }

    /// Lets go of the person → household and household number → household tables once no record is left
    /// to join (`fangfan run` after link: detect reads households by position only); a province's five
    /// million people and million and a half households are about 150 MB of them. Asking for either
    /// afterwards is a programming error. The households array, made for `members / 2` households while the
    /// roster was read, is copied into one of its size (its slack was tens of MB at province). Not while
    /// another thread reads the index.
    public func releaseJoinTables() {
        byPerson = HashIndex()
        byHousehold = HashIndex()
        joinTablesReleased = true
        guard households.capacity > households.count else { return }
        var exact: [Household] = []
        exact.reserveCapacity(households.count)
        exact.append(contentsOf: households)
        households = exact
    }

    public func index(of household: HouseholdID) -> Int? {
        precondition(!joinTablesReleased, "the roster's join tables were let go of after link")
        return byHousehold[household.key].map(Int.init)
    }
}
