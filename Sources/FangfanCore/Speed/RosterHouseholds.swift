/// The roster's households, as `RosterIndex.households` gives them: a collection of `Household` values, kept
/// in flat columns and made into a `Household` (with its array of members) when one is asked for.
///
/// Speed (memory) only, behind its own wall: a `Household` of 64 bytes and an array of members per household
/// were about 300 MB of a province's 1.5 million households and five million members, held from the end of
/// ingest to the end of detect; here they are about 150 MB — a household's number, town, village, type,
/// previous income and where its members end; a member's resident number, relation, labour and name bytes.
/// What a household gives back is what it was given (tests compare them), the members in the order given.
public struct RosterHouseholds: RandomAccessCollection, Sendable {
    /// The columns, in one object: a copy of the collection (an access through the roster index) retains one
    /// reference, not thirteen arrays.
    private let storage: Storage

    /// The columns (`Builder` fills them).
    fileprivate struct Table: Sendable {
        var ids: [UInt64] = []
        var townCode: [UInt16] = []
        var villageCode: [UInt32] = []
        var types: [HouseholdType] = []
        var prevIncome: [Money] = []
        /// Household h's members are `memberEnd[h - 1] ..< memberEnd[h]` (from 0 for the first).
        var memberEnd: [UInt32] = []
        var person: [UInt64] = []
        var relation: [UInt16] = []
        var labour: [Labour] = []
        /// Member m's name is value m.
        var names = PackedBytes()
        /// The towns' and villages' spellings, by code.
        var towns: [String] = []
        var villages: [String] = []
    }

    private final class Storage: Sendable {
        let table: Table
        init(_ table: consuming Table) { self.table = table }
    }

    fileprivate init(_ table: consuming Table) { storage = Storage(table) }

    public init() { storage = Storage(Table()) }

    /// The households given, in their order (what `RosterIndex(_ list:)` holds).
    init(_ list: [Household]) {
        var b = Builder(households: list.count, members: list.reduce(0) { $0 + $1.members.count })
        for h in list {
            let i = b.addHousehold(
                id: h.id, town: b.townCode(h.town), village: b.villageCode(h.village), type: h.type, prevIncome: h.prevIncome)
            for m in h.members {
                b.addMember(of: i, person: m.person, name: Array(m.name.utf8)[...], relationCode: m.relationCode, labour: m.labour)
            }
        }
        self = b.finish()
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.table.ids.count }

    public subscript(h: Int) -> Household {
        let members = self.members(of: h)
        var list: [Member] = []
        list.reserveCapacity(members.count)
        for m in members {
            list.append(
                Member(
                    person: ResidentID(key: storage.table.person[m]), name: name(m), relationCode: storage.table.relation[m],
                    labour: storage.table.labour[m]))
        }
        return Household(
            id: HouseholdID(key: storage.table.ids[h]), town: storage.table.towns[Int(storage.table.townCode[h])],
            village: storage.table.villages[Int(storage.table.villageCode[h])],
            type: storage.table.types[h], prevIncome: storage.table.prevIncome[h], members: list)
    }

    /// The towns the households are in, each once, in the order first met.
    var townNames: [String] { storage.table.towns }

    /// Household h's number, without making the household (link writes one per record).
    func id(_ h: Int) -> HouseholdID { HouseholdID(key: storage.table.ids[h]) }

    /// Household h's members' positions among all members (`person`, `name`).
    func members(of h: Int) -> Range<Int> { (h == 0 ? 0 : Int(storage.table.memberEnd[h - 1]))..<Int(storage.table.memberEnd[h]) }

    /// All members' count.
    var memberCount: Int { storage.table.person.count }

    /// Member m's resident number and name.
    func person(_ m: Int) -> ResidentID { ResidentID(key: storage.table.person[m]) }
    func name(_ m: Int) -> String { storage.table.names.string(m) }

