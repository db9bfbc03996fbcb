/// A row while `RowValidator` normalises it: its values joined by commas (`NormalizedRow`'s layout), where each
/// value ends, and its amounts, written in memory the validator owns and lends for one row. Nothing here is
/// reference counted or checked for uniqueness per value, as appending to a `NormalizedRow`'s arrays was (twice
/// a field, millions of rows); the finished row is copied into the caller's `NormalizedRow` once
/// (`NormalizedRow.take`).
struct RowDraft {
    /// The joined values: `bytes[0..<used]`. Grown by `append` (the validator keeps the larger block).
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var used = 0
    /// Where value k ends in `bytes`, for the `count` values appended.
    let ends: UnsafeMutablePointer<Int>
    private(set) var count = 0
    /// Parsed amounts in fen by field (nil where the field is not an amount or is blank and not counted).
    let amounts: UnsafeMutablePointer<Int64?>
    let fieldCount: Int
    /// A value holds a comma, quote or line break: the row must be written field by field, quoted.
    private(set) var needsQuoting = false

    /// A draft of a row of `fieldCount` values in the memory given (`ends` and `amounts` hold `fieldCount`);
    /// its amounts are cleared.
    init(
        bytes: UnsafeMutablePointer<UInt8>, capacity: Int, ends: UnsafeMutablePointer<Int>, amounts: UnsafeMutablePointer<Int64?>,
        fieldCount: Int
    ) {
        (self.bytes, self.capacity, self.ends, self.amounts, self.fieldCount) = (bytes, capacity, ends, amounts, fieldCount)
        amounts.update(repeating: nil, count: fieldCount)
    }

    /// A checked value (an ID, a date, an amount, a listed choice, text without a comma, quote or line break):
    /// copied, not scanned for quoting.
    @inline(__always)
    mutating func append(checked value: UnsafeBufferPointer<UInt8>) {
        precondition(count < fieldCount, "a row has one value per field")
        let n = value.count
        let at = count == 0 ? 0 : used + 1
        if at + n > capacity { grow(to: at + n) }
        if count > 0 { bytes[used] = 0x2C }
        if n > 0 { (bytes + at).update(from: value.baseAddress!, count: n) }
        used = at + n
        ends[count] = used
        count += 1
    }

    /// A value as it is: copied, and scanned for what makes it quoted.
    mutating func append(_ value: UnsafeBufferPointer<UInt8>) {
        append(checked: value)
        if !needsQuoting { needsQuoting = CSVOut.hasSpecial(value) }
    }

    mutating func append(checked value: [UInt8]) { value.withUnsafeBufferPointer { append(checked: $0) } }
    mutating func append(_ value: [UInt8]) { value.withUnsafeBufferPointer { append($0) } }
    mutating func append(_ value: ArraySlice<UInt8>) { value.withUnsafeBufferPointer { append($0) } }
    mutating func append(_ value: String.UTF8View) {
        if value.withContiguousStorageIfAvailable({ append($0) }) == nil { append(Array(value)) }
    }

    /// Value i (appended already) in place, valid while the draft is.
    func value(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = i == 0 ? 0 : ends[i - 1] + 1
        return UnsafeBufferPointer(start: bytes + start, count: ends[i] - start)
    }

    func isBlank(_ i: Int) -> Bool { value(i).isEmpty }

    /// A larger block for the bytes (the old one's bytes copied and let go of).
    private mutating func grow(to need: Int) {
        let larger = max(need, 2 * capacity, 256)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        fresh.update(from: bytes, count: used)
        bytes.deallocate()
        (bytes, capacity) = (fresh, larger)
    }
}
