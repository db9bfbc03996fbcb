#if canImport(Glibc)
import Glibc
#endif

/// A map from 64-bit keys (resident and household IDs packed into integers, record-key hashes) to
/// positions, for the lookups that run once per record: open addressing with linear probing and
/// Fibonacci hashing, in two flat arrays. Several times faster than `Dictionary<UInt64, Int32>`,
/// whose per-process seeded SipHash dominates link at province scale, and half its memory.
public struct HashIndex: Sendable {
    /// Slot i is words 3i, 3i+1 (the key, low and high half) and 3i+2 (the value; `empty` when free):
    /// a probe touches one place in memory, not a key array and a value array (tables of millions of
    /// entries at province scale miss the cache on every lookup).
    private var words: [UInt32]
    private var shift: UInt64
    private var capacity: Int
    public private(set) var count = 0
    /// At most this many quarters of the slots are used (2: half, the default; 3 for a large table looked up
    /// less often than its size costs: longer probes, in the same cache line mostly).
    private let quarters: Int
    private static let empty = UInt32.max

    public init(minimumCapacity: Int = 0, maxLoadQuarters: Int = 2) {
        precondition((1...3).contains(maxLoadQuarters), "a table a quarter to three quarters full")
        quarters = maxLoadQuarters
        var bits: UInt64 = 4
        while (1 << bits) * maxLoadQuarters < 4 * minimumCapacity { bits += 1 }
        capacity = 1 << bits
        let n = 3 * capacity
        words = Array(unsafeUninitializedCapacity: n) { buffer, initialized in
            // a province's tables are hundreds of MB probed at random: huge pages spare a TLB miss a probe
            // (asked before the pages are first touched; where the kernel declines, nothing changes)
            if n * 4 >= 4 << 20, let base = buffer.baseAddress {
                let start = (Int(bitPattern: base) + 4095) & ~4095
                let end = (Int(bitPattern: base) + n * 4) & ~4095
                if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
            }
            buffer.initialize(repeating: HashIndex.empty)
            initialized = n
        }
        shift = 64 - bits
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    public subscript(key: UInt64) -> Int32? {
        get {
            let mask = capacity - 1
            let lo = UInt32(truncatingIfNeeded: key), hi = UInt32(truncatingIfNeeded: key >> 32)
            return words.withUnsafeBufferPointer { w in
                var i = slot(key)
                while true {
                    let v = w[3 * i + 2]
                    if v == HashIndex.empty { return nil }
                    if w[3 * i] == lo && w[3 * i + 1] == hi { return Int32(bitPattern: v) }
                    i = (i + 1) & mask
                }
            }
        }
        set {
            guard let value = newValue else { preconditionFailure("HashIndex does not remove keys") }
            precondition(value >= 0, "HashIndex values are positions (≥ 0)")
            if 4 * (count + 1) > quarters * capacity { grow() }
            let mask = capacity - 1
            let lo = UInt32(truncatingIfNeeded: key), hi = UInt32(truncatingIfNeeded: key >> 32)
            let start = slot(key)
            let added = words.withUnsafeMutableBufferPointer { w -> Bool in
                var i = start
                while w[3 * i + 2] != HashIndex.empty && !(w[3 * i] == lo && w[3 * i + 1] == hi) { i = (i + 1) & mask }
                let fresh = w[3 * i + 2] == HashIndex.empty
                w[3 * i] = lo
                w[3 * i + 1] = hi
                w[3 * i + 2] = UInt32(bitPattern: value)
                return fresh
            }
            if added { count += 1 }
        }
    }

    /// Inserts many pairs, as if one by one in the order given (for a key given twice the later value
    /// wins). They are first grouped by region of the table (a stable counting sort on the top bits of
    /// their slots), so the writes sweep through memory instead of missing the cache on every key (a
    /// province's five million people go into a 200 MB table).
    public mutating func insert(keys: [UInt64], values: [Int32]) {
        precondition(keys.count == values.count)
        let n = keys.count
        while 4 * (count + n) > quarters * capacity { grow() }
        let bits = 64 - Int(shift)
        let regionBits = min(12, bits)
        guard n >= 1 << 16, regionBits > 0 else {
            for k in 0..<n { self[keys[k]] = values[k] }
            return
        }
        // a region is a run of slots: the top bits of the slot number
        let regionShift = bits - regionBits
        @inline(__always) func region(_ key: UInt64) -> Int { slot(key) >> regionShift }
        var starts = [Int](repeating: 0, count: (1 << regionBits) + 1)
        var order = [Int32](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        keys.withUnsafeBufferPointer { k in
            starts.withUnsafeMutableBufferPointer { s in
                for key in k { s[region(key) + 1] += 1 }
                for r in 1..<s.count { s[r] += s[r - 1] }
                order.withUnsafeMutableBufferPointer { o in
                    for i in 0..<n {
                        let r = region(k[i])
                        o[s[r]] = Int32(truncatingIfNeeded: i)
                        s[r] += 1
                    }
                }
            }
        }
        for i in order { self[keys[Int(i)]] = values[Int(i)] }
    }

    private mutating func grow() {
        var bigger = HashIndex(minimumCapacity: capacity * quarters / 2, maxLoadQuarters: quarters)
        for i in 0..<capacity where words[3 * i + 2] != HashIndex.empty {
            bigger[UInt64(words[3 * i]) | UInt64(words[3 * i + 1]) << 32] = Int32(bitPattern: words[3 * i + 2])
        }
        self = bigger
    }
}
