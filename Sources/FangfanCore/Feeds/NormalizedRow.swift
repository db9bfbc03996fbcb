/// The normalised values of one accepted row, in the feed's canonical field order, as bytes: the
/// values joined by commas, so that a row whose values need no quoting (nearly all) is already its
/// staged CSV line.
public struct NormalizedRow {
    /// The joined values: `storage[0..<used]` (the array is kept at its capacity and written in place,
    /// which spares the generic append's checks on every field of every row).
    private var storage: [UInt8] = []
    private var used = 0
    private var ends: [Int] = []
    /// A value holds a comma, quote or line break: the row must be written field by field, quoted.
    public private(set) var needsQuoting = false

    public init() {}

    /// The values joined by commas.
    public var bytes: ArraySlice<UInt8> { storage[0..<used] }

    public mutating func reset() {
        used = 0
        ends.removeAll(keepingCapacity: true)
        needsQuoting = false
    }

    /// Becomes the row a validator drafted (`RowDraft`): its bytes and value ends copied in one piece each.
    mutating func take(_ draft: RowDraft) {
        let n = draft.used
        if storage.count < n { storage.append(contentsOf: repeatElement(0, count: max(n, 2 * storage.count, 256) - storage.count)) }
        if n > 0 { storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: draft.bytes, count: n) } }
        used = n
        ends.removeAll(keepingCapacity: true)
        ends.append(contentsOf: UnsafeBufferPointer(start: draft.ends, count: draft.count))
        needsQuoting = draft.needsQuoting
    }

    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        if value.withContiguousStorageIfAvailable({ append(bytesOf: $0) }) == nil {
            Array(value).withUnsafeBufferPointer { append(bytesOf: $0) }
        }
    }

    public mutating func append(_ value: String) { append(value.utf8) }

    /// The common case (a field's bytes as read): copied and checked for quoting in one pass over memory.
    public mutating func append(_ value: ArraySlice<UInt8>) {
        value.withUnsafeBufferPointer { append(bytesOf: $0) }
    }

    /// A value whose form was checked (an ID, a date, an amount, a listed choice): it cannot hold a comma,
    /// quote or line break, and is not scanned for them.
    public mutating func append(checked value: ArraySlice<UInt8>) {
        value.withUnsafeBufferPointer { append(bytesOf: $0, scan: false) }
    }

    /// A field's bytes in place (`RawField`): copied and checked for quoting.
    public mutating func append(_ value: UnsafeBufferPointer<UInt8>) {
        append(bytesOf: value)
    }

    /// A checked value in place (see `append(checked:)` above).
    public mutating func append(checked value: UnsafeBufferPointer<UInt8>) {
        append(bytesOf: value, scan: false)
    }

    public mutating func append(checked value: [UInt8]) {
        value.withUnsafeBufferPointer { append(bytesOf: $0, scan: false) }
    }

    public mutating func append(_ value: [UInt8]) {
        value.withUnsafeBufferPointer { append(bytesOf: $0) }
    }

    private mutating func append(bytesOf value: UnsafeBufferPointer<UInt8>, scan: Bool = true) {
        let comma = !ends.isEmpty
        let n = value.count
        let need = used + n + 1
        if storage.count < need { storage.append(contentsOf: repeatElement(0, count: max(need, 2 * storage.count, 256) - storage.count)) }
        let at = used + (comma ? 1 : 0)
        storage.withUnsafeMutableBufferPointer { s in
            if comma { s[at - 1] = 0x2C }
            if n > 0 { (s.baseAddress! + at).update(from: value.baseAddress!, count: n) }
        }
        used = at + n
        ends.append(used)
        if scan && !needsQuoting { needsQuoting = CSVOut.hasSpecial(value) }
    }

    public var count: Int { ends.count }

    public subscript(i: Int) -> ArraySlice<UInt8> { storage[range(i)] }

    /// Where value i starts: after the comma that ends value i - 1.
    @inline(__always) private func start(_ i: Int) -> Int { i == 0 ? 0 : ends[i - 1] + 1 }

    /// Calls `body` with the joined values in place (value i at `range(i)`).
    func withJoinedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Appends the row as a staged CSV line (what `CSVOut.appendRow` writes). `mutating` though it changes nothing:
    /// a row loop's row, captured by its closure, is then used in place, where passing it to a function copied it
    /// and retained and released its three arrays for every row.
    @inline(__always)
    mutating func appendLine(to out: inout [UInt8]) {
        if needsQuoting {
            // field by field, as `CSVOut.appendRow` writes it, each value in place (no slice of it to count)
            let count = ends.count
            withJoinedBytes { b in CSVOut.appendFields(&out, count: count) { UnsafeBufferPointer(rebasing: b[range($0)]) } }
            return
        }
        let n = used
        storage.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<n])) }
        out.append(0x0A)
    }

    /// Where value i lies in `bytes`.
    func range(_ i: Int) -> Range<Int> { start(i)..<ends[i] }

    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    public func isBlank(_ i: Int) -> Bool { start(i) == ends[i] }
}

/// The record key of FEEDS.md as a 64-bit FNV-1a hash of the key fields' normal forms. Ingest writes it
/// beside each staged file (for `replaced`), and link reads those keys back to find each record's last
/// version, so both must hash the same bytes the same way: `RecordKeyHasher` is the one hash they use.
@inline(__always)
public func recordKeyHash(_ fields: [Int], _ value: (Int) -> ArraySlice<UInt8>) -> UInt64 {
    var h = RecordKeyHasher()
    for f in fields { value(f).withUnsafeBufferPointer { h.add(field: $0) } }
    return h.value
}

/// `recordKeyHash` of a record's fields in place (a staged record as link reads it).
func recordKeyHash<R: RecordAccess>(_ fields: [Int], _ r: R) -> UInt64 {
    var h = RecordKeyHasher()
    for f in fields {
        let v = r[f]
        if v.withContiguousStorageIfAvailable({ h.add(field: $0) }) == nil { Array(v).withUnsafeBufferPointer { h.add(field: $0) } }
    }
    return h.value
}

/// FNV-1a over the key fields' bytes, each field followed by 0x1F (`recordKeyHash`, `NormalizedRow.recordKey`).
public struct RecordKeyHasher {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    @inline(__always)
    public mutating func add(field: UnsafeBufferPointer<UInt8>) {
        var h = value
        for b in field { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        value = (h ^ 0x1F) &* 0x100_0000_01b3
    }
}

extension NormalizedRow {
    /// The row's record key (`recordKeyHash` of its values `fields`), hashed in place. `mutating` though it
    /// changes nothing, as `appendLine`: a row loop's row is hashed where it lies, not copied with its arrays.
    @inline(__always)
    mutating func recordKey(_ fields: [Int]) -> UInt64 {
        withJoinedBytes { b in
            var h = RecordKeyHasher()
            for f in fields { h.add(field: UnsafeBufferPointer(rebasing: b[range(f)])) }
            return h.value
        }
    }
}
