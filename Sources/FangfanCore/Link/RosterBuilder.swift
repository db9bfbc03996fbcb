/// Builds the roster index from member rows in the roster's canonical field order, one at a time: from
/// the staged roster (link, detect) or, in `fangfan run`, from the rows ingest stages, on its worker.
struct RosterBuilder {
    var households: [Household] = []
    var byHousehold = HashIndex()
    /// Each member's person key and household, in row order: put into the index's `byPerson` all at once at the end
    /// (`HashIndex.insert(keys:values:)`, grouped by region of the table rather than one cache miss a person).
    var personKeys: [UInt64] = []
    var personHouseholds: [Int32] = []
    /// The last row's household: a household's rows come together, so most rows need no lookup.
    private var last: (key: UInt64, index: Int32)?
    /// The household being read and its members so far: its array is made at its size when the next household
    /// starts (`seal`), not grown member by member (a province's growth slack was about 100 MB). A household
    /// whose rows come apart gets its later members appended to its array.
    private var open: Int32?
    private var openMembers: [Member] = []
    var towns = Set<String>()
    // towns, villages and the listed values repeat row after row: one String each, not one per member
    private var town = Interned { String(decoding: $0, as: UTF8.self) }
    private var village = Interned { String(decoding: $0, as: UTF8.self) }
    private var relation = Interned { Member.relations.code(String(decoding: $0, as: UTF8.self)) }
    private var type = Interned { HouseholdType(rawValue: String(decoding: $0, as: UTF8.self)) ?? .general }
    private var labour = Interned { Labour(String(decoding: $0, as: UTF8.self)) }

    /// `members`: how many rows will come (the tables are made that big at once, not grown row by row).
    init(members: Int) {
        byHousehold = HashIndex(minimumCapacity: members / 4)  // grows where households are smaller
        households.reserveCapacity(members / 2)
        personKeys.reserveCapacity(members)
        personHouseholds.reserveCapacity(members)
    }

    /// Adds one member: `field(i)` is field i of the roster schema (household_id town village
    /// household_type person_id name relation labour prev_income).
    mutating func add(_ field: (Int) -> ArraySlice<UInt8>) {
        let hid = HouseholdID.staged(field(0))
        let member = Member(
            person: ResidentID.staged(field(4)), name: String(decoding: field(5), as: UTF8.self),
            relationCode: relation(field(6)), labour: labour(field(7)))
        let i: Int32
        if let known = last?.key == hid.key ? last!.index : byHousehold[hid.key] {
            i = known
        } else {
            let t = town(field(1))
            towns.insert(t)
            i = Int32(households.count)
            byHousehold[hid.key] = i
            households.append(
                Household(
                    id: hid, town: t, village: village(field(2)), type: type(field(3)),
                    prevIncome: Money.staged(field(8)), members: []))
        }
        if i != open {
            seal()
            if households[Int(i)].members.isEmpty { open = i }
        }
        if i == open { openMembers.append(member) } else { households[Int(i)].members.append(member) }
        personKeys.append(member.person.key)
        personHouseholds.append(i)
        last = (hid.key, i)
    }

    var isSealed: Bool { open == nil }

    /// The open household's members into an array of their size. Before the households are read.
    mutating func seal() {
        guard let o = open else { return }
        var exact: [Member] = []
        exact.reserveCapacity(openMembers.count)
        exact.append(contentsOf: openMembers)
        households[Int(o)].members = exact
        openMembers.removeAll(keepingCapacity: true)
        open = nil
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
