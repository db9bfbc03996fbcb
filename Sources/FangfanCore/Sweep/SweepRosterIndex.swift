import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The roster grouped by village, for sweeps: `state/sweep/roster-<seq>.idx`, derived from the staged roster
/// of that manifest seq (never edited, rebuilt when the roster changes or the file does not check).
///
/// A province's roster is 1.5 million households in a staged CSV of half a gigabyte: building the whole
/// roster index takes seconds of CPU, while a sweep needs only the households of the struck villages and
/// those of the people its records name. The first sweep of a roster builds the whole index (as link does)
/// and writes this file beside it; later sweeps map it and decode only those households.
///
/// Layout (native byte order, 8-byte fields unless said):
///   header   magic "FFSWIDX1", roster seq, households, persons, villages, and the offsets of the four
///            sections below, then the file's length
///   persons  (person key, household ordinal) × persons, sorted by key
///   villages (first household ordinal, households, text offset, town bytes | village bytes << 32) × villages,
///            sorted by town then village; households are stored village by village in that order
///   offsets  the start of each household's record, households + 1 of them
///   records  per household: id, prev_income fen, village (4), type (1), members (2), then per member:
///            person (8), labour (1), relation bytes (1) + bytes, name bytes (2) + bytes;
///            then the villages' town and village texts
struct SweepRosterIndex {
    static let magic = Array("FFSWIDX1".utf8)

    /// The file does not hold what its header says (the sweep then reads the whole roster and rewrites it).
    struct Damaged: Error { let message: String }
    static let headerWords = 11

    static func folder(_ layout: StateLayout) -> String { layout.root + "/sweep" }
    static func path(_ layout: StateLayout, seq: Int) -> String { folder(layout) + "/roster-\(layout.seqName(seq)).idx" }

    // MARK: writing

    /// Writes the file for the roster of `seq` from its whole index, and removes those of older rosters.
    static func write(_ roster: RosterIndex, seq: Int, layout: StateLayout) throws {
        let hs = roster.households
        // villages, sorted; each household's village
        var villageOf = [UInt32](repeating: 0, count: hs.count)
        var ids: [SweepRule.Village: Int] = [:]
        var villages: [SweepRule.Village] = []
        for i in hs.indices {
            let v = SweepRule.Village(hs[i].town, hs[i].village)
            if let k = ids[v] { villageOf[i] = UInt32(k); continue }
            ids[v] = villages.count
            villageOf[i] = UInt32(villages.count)
            villages.append(v)
        }
        let sortedVillages = villages.indices.sorted { villages[$0] < villages[$1] }
        var rank = [UInt32](repeating: 0, count: villages.count)
        for (r, v) in sortedVillages.enumerated() { rank[v] = UInt32(r) }
        // households village by village (roster order within a village): a counting sort
        var counts = [Int](repeating: 0, count: villages.count + 1)
        for i in hs.indices { counts[Int(rank[Int(villageOf[i])]) + 1] += 1 }
        for k in 1..<counts.count { counts[k] += counts[k - 1] }
        let firsts = counts
        var order = [Int](repeating: 0, count: hs.count)
        for i in hs.indices {
            let r = Int(rank[Int(villageOf[i])])
            order[counts[r]] = i
            counts[r] += 1
        }
        // records, and the persons with their household's ordinal
        var records: [UInt8] = []
        records.reserveCapacity(hs.count * 96)
        var offsets: [UInt64] = []
        offsets.reserveCapacity(hs.count + 1)
        var persons: [(key: UInt64, ordinal: UInt64)] = []
        persons.reserveCapacity(hs.count * 3)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { records.append(contentsOf: $0) } }
        for (ordinal, i) in order.enumerated() {
            offsets.append(UInt64(records.count))
            let h = hs[i]
            put(h.id.key)
            put(h.prevIncome.fen)
            put(rank[Int(villageOf[i])])
            put(UInt8(SweepRule.typeRank(h.type)))
            put(UInt16(min(h.members.count, Int(UInt16.max))))
            for m in h.members.prefix(Int(UInt16.max)) {
                put(m.person.key)
                put(m.labour.rawValue)
                let rel = Array(m.relation.utf8.prefix(255)), name = Array(m.name.utf8.prefix(65535))
                put(UInt8(rel.count))
                records.append(contentsOf: rel)
                put(UInt16(name.count))
                records.append(contentsOf: name)
                persons.append((m.person.key, UInt64(ordinal)))
            }
        }
        offsets.append(UInt64(records.count))
        var villageWords: [UInt64] = []
        for (r, v) in sortedVillages.enumerated() {
            let t = Array(villages[v].town.utf8), vl = Array(villages[v].village.utf8)
            villageWords += [
                UInt64(firsts[r]), UInt64(firsts[r + 1] - firsts[r]), UInt64(records.count),
                UInt64(t.count) | UInt64(vl.count) << 32,
            ]
            records.append(contentsOf: t)
            records.append(contentsOf: vl)
        }
        persons.sort { $0.key < $1.key }
        var personWords: [UInt64] = []
        personWords.reserveCapacity(persons.count * 2)
        for p in persons { personWords.append(p.key); personWords.append(p.ordinal) }

