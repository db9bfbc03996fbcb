/// 64-bit record keys (hashes of a record's key fields) as a sorted array, for the two questions asked of
/// millions of them at a time: how many of a file's records repeat a key staged before (ingest's `replaced`),
/// and which records a later version replaces (link). Sorting reads memory in order, where a hash set of
/// millions of keys misses the cache on every probe: at province scale the sort is several times faster
/// and takes a third of the memory.
public enum SortedKeys {
    /// Sorts keys ascending (`RadixSort`: record keys are hashes, spread evenly over 64 bits).
    public static func sort(_ keys: inout [UInt64]) {
        RadixSort.sort(&keys, key: { $0 }, less: { $0 < $1 })
    }

    /// The keys sorted, without repeats, and how many repeats there were.
    public static func distinct(_ keys: [UInt64]) -> (keys: [UInt64], repeats: Int) {
        var sorted = keys
        let repeats = makeDistinct(&sorted)
        return (sorted, repeats)
    }

    /// Sorts `keys` in place and removes the repeats (no copy where the array is not shared: a province's
    /// medical keys are 50 MB); returns how many repeats there were.
    @discardableResult
    public static func makeDistinct(_ keys: inout [UInt64]) -> Int {
        sort(&keys)
        return removeRepeats(&keys)
    }

    /// Removes the repeats from keys whose equal ones are together (sorted, or `group`ed); returns how many
    /// there were.
    @discardableResult
    public static func removeRepeats(_ sorted: inout [UInt64]) -> Int {
        guard sorted.count > 1 else { return 0 }
        let n = sorted.count
        let kept = sorted.withUnsafeMutableBufferPointer { s -> Int in
            var w = 1
            for r in 1..<n where s[r] != s[w - 1] {
                s[w] = s[r]
                w += 1
            }
            return w
        }
        sorted.removeLast(n - kept)
        return n - kept
    }

    /// How many of `a`'s keys (sorted, repeats counted each time) are in `b` (sorted).
    public static func countIn(_ a: [UInt64], _ b: [UInt64]) -> Int {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var i = 0, j = 0, found = 0
                while i < a.count && j < b.count {
                    if a[i] < b[j] { i += 1 } else if a[i] > b[j] { j += 1 } else { found += 1; i += 1 }
                }
                return found
            }
        }
    }

    /// The keys of both (each sorted without repeats), sorted without repeats.
    public static func union(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var out = [UInt64]()
        out.reserveCapacity(a.count + b.count)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var i = 0, j = 0
                while i < a.count && j < b.count {
                    if a[i] < b[j] {
                        out.append(a[i]); i += 1
                    } else if a[i] > b[j] {
                        out.append(b[j]); j += 1
                    } else {
                        out.append(a[i]); i += 1; j += 1
                    }
                }
                out.append(contentsOf: a[i...])
                out.append(contentsOf: b[j...])
            }
        }
        return out
    }

    /// The keys that come more than once, each once, ascending (usually none, or a few percent).
    public static func repeatedKeys(_ keys: [UInt64]) -> [UInt64] {
        var grouped = keys
        group(&grouped)
        var repeated: [UInt64] = []
        grouped.withUnsafeBufferPointer { s in
            var i = 1
            while i < s.count {
                if s[i] == s[i - 1] {
                    repeated.append(s[i])
                    while i < s.count && s[i] == s[i - 1] { i += 1 }
                } else {
                    i += 1
                }
            }
        }
        repeated.sort()
        return repeated
    }

    /// How many different keys there are.
    public static func distinctCount(_ keys: [UInt64]) -> Int {
        var grouped = keys
        group(&grouped)
        // (`removeRepeats` compares each key with the one before: equal keys together is all it needs)
        return keys.count - removeRepeats(&grouped)
    }

    /// Puts equal keys next to each other, in no meaningful order otherwise: sorted by the key times an odd
    /// constant (a one-to-one map), which spreads keys that are not hashes over `RadixSort`'s buckets —
    /// resident and household numbers share their leading digits, and sorted as they are, a province's
    /// millions fell into a few buckets left to the standard sort (a second on one core at the end of ingest).
    static func group(_ keys: inout [UInt64]) {
        @inline(__always) func spread(_ k: UInt64) -> UInt64 { k &* 0x9E37_79B9_7F4A_7C15 }
        RadixSort.sort(&keys, key: spread, less: { spread($0) < spread($1) })
    }

    /// Which of the records, in order, a later record with the same key replaces: nil when none is.
    public static func superseded(_ keys: [UInt64]) -> Bitset? {
        let repeated = repeatedKeys(keys)
        guard !repeated.isEmpty else { return nil }
        // one pass in record order: each earlier version of a repeated key is replaced by the next
        let isRepeated = KeySet(repeated)
        var latest = HashIndex(minimumCapacity: repeated.count)
        var gone = Bitset(count: keys.count)
        for (o, k) in keys.enumerated() where isRepeated.contains(k) {
            if let earlier = latest[k] { gone.insert(Int(earlier)) }
            latest[k] = Int32(o)
        }
        return gone
    }
}
