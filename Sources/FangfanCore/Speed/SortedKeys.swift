/// 64-bit record keys (hashes of a record's key fields) as a sorted array, for the two questions asked of
/// millions of them at a time: how many of a file's records repeat a key staged before (ingest's `replaced`),
/// and which records a later version replaces (link). Sorting reads memory in order, where a hash set of
/// millions of keys misses the cache on every probe: at province scale the sort is several times faster
/// and takes a third of the memory.
public enum SortedKeys {
    /// Sorts keys ascending: most-significant-digit radix sort, two levels (record keys are hashes, spread
    /// evenly over 64 bits): the keys are scattered by their top 11 bits into 2,048 buckets, each bucket
    /// scattered back by the next 8 bits, and what then shares 19 leading bits (a few keys, or many where keys
    /// are not spread) sorted by insertion or by the standard sort. Two passes that scatter instead of the
    /// eight of a byte-per-pass least-significant-digit sort: a quarter less time at 670,000 keys, half at 1.5 and
    /// 15 million (performance.md, "CPU, round 6").
    public static func sort(_ keys: inout [UInt64]) {
        let n = keys.count
        if n < 2048 {
            keys.sort()
            return
        }
        var other = [UInt64](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var bucketStart = [Int](repeating: 0, count: 2049)
        var next = [Int](repeating: 0, count: 2048)
        var subStart = [Int](repeating: 0, count: 257)
        keys.withUnsafeMutableBufferPointer { k in
            other.withUnsafeMutableBufferPointer { o in
                bucketStart.withUnsafeMutableBufferPointer { c in
                    next.withUnsafeMutableBufferPointer { at in
                        subStart.withUnsafeMutableBufferPointer { s in
                            // level 1: keys → other, by the top 11 bits
                            for x in k { c[Int(x >> 53) &+ 1] &+= 1 }
                            for d in 0..<2048 {
                                c[d + 1] &+= c[d]
                                at[d] = c[d]
                            }
                            for x in k {
                                let d = Int(x >> 53)
                                o[at[d]] = x
                                at[d] &+= 1
                            }
                            // level 2: each bucket of other → its place in keys, by the next 8 bits (`at` reused)
                            for d in 0..<2048 {
                                let lo = c[d], hi = c[d + 1]
                                if hi - lo <= 32 {
                                    for i in lo..<hi { k[i] = o[i] }
                                    insertionSort(k, lo, hi)
                                    continue
                                }
                                for e in 0..<257 { s[e] = 0 }
                                for i in lo..<hi { s[Int((o[i] >> 45) & 0xFF) &+ 1] &+= 1 }
                                for e in 0..<256 {
                                    s[e + 1] &+= s[e]
                                    at[e] = lo &+ s[e]
                                }
                                for i in lo..<hi {
                                    let x = o[i]
                                    let e = Int((x >> 45) & 0xFF)
                                    k[at[e]] = x
                                    at[e] &+= 1
                                }
                                for e in 0..<256 {
                                    let a = lo + s[e], b = lo + s[e + 1]
                                    if b - a <= 32 {
                                        insertionSort(k, a, b)
                                    } else {
                                        var run = UnsafeMutableBufferPointer(rebasing: k[a..<b])
                                        run.sort()
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func insertionSort(_ k: UnsafeMutableBufferPointer<UInt64>, _ lo: Int, _ hi: Int) {
        var i = lo + 1
        while i < hi {
            let x = k[i]
            var j = i
            while j > lo && k[j - 1] > x {
                k[j] = k[j - 1]
                j -= 1
            }
            k[j] = x
            i += 1
        }
    }

    /// The keys sorted, without repeats, and how many repeats there were.
    public static func distinct(_ keys: [UInt64]) -> (keys: [UInt64], repeats: Int) {
        var sorted = keys
        sort(&sorted)
        let repeats = removeRepeats(&sorted)
        return (sorted, repeats)
    }

    /// Removes the repeats from sorted keys; returns how many there were.
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
        var sorted = keys
        sort(&sorted)
        var repeated: [UInt64] = []
        sorted.withUnsafeBufferPointer { s in
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
        return repeated
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
