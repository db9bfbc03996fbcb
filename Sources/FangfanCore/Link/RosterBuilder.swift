/// Builds the roster index from member rows in the roster's canonical field order, one at a time: from
/// the staged roster (link, detect) or, in `fangfan run`, from the rows ingest stages, on its worker.
struct RosterBuilder {
    /// The households and members, in flat columns (`RosterHouseholds`), members in row order until `finish`.
    private var columns: RosterHouseholds.Builder
    var byHousehold = HashIndex()
    /// The last row's household: a household's rows come together, so most rows need no lookup.
    private var last: (key: UInt64, index: Int32)?
    // towns, villages and the listed values repeat row after row: one String each, not one per member
    private var town = Interned { String(decoding: $0, as: UTF8.self) }
    private var village = Interned { String(decoding: $0, as: UTF8.self) }
    private var relation = Interned { Member.relations.code(String(decoding: $0, as: UTF8.self)) }
    private var type = Interned { HouseholdType(rawValue: String(decoding: $0, as: UTF8.self)) ?? .general }
    private var labour = Interned { Labour(String(decoding: $0, as: UTF8.self)) }

    /// `members`: how many rows will come (the tables are made that big at once, not grown row by row).
    init(members: Int) {
        byHousehold = HashIndex(minimumCapacity: members / 4)  // grows where households are smaller
        columns = RosterHouseholds.Builder(households: members / 2, members: members)
    }

    /// Adds one member: `field(i)` is field i of the roster schema (household_id town village
    /// household_type person_id name relation labour prev_income).
    mutating func add(_ field: (Int) -> ArraySlice<UInt8>) {
        let hid = HouseholdID.staged(field(0))
        let i: Int32
        if let known = last?.key == hid.key ? last!.index : byHousehold[hid.key] {
            i = known
        } else {
            let v = village(field(2))
            i = Int32(
                columns.addHousehold(
                    id: hid, town: columns.townCode(town(field(1))), village: columns.villageCode(v), type: type(field(3)),
                    prevIncome: Money.staged(field(8))))
            byHousehold[hid.key] = i
        }
        columns.addMember(
            of: Int(i), person: ResidentID.staged(field(4)), name: field(5), relationCode: relation(field(6)),
            labour: labour(field(7)))
        last = (hid.key, i)
    }

    /// How many members were added.
    var memberCount: Int { columns.memberHousehold.count }

    /// Each member's resident number and household, in the order the rows came (before `finish`).
    var rowPersons: [UInt64] { columns.rowPersons }
    var rowHouseholds: [Int32] { columns.memberHousehold }

    /// The households, each one's members together in row order. Call once, last.
    mutating func finish() -> RosterHouseholds { columns.finish() }
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
