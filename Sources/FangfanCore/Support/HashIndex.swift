/// A map from 64-bit keys (resident and household IDs packed into integers, record-key hashes) to
/// positions, for the lookups that run once per record: open addressing with linear probing and
/// Fibonacci hashing, in two flat arrays. Several times faster than `Dictionary<UInt64, Int32>`,
/// whose per-process seeded SipHash dominates link at province scale, and half its memory.
public struct HashIndex: Sendable {
    private var keys: [UInt64]
    /// -1: empty slot (a key may be any value, so emptiness lives here).
    private var values: [Int32]
    private var shift: UInt64
    public private(set) var count = 0

    public init(minimumCapacity: Int = 0) {
        var bits: UInt64 = 4
        while (1 << bits) < max(16, 2 * minimumCapacity) { bits += 1 }
        keys = Array(repeating: 0, count: 1 << bits)
        values = Array(repeating: -1, count: 1 << bits)
        shift = 64 - bits
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    public subscript(key: UInt64) -> Int32? {
        get {
            let mask = values.count - 1
            var i = slot(key)
            while true {
                let v = values[i]
                if v < 0 { return nil }
                if keys[i] == key { return v }
                i = (i + 1) & mask
            }
        }
        set {
            guard let value = newValue else { preconditionFailure("HashIndex does not remove keys") }
            precondition(value >= 0, "HashIndex values are positions (≥ 0)")
            if 2 * (count + 1) > values.count { grow() }
            let mask = values.count - 1
            var i = slot(key)
            while values[i] >= 0 && keys[i] != key { i = (i + 1) & mask }
            if values[i] < 0 { count += 1 }
            keys[i] = key
            values[i] = value
        }
    }

    private mutating func grow() {
        var bigger = HashIndex(minimumCapacity: values.count)
        for i in 0..<values.count where values[i] >= 0 { bigger[keys[i]] = values[i] }
        self = bigger
    }
}

/// A set of 64-bit record keys (the `replaced` counts of ingest), on `HashIndex`.
public struct KeySet: Sendable {
    private var index: HashIndex

    public init() { index = HashIndex() }

    public init(_ keys: [UInt64]) {
        index = HashIndex(minimumCapacity: keys.count)
        for k in keys { _ = insert(k) }
    }

    public var count: Int { index.count }

    public func contains(_ k: UInt64) -> Bool { index[k] != nil }

    /// Adds the key; false if it was already there.
    @discardableResult
    public mutating func insert(_ k: UInt64) -> Bool {
        if index[k] != nil { return false }
        index[k] = 0
        return true
    }
}
