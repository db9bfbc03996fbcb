/// The first pass of the roster check (`RosterCheck`): a few integers a valid row, not the row. It finds the
/// households `RosterCheck.conflicts` would find a problem in — fields that differ between members (compared
/// as one hash of the household fields a row), not exactly one 户主, a member also listed elsewhere or twice —
/// without holding the file; the ingest then reads the file again for those households' rows only (usually
/// there are none). Every row of such a household is quarantined, so the set of households is the set of
/// rows to leave out of the staged file.
struct RosterRowKeys {
    private var households: [UInt64] = []
    private var people: [UInt64] = []
    private var fields: [UInt64] = []
    private var heads: [Bool] = []

    var count: Int { households.count }

    mutating func reserve(rows: Int) {
        households.reserveCapacity(rows)
        people.reserveCapacity(rows)
        fields.reserveCapacity(rows)
        heads.reserveCapacity(rows)
    }

    /// One valid row: `field(i)` is field i of the roster schema, normalised.
    mutating func append(_ field: (Int) -> ArraySlice<UInt8>) {
        households.append(HouseholdID.staged(field(RosterCheck.hh)).key)
        people.append(ResidentID.staged(field(RosterCheck.person)).key)
        // the household fields joined (each ended by a separator): equal rows, equal hashes
        fields.append(recordKeyHash(RosterCheck.householdFields, field))
        heads.append(field(RosterCheck.relation).elementsEqual(RosterCheck.head))
    }

    /// The keys of the households with a conflict, ascending, each once (usually none).
    func conflictedHouseholds() -> [UInt64] {
        var out: [UInt64] = []
        // people listed more than once: every household they are listed in
        let listedTwice = SortedKeys.repeatedKeys(people)
        if !listedTwice.isEmpty {
            let isRepeated = KeySet(listedTwice)
            for i in 0..<people.count where isRepeated.contains(people[i]) { out.append(households[i]) }
        }
        // each household's rows together (an export lists them together: then in file order already)
        let n = households.count
        var order: [Int32] = []
        if !RosterCheck.isGrouped(households) {
            order = (0..<n).map { Int32($0) }
            order.sort { households[Int($0)] < households[Int($1)] }
        }
        @inline(__always) func row(_ k: Int) -> Int { order.isEmpty ? k : Int(order[k]) }
        var start = 0
        while start < n {
            let first = row(start)
            var end = start + 1, sameFields = true, headCount = heads[first] ? 1 : 0
            while end < n && households[row(end)] == households[first] {
                let i = row(end)
                if fields[i] != fields[first] { sameFields = false }
                if heads[i] { headCount += 1 }
                end += 1
            }
            if !sameFields || headCount != 1 { out.append(households[first]) }
            start = end
        }
        return SortedKeys.distinct(out).keys
    }
}
