/// A fixed set of small integers (record ordinals), a bit each.
public struct Bitset: Sendable {
    private var words: [UInt64]

    public init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

    public mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }

    public func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
}
