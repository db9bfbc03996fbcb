/// Each household's largest settlements (at most `limit` of them), kept for detect's evidence as bytes in
/// one block instead of an array of `SettlementRecord`s (six Strings each) per household.
///
/// Speed (memory) only, behind its own wall: the records it gives back are those the plain path keeps — an
/// array per household, where a settlement beyond the limit replaces the first of the smallest kept ones
/// when it is larger and is appended at the end (tests compare the two). At province scale the arrays and
/// their Strings were about 800 MB; here a kept settlement costs its text and 20 bytes.
struct SettlementSlots: Sendable {
    let limit: Int
    /// Per slot: the settlement's text, its fields each followed by a NUL byte (validated text has none):
    /// id, kind, person, settled, visit type, review; in blocks of `blockBytes` (a longer one in a block of
    /// its own), never grown by doubling (a doubled array holds up to twice its bytes, and both copies while
    /// it grows). `start` is block << 32 | offset.
    private var blocks: [[UInt8]] = []
    private var start: [Int] = []
    private static let blockBytes = 1 << 20
    private var outOfPocket: [Int64] = []
    /// Per slot: the household's next kept settlement, -1 after its last.
    private var next: [Int32] = []
    /// Per household entry: its first and last kept slots (-1 for none), and how many it keeps.
    private var first: [Int32] = []
    private var last: [Int32] = []
    private var kept: [UInt8] = []

    init(limit: Int) {
        precondition(limit <= Int(UInt8.max))
        self.limit = limit
    }

    /// Room for `n` household entries (address space only until used).
    mutating func reserve(entries n: Int) {
        first.reserveCapacity(n)
        last.reserveCapacity(n)
        kept.reserveCapacity(n)
    }

    /// A new household entry, with no settlement yet.
    mutating func addEntry() {
        first.append(-1)
        last.append(-1)
        kept.append(0)
    }

    /// Offers entry `e` one settlement: kept as the plain path keeps it. `fields` are the columns of `r` of
    /// the id, kind, person, settled, visit type and review (-1: none, an empty review).
    mutating func add<R: RecordAccess>(_ e: Int, outOfPocket oop: Money, _ r: R, fields: (Int, Int, Int, Int, Int, Int)) {
        var slot: Int32
        if Int(kept[e]) == limit {
            // the first of the smallest kept (as `min(by:)` finds it), replaced only by a larger one
            var smallest = first[e], before: Int32 = -1
            var prev = first[e], s = next[Int(first[e])]
            while s >= 0 {
                if outOfPocket[Int(s)] < outOfPocket[Int(smallest)] { smallest = s; before = prev }
                prev = s
                s = next[Int(s)]
            }
            guard outOfPocket[Int(smallest)] < oop.fen else { return }
            // unlinked, and its slot reused for the new one at the end
            let after = next[Int(smallest)]
            if before < 0 { first[e] = after } else { next[Int(before)] = after }
            if last[e] == smallest { last[e] = before }
            kept[e] -= 1
            slot = smallest
            start[Int(slot)] = place(r, fields)
            outOfPocket[Int(slot)] = oop.fen
            next[Int(slot)] = -1
        } else {
            slot = Int32(start.count)
            start.append(place(r, fields))
            outOfPocket.append(oop.fen)
            next.append(-1)
        }
        if last[e] < 0 { first[e] = slot } else { next[Int(last[e])] = slot }
        last[e] = slot
        kept[e] += 1
    }

    /// Writes the fields' text into the blocks; returns where it starts.
    private mutating func place<R: RecordAccess>(_ r: R, _ fields: (Int, Int, Int, Int, Int, Int)) -> Int {
        func size(_ c: Int) -> Int { (c >= 0 ? r[c].count : 0) + 1 }
        let n =
            size(fields.0) + size(fields.1) + size(fields.2) + size(fields.3) + size(fields.4) + size(fields.5)
        let (k, at) = room(n)
        func put(_ c: Int) {
            if c >= 0 { blocks[k].append(contentsOf: r[c]) }
            blocks[k].append(0)
        }
        put(fields.0)
        put(fields.1)
        put(fields.2)
        put(fields.3)
        put(fields.4)
        put(fields.5)
        return at
    }

    /// Keeps the settlements of the entries `keep` names and lets go of the others' (their entries stay, with
    /// none): the kept ones are copied, in each entry's order, into storage made at their size, and the old
    /// storage is released (evidence is needed only where the rule fires: most households' text goes).
    mutating func keepOnly(entries keep: (Int) -> Bool) {
        var copy = SettlementSlots(limit: limit)
        copy.first = first
        copy.last = last
        copy.kept = kept
        var slots = 0
        for e in first.indices where keep(e) { slots += Int(kept[e]) }
        copy.start.reserveCapacity(slots)
        copy.outOfPocket.reserveCapacity(slots)
        copy.next.reserveCapacity(slots)
        for e in first.indices {
            guard keep(e) else {
                copy.first[e] = -1
                copy.last[e] = -1
                copy.kept[e] = 0
                continue
            }
            var s = first[e], previous: Int32 = -1
            while s >= 0 {
                let slot = Int32(copy.start.count)
                // the slot's six NUL-ended fields, copied as they are
                let text = blocks[start[Int(s)] >> 32].withUnsafeBufferPointer { t -> ArraySlice<UInt8> in
                    let from = start[Int(s)] & 0xFFFF_FFFF
                    var end = from
                    for _ in 0..<6 {
                        while t[end] != 0 { end += 1 }
                        end += 1
                    }
                    return blocks[start[Int(s)] >> 32][from..<end]
                }
                copy.start.append(copy.placeText(text))
                copy.outOfPocket.append(outOfPocket[Int(s)])
                copy.next.append(-1)
                if previous < 0 { copy.first[e] = slot } else { copy.next[Int(previous)] = slot }
                previous = slot
                s = next[Int(s)]
            }
            copy.last[e] = previous
        }
        self = copy
    }

    /// Writes a slot's text (its six fields, each ended by NUL) into the blocks; returns where it starts.
    private mutating func placeText(_ text: ArraySlice<UInt8>) -> Int {
        let (k, at) = room(text.count)
        blocks[k].append(contentsOf: text)
        return at
    }

    /// The block the next `n` bytes of text go into (a new one when the last has no room for them), and where
    /// they start (block << 32 | offset).
    private mutating func room(_ n: Int) -> (block: Int, at: Int) {
        if blocks.isEmpty || blocks[blocks.count - 1].count + n > Self.blockBytes {
            var b: [UInt8] = []
            b.reserveCapacity(max(n, Self.blockBytes))
            blocks.append(b)
        }
        let k = blocks.count - 1
        return (k, k << 32 | blocks[k].count)
    }

    /// Entry `e`'s kept settlements, in the plain path's order.
    func records(_ e: Int) -> [SettlementRecord] {
        var out: [SettlementRecord] = []
        out.reserveCapacity(Int(kept[e]))
        var s = first[e]
        while s >= 0 {
            blocks[start[Int(s)] >> 32].withUnsafeBufferPointer { t in
                var at = start[Int(s)] & 0xFFFF_FFFF
                func field() -> String {
                    var end = at
                    while t[end] != 0 { end += 1 }
                    defer { at = end + 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: t[at..<end]), as: UTF8.self)
                }
                let id = field(), kind = field(), person = field(), settled = field(), visit = field(), review = field()
                out.append(
                    SettlementRecord(
                        id: id, kind: kind, person: person, outOfPocket: Money(fen: outOfPocket[Int(s)]),
                        settled: settled, visitType: visit, review: review))
            }
            s = next[Int(s)]
        }
        return out
    }
}
