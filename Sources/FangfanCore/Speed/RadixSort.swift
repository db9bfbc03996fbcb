/// Speed only: a sort for elements ordered first by a 64-bit key spread evenly over its bits (a hash), as
/// `sort(by: less)` would sort them when `less` orders by that key first: most-significant-digit radix sort,
/// two levels — the elements scattered by the key's top 11 bits into 2,048 buckets, each bucket scattered
/// back by the next 8 bits, and what then shares 19 leading bits (a few elements, or many where keys are not
/// spread) sorted by insertion or by the standard sort with `less`. Two passes that scatter instead of the
/// eight of a byte-per-pass least-significant-digit sort, or the standard sort's merges (performance.md, "CPU,
/// round 6"). Used for record keys (`SortedKeys`) and the review's candidates (`ReviewCandidateIndex`).
enum RadixSort {
    /// Sorts `a` into the order `a.sort(by: less)` gives; `less` must order by `key` first (equal keys by
    /// anything else; a total order gives the very same array).
    @inline(__always)
    static func sort<T>(_ a: inout [T], key: (T) -> UInt64, less: (T, T) -> Bool) {
        let n = a.count
        if n < 2048 {
            a.sort(by: less)
            return
        }
        var other = a
        var bucketStart = [Int](repeating: 0, count: 2049)
        var next = [Int](repeating: 0, count: 2048)
        var subStart = [Int](repeating: 0, count: 257)
        a.withUnsafeMutableBufferPointer { k in
            other.withUnsafeMutableBufferPointer { o in
                bucketStart.withUnsafeMutableBufferPointer { c in
                    next.withUnsafeMutableBufferPointer { at in
                        subStart.withUnsafeMutableBufferPointer { s in
                            // level 1: a → other, by the top 11 bits
                            for x in k { c[Int(key(x) >> 53) &+ 1] &+= 1 }
                            for d in 0..<2048 {
                                c[d + 1] &+= c[d]
                                at[d] = c[d]
                            }
                            for x in k {
                                let d = Int(key(x) >> 53)
                                o[at[d]] = x
                                at[d] &+= 1
                            }
                            // level 2: each bucket of other → its place in a, by the next 8 bits (`at` reused)
                            for d in 0..<2048 {
                                let lo = c[d], hi = c[d + 1]
                                if hi - lo <= 32 {
                                    for i in lo..<hi { k[i] = o[i] }
                                    insertionSort(k, lo, hi, less)
                                    continue
                                }
                                for e in 0..<257 { s[e] = 0 }
                                for i in lo..<hi { s[Int((key(o[i]) >> 45) & 0xFF) &+ 1] &+= 1 }
                                for e in 0..<256 {
                                    s[e + 1] &+= s[e]
                                    at[e] = lo &+ s[e]
                                }
                                for i in lo..<hi {
                                    let x = o[i]
                                    let e = Int((key(x) >> 45) & 0xFF)
                                    k[at[e]] = x
                                    at[e] &+= 1
                                }
                                for e in 0..<256 {
                                    let from = lo + s[e], to = lo + s[e + 1]
                                    if to - from <= 32 {
                                        insertionSort(k, from, to, less)
                                    } else {
                                        var run = UnsafeMutableBufferPointer(rebasing: k[from..<to])
                                        run.sort(by: less)
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
    private static func insertionSort<T>(_ k: UnsafeMutableBufferPointer<T>, _ lo: Int, _ hi: Int, _ less: (T, T) -> Bool) {
        var i = lo + 1
        while i < hi {
            let x = k[i]
            var j = i
            while j > lo && less(x, k[j - 1]) {
                k[j] = k[j - 1]
                j -= 1
            }
            k[j] = x
            i += 1
        }
    }
}