    /// Calls `body` with member m's name as UTF-8 bytes, in place (no String made).
    func withNameBytes<R>(_ m: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { storage.table.names.withBytes(m, body) }

    /// Builds the columns household by household or row by row. A member may be added to any household
    /// already added (a household whose rows come apart in a file): `finish` then puts each household's
    /// members together, in the order they were added.
    struct Builder {
        private var table = Table()
        /// Per member, in the order added: its household.
        private(set) var memberHousehold: [Int32] = []
        /// Whether no member was added to a household before the last member's (then each household's members
        /// are together already, in household order).
        private var grouped = true
        private var towns = SpellingCodes<UInt16>()
        private var villages = SpellingCodes<UInt32>()

        /// Room for the households and members expected (address space only until used).
        init(households: Int, members: Int) {
            table.ids.reserveCapacity(households)
            table.townCode.reserveCapacity(households)
            table.villageCode.reserveCapacity(households)
            table.types.reserveCapacity(households)
            table.prevIncome.reserveCapacity(households)
            table.person.reserveCapacity(members)
            table.relation.reserveCapacity(members)
            table.labour.reserveCapacity(members)
            table.names.reserve(count: members, bytes: members * 8)
            memberHousehold.reserveCapacity(members)
        }

        /// Each member's resident number, in the order added (before `finish`).
        var rowPersons: [UInt64] { table.person }

        mutating func townCode(_ town: String) -> UInt16 { towns.code(town) }
        mutating func villageCode(_ village: String) -> UInt32 { villages.code(village) }

        /// Adds a household without members; returns its position.
        mutating func addHousehold(id: HouseholdID, town: UInt16, village: UInt32, type: HouseholdType, prevIncome: Money) -> Int {
            table.ids.append(id.key)
            table.townCode.append(town)
            table.villageCode.append(village)
            table.types.append(type)
            table.prevIncome.append(prevIncome)
            return table.ids.count - 1
        }

        /// Adds a member to household `h` (after the members it has).
        mutating func addMember(of h: Int, person: ResidentID, name: ArraySlice<UInt8>, relationCode: UInt16, labour: Labour) {
            if let previous = memberHousehold.last, Int(previous) > h { grouped = false }
            memberHousehold.append(Int32(h))
            table.person.append(person.key)
            table.relation.append(relationCode)
            table.labour.append(labour)
            table.names.append(name)
        }

        /// The columns, each household's members together. Takes `memberHousehold` too (call it last).
        mutating func finish() -> RosterHouseholds {
            var t = table
            table = Table()
            t.towns = towns.spellings
            t.villages = villages.spellings
            let n = t.ids.count
            var counts = [UInt32](repeating: 0, count: n)
            for h in memberHousehold { counts[Int(h)] += 1 }
            t.memberEnd.reserveCapacity(n)
            var end: UInt32 = 0
            for c in counts {
                end += c
                t.memberEnd.append(end)
            }
            if !grouped { t.groupMembers(memberHousehold) }
            memberHousehold = []
            return RosterHouseholds(t)
        }
    }

}

extension RosterHouseholds.Table {
    /// Puts each household's members together, in the order they were added (a stable counting sort by
    /// household): the rare roster whose household's rows come apart.
    mutating func groupMembers(_ householdOf: [Int32]) {
        var next = (0..<ids.count).map { $0 == 0 ? 0 : Int(memberEnd[$0 - 1]) }
        var order = [Int](repeating: 0, count: householdOf.count)  // new position → old
        for (old, h) in householdOf.enumerated() {
            order[next[Int(h)]] = old
            next[Int(h)] += 1
        }
        person = order.map { person[$0] }
        relation = order.map { relation[$0] }
        labour = order.map { labour[$0] }
        let oldNames = names
        names = PackedBytes()
        names.reserve(count: order.count, bytes: oldNames.byteCount)
        for old in order { names.append(oldNames[old]) }
    }
}

/// A number for each spelling of a roster column (towns, villages), in the order first seen. The last spelling
/// asked for is kept and compared first: a village's households come together, so its name is not hashed
/// (the standard library's seeded hash) for each household.
struct SpellingCodes<Code: FixedWidthInteger & UnsignedInteger> {
    private(set) var spellings: [String] = []
    /// (keyed on the spellings' bytes, `TextKey`: a town's or village's Chinese name is not hashed through
    /// its NFC form once a household)
    private var codes: [TextKey: Code] = [:]
    private var last: (spelling: TextKey, code: Code)?

    mutating func code(_ spelling: String) -> Code {
        let key = TextKey(spelling)
        if let last, last.spelling == key { return last.code }
        let c: Code
        if let known = codes[key] {
            c = known
        } else {
            precondition(spellings.count < Int(Code.max), "more than \(Code.max) spellings of a roster column")
            c = Code(spellings.count)
            spellings.append(spelling)
            codes[key] = c
        }
        last = (key, c)
        return c
    }
}
