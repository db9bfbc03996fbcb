/// Byte strings kept one after another in one array, with where each ends: millions of short values (a
/// roster's names, evaluations.csv's fields) without an allocation and a String each. Value k is
/// `bytes[ends[k - 1] ..< ends[k]]` (from 0 for the first); the whole stays within 4 GB (32-bit ends).
struct PackedBytes: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [UInt32] = []

    /// How many values.
    var count: Int { ends.count }
    /// How many bytes all the values take.
    var byteCount: Int { bytes.count }

    /// Room for `count` values of `bytes` bytes in all (address space only until used).
    mutating func reserve(count: Int, bytes: Int) {
        ends.reserveCapacity(count)
        self.bytes.reserveCapacity(bytes)
    }

    /// Appends a value (the whole must stay within 4 GB: a caller that can refuse asks `byteCount` first).
    mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        precondition(bytes.count <= Int(UInt32.max), "packed bytes above 4 GB")
        ends.append(UInt32(bytes.count))
    }

    /// Value k's bytes.
    subscript(k: Int) -> ArraySlice<UInt8> { bytes[range(k)] }

    /// Calls `body` with value k's bytes in place.
    func withBytes<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let r = range(k)
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[r])) }
    }

    /// Value k as text (UTF-8).
    func string(_ k: Int) -> String { withBytes(k) { String(decoding: $0, as: UTF8.self) } }

    private func range(_ k: Int) -> Range<Int> { (k == 0 ? 0 : Int(ends[k - 1]))..<Int(ends[k]) }
}
