/// Speed only: the roster's members sorted by (name hash, first 17 digits), so that the members a damaged ID
/// may be (RULES.md §11) are a few binary searches away — an exact 17-digit body, a 15-digit prefix, the range
/// a scientific value rounds from, and the 153 one-digit and 16 transposed variants of the body — instead of a
/// scan of the roster per record. It decides nothing: every pair it finds is put to `ReviewRules.matches`, and
/// `plainCandidates` (the same-name members, each asked) must agree with it (tests compare them).
public final class ReviewCandidateIndex: @unchecked Sendable {
    let roster: RosterIndex
    /// (name hash, 17-digit body, household << 16 | member), sorted.
    private var names: [UInt64] = []
    private var bodies: [UInt64] = []
    private var refs: [UInt64] = []

    /// - Parameter only: the names (`nameHash`) that will be asked for, if known: only the members of those
    ///   names are indexed (a month's records to review are a few dozen names; a province's roster is five
    ///   million members, hundreds of MB as a whole index). A name outside them finds nobody.
    public init(roster: RosterIndex, only: Set<UInt64>? = nil) {
        self.roster = roster
        // (the members read in place: no household made; the households in two halves, one per core: a
        // province's five million names hashed; the halves' entries in any order, as they are sorted next)
        let n = roster.households.count
        let halves = n < 4096 ? 1 : 2
        let parts = ParallelResults(count: halves) { part -> [(UInt64, UInt64, UInt64)] in
            let households = roster.households
            var entries: [(UInt64, UInt64, UInt64)] = []
            if only == nil { entries.reserveCapacity(households.memberCount / halves) }
            for h in (n * part / halves)..<(n * (part + 1) / halves) {
                let members = households.members(of: h)
                for k in members {
                    let name = households.withNameBytes(k) { ReviewCandidateIndex.nameHash(bytes: $0) }
                    if let only, !only.contains(name) { continue }
                    entries.append((name, households.person(k).key, UInt64(h) << 16 | UInt64(k - members.lowerBound)))
                }
            }
            return entries
        }
        var entries: [(UInt64, UInt64, UInt64)] = []
        for k in 0..<halves {
            do { entries += try parts.get(k) } catch { preconditionFailure("indexing throws nothing: \(error)") }
        }
        ReviewCandidateIndex.sortEntries(&entries)
        names = entries.map(\.0)
        bodies = entries.map(\.1)
        refs = entries.map(\.2)
    }

    /// Sorts entries as `sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }` does (the order is total: the third
    /// element is unique), by `RadixSort` on the name hash (FNV hashes are evenly spread): the county's 500,000
    /// members took a tenth of a second of link's CPU in the standard sort's merges.
    static func sortEntries(_ entries: inout [(UInt64, UInt64, UInt64)]) {
        RadixSort.sort(&entries, key: { $0.0 }, less: { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) })
    }

    static func nameHash(_ s: String) -> UInt64 { nameHash(bytes: s.utf8) }

    /// `nameHash` of a name's UTF-8 bytes (the roster's members' names, read in place).
    static func nameHash<C: Collection>(bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The first entry not below (name, body).
    private func lowerBound(_ name: UInt64, _ body: UInt64) -> Int {
        var lo = 0, hi = names.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if (names[mid], bodies[mid]) < (name, body) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Entries of `name` whose body lies in lo...hi.
    private func range(_ name: UInt64, _ lo: UInt64, _ hi: UInt64, into out: inout Set<UInt64>) {
        var i = lowerBound(name, lo)
        while i < names.count && names[i] == name && bodies[i] <= hi { out.insert(refs[i]); i += 1 }
    }

    /// The members of the same name that the rules propose for `id`, ordered by their ID.
    public func candidates(name: String, id: DamagedID) -> [ReviewCandidate] {
        guard !name.isEmpty else { return [] }
        let nh = ReviewCandidateIndex.nameHash(name)
        var found = Set<UInt64>()
        if let b = id.body17 {
            let digits = b.map { $0 &- 0x30 }
            let bad = digits.indices.filter { digits[$0] > 9 }
            func value(_ d: [UInt8]) -> UInt64 { d.reduce(0) { $0 * 10 + UInt64($1) } }
            if bad.isEmpty {
                let v = value(digits)
                range(nh, v, v, into: &found)  // check_char
                var d = digits
                for p in 0..<16 where d[p] != d[p + 1] {  // transposed
                    d.swapAt(p, p + 1); let w = value(d); range(nh, w, w, into: &found); d.swapAt(p, p + 1)
                }
            }
            if bad.count <= 1 {  // one_digit
                var d = digits
                for p in (bad.isEmpty ? Array(0..<17) : bad) {
                    let keep = d[p]
                    for x: UInt8 in 0...9 where x != keep {
                        d[p] = x; let w = value(d); range(nh, w, w, into: &found)
                    }
                    d[p] = keep
                }
            }
        }
        if let v = id.value18, v % 1000 == 0 {  // excel_precision
            let p15 = v / 1000
            range(nh, p15 * 100, p15 * 100 + 99, into: &found)
        }
        if let s = id.scientific {  // scientific
            let k = 18 - s.digits
            var pk: UInt64 = 1
            for _ in 0..<k { pk *= 10 }
            let (lowN, highN) = k == 0 ? (s.mantissa, s.mantissa) : (s.mantissa * pk - pk / 2, s.mantissa * pk + pk / 2 - 1)
            range(nh, lowN / 10, highN / 10, into: &found)
        }
        var out: [ReviewCandidate] = []
        for ref in found {
            let h = Int(ref >> 16), m = Int(ref & 0xFFFF)
            let member = roster.households[h].members[m]
            guard member.name == name else { continue }  // a hash collision
            let rules = ReviewRules.matches(id, member.person.description)
            if !rules.isEmpty { out.append(ReviewCandidate(household: h, member: m, person: member.person, rules: rules)) }
        }
        return out.sorted { $0.person < $1.person }
    }

    /// The plain path: every member of the roster with the same name, each put to the rules.
    public static func plainCandidates(roster: RosterIndex, name: String, id: DamagedID) -> [ReviewCandidate] {
        guard !name.isEmpty else { return [] }
        var out: [ReviewCandidate] = []
        for (h, hh) in roster.households.enumerated() {
            for (m, member) in hh.members.enumerated() where member.name == name {
                let rules = ReviewRules.matches(id, member.person.description)
                if !rules.isEmpty { out.append(ReviewCandidate(household: h, member: m, person: member.person, rules: rules)) }
            }
        }
        return out.sorted { $0.person < $1.person }
    }
}