        let personsOff = headerWords * 8
        let villagesOff = personsOff + personWords.count * 8
        let offsetsOff = villagesOff + villageWords.count * 8
        let recordsOff = offsetsOff + offsets.count * 8
        let length = recordsOff + records.count
        let header: [UInt64] = [
            UInt64(seq), UInt64(hs.count), UInt64(persons.count), UInt64(villages.count),
            UInt64(personsOff), UInt64(villagesOff), UInt64(offsetsOff), UInt64(recordsOff), UInt64(length), 0,
        ]
        func bytes(_ words: [UInt64]) -> [UInt8] { words.withUnsafeBytes { Array($0) } }
        try makeDirectory(folder(layout))
        let path = path(layout, seq: seq)
        try AtomicFile.write(pieces: [magic, bytes(header), bytes(personWords), bytes(villageWords), bytes(offsets), records], to: path)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder(layout))) ?? []
        where name.hasPrefix("roster-") && name.hasSuffix(".idx") && folder(layout) + "/" + name != path {
            unlink(folder(layout) + "/" + name)
        }
    }

    // MARK: reading

    private let base: UnsafeRawPointer
    private let length: Int
    let households: Int
    let persons: Int
    private let personsOff: Int, villagesOff: Int, offsetsOff: Int, recordsOff: Int
    /// (town, village) → its index in the file.
    let villages: [SweepRule.Village: Int]
    private let villageList: [SweepRule.Village]

    /// Maps the file of roster `seq`; nil when there is none or it does not check (it is then rebuilt).
    static func open(_ layout: StateLayout, seq: Int) -> SweepRosterIndex? {
        let path = path(layout, seq: seq)
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= headerWords * 8 else { return nil }
        let size = Int(st.st_size)
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        let index = SweepRosterIndex(base: UnsafeRawPointer(p), length: size, seq: seq)
        if index == nil { munmap(p, size) }
        return index
    }

    private init?(base: UnsafeRawPointer, length: Int, seq: Int) {
        self.base = base
        self.length = length
        func word(_ i: Int) -> Int { Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: 8 + i * 8, as: UInt64.self)) }
        guard UnsafeRawBufferPointer(start: base, count: 8).elementsEqual(SweepRosterIndex.magic),
            word(0) == seq, word(8) == length
        else { return nil }
        households = word(1)
        persons = word(2)
        let villageCount = word(3)
        personsOff = word(4)
        villagesOff = word(5)
        offsetsOff = word(6)
        recordsOff = word(7)
        guard (0...length).contains(households), (0...length).contains(persons), (0...length).contains(villageCount),
            personsOff == SweepRosterIndex.headerWords * 8, villagesOff == personsOff + persons * 16,
            offsetsOff == villagesOff + villageCount * 32, recordsOff == offsetsOff + (households + 1) * 8,
            recordsOff <= length
        else { return nil }
        var list: [SweepRule.Village] = []
        var map: [SweepRule.Village: Int] = [:]
        for k in 0..<villageCount {
            let o = villagesOff + k * 32
            let text = Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self))
            let lens = base.loadUnaligned(fromByteOffset: o + 24, as: UInt64.self)
            let tl = Int(lens & 0xFFFF_FFFF), vl = Int(lens >> 32)
            guard text >= 0, text <= length, tl <= length, vl <= length, recordsOff + text + tl + vl <= length else { return nil }
            let t = String(decoding: UnsafeRawBufferPointer(start: base + recordsOff + text, count: tl), as: UTF8.self)
            let v = String(decoding: UnsafeRawBufferPointer(start: base + recordsOff + text + tl, count: vl), as: UTF8.self)
            let village = SweepRule.Village(t, v)
            list.append(village)
            map[village] = k
        }
        villageList = list
        villages = map
    }

    func unmap() { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// The ordinals of a village's households.
    func households(of village: Int) -> Range<Int> {
        let o = villagesOff + village * 32
        let first = Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: o, as: UInt64.self))
        let n = Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self))
        // (a damaged file reads nothing out of bounds)
        let lo = max(0, min(first, households))
        return lo..<max(lo, min(first &+ n, households))
    }

    /// The ordinal of the household a person belongs to (a binary search of the persons).
    func household(of person: ResidentID) -> Int? {
        var lo = 0, hi = persons
        while lo < hi {
            let mid = (lo + hi) / 2
            let k = base.loadUnaligned(fromByteOffset: personsOff + mid * 16, as: UInt64.self)
            if k < person.key { lo = mid + 1 } else { hi = mid }
        }
        guard lo < persons, base.loadUnaligned(fromByteOffset: personsOff + lo * 16, as: UInt64.self) == person.key else { return nil }
        return Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: personsOff + lo * 16 + 8, as: UInt64.self))
    }

    private static let types: [HouseholdType] = [.monitored, .lifted, .general]

    /// The household stored at `ordinal`, as the roster index holds it.
    func household(_ ordinal: Int, relations: inout [[UInt8]: String]) throws -> Household {
        guard ordinal >= 0 && ordinal < households else { throw Damaged(message: "household ordinal out of range") }
        let start = recordsOff &+ Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: offsetsOff + ordinal * 8, as: UInt64.self))
        let end = recordsOff &+ Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: offsetsOff + ordinal * 8 + 8, as: UInt64.self))
        guard start >= recordsOff, end >= start, end - start >= 23, end <= length else { throw Damaged(message: "damaged record") }
        var o = start
        func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
            guard o + MemoryLayout<T>.size <= end else { throw Damaged(message: "damaged record") }
            defer { o += MemoryLayout<T>.size }
            return base.loadUnaligned(fromByteOffset: o, as: T.self)
        }
        func text(_ n: Int) throws -> UnsafeRawBufferPointer {
            guard o + n <= end else { throw Damaged(message: "damaged record") }
            defer { o += n }
            return UnsafeRawBufferPointer(start: base + o, count: n)
        }
        let id = try read(UInt64.self)
        let prev = try read(Int64.self)
        let village = Int(try read(UInt32.self))
        let type = Int(try read(UInt8.self))
        let count = Int(try read(UInt16.self))
        guard village < villageList.count, type < 3 else { throw Damaged(message: "damaged record") }
        var members: [Member] = []
        members.reserveCapacity(count)
        for _ in 0..<count {
            let person = try read(UInt64.self)
            let labour = Labour(rawValue: try read(UInt8.self)) ?? .none
            let rel = Array(try text(Int(try read(UInt8.self))))
            let relation: String
            if let known = relations[rel] {
                relation = known
            } else {
                relation = String(decoding: rel, as: UTF8.self)
                relations[rel] = relation
            }
            let name = String(decoding: try text(Int(try read(UInt16.self))), as: UTF8.self)
            members.append(Member(person: ResidentID(key: person), name: name, relation: relation, labour: labour))
        }
        let v = villageList[village]
        return Household(
            id: HouseholdID(key: id), town: v.town, village: v.village, type: SweepRosterIndex.types[type],
            prevIncome: Money(fen: prev), members: members)
    }
}
