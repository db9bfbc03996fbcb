#if canImport(Glibc)
import Glibc
#endif

/// A set of 64-bit record keys (the `replaced` counts of ingest), on `HashIndex`.
public struct KeySet: Sendable {
    private var index: HashIndex

    public init() { index = HashIndex() }

    /// Room for `minimumCapacity` keys (not rehashed as they come), the table at most `maxLoadQuarters`
    /// quarters full (`HashIndex`).
    public init(minimumCapacity: Int, maxLoadQuarters: Int = 2) {
        index = HashIndex(minimumCapacity: minimumCapacity, maxLoadQuarters: maxLoadQuarters)
    }

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
