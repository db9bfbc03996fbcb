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
    /// Parsed amounts in fen, by field index (nil where the field is not an amount).
    public var amounts: [Int64?] = []

    public init() {}

    /// The values joined by commas.
    public var bytes: ArraySlice<UInt8> { storage[0..<used] }

    public mutating func reset(fieldCount: Int) {
        used = 0
        ends.removeAll(keepingCapacity: true)
        needsQuoting = false
        if amounts.count != fieldCount { amounts = Array(repeating: nil, count: fieldCount) }
        for i in 0..<amounts.count { amounts[i] = nil }
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

    /// Where value i lies in `bytes`.
    func range(_ i: Int) -> Range<Int> { start(i)..<ends[i] }

    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    public func isBlank(_ i: Int) -> Bool { start(i) == ends[i] }
}

/// Writes CSV fields as RFC 4180 with quotes only where needed, into a byte buffer.
public enum CSVOut {
    /// Whether the bytes hold a comma, quote, CR or LF (which make a CSV field quoted): eight bytes at a time.
    @usableFromInline
    static func hasSpecial(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func zeroByte(_ x: UInt64) -> UInt64 { (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 }
        let n = b.count
        var i = 0
        if let base = b.baseAddress {
            while i + 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if zeroByte(w ^ 0x2C2C_2C2C_2C2C_2C2C) | zeroByte(w ^ 0x2222_2222_2222_2222)
                    | zeroByte(w ^ 0x0A0A_0A0A_0A0A_0A0A) | zeroByte(w ^ 0x0D0D_0D0D_0D0D_0D0D) != 0 { return true }
                i += 8
            }
        }
        while i < n {
            let c = b[i]
            if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { return true }
            i += 1
        }
        return false
    }

    @inlinable
    public static func appendField<C: Collection>(_ out: inout [UInt8], _ value: C) where C.Element == UInt8 {
        // bytes in contiguous memory (arrays, slices, native strings): scanned a word at a time, copied whole
        let copied = value.withContiguousStorageIfAvailable { u -> Bool in
            if hasSpecial(u) { return false }
            out.append(contentsOf: u)
            return true
        }
        if copied == true { return }
        var needs = false
        for b in value where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needs = true; break }
        if !needs { out.append(contentsOf: value); return }
        out.append(0x22)
        for b in value {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }

    public static func appendRow(_ out: inout [UInt8], _ row: NormalizedRow) {
        appendJoinedRow(&out, row.bytes, needsQuoting: row.needsQuoting, count: row.count) { row[$0] }
    }

    /// A row kept with its values comma-joined (NormalizedRow's layout, also held rows'): copied whole when
    /// no value needs quoting, else written field by field.
    static func appendJoinedRow(_ out: inout [UInt8], _ joined: ArraySlice<UInt8>, needsQuoting: Bool, count: Int,
                                field: (Int) -> ArraySlice<UInt8>) {
        if !needsQuoting {
            out.append(contentsOf: joined)
            out.append(0x0A)
            return
        }
        for i in 0..<count {
            if i > 0 { out.append(0x2C) }
            appendField(&out, field(i))
        }
        out.append(0x0A)
    }

    public static func appendRow(_ out: inout [UInt8], _ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendField(&out, f.utf8)
        }
        out.append(0x0A)
    }

    /// Text for a spreadsheet user: a cell starting with = + - @ tab or CR is prefixed with `'`
    /// so no spreadsheet turns it into a formula (INTERFACE.md). (All six are ASCII: the first byte decides.)
    public static func inert(_ s: String) -> String {
        switch s.utf8.first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return "'" + s
        default: return s
        }
    }
}

/// The record key of FEEDS.md as a 64-bit FNV-1a hash of the key fields' normal forms. Ingest writes it
/// beside each staged file (for `replaced`), and link reads those keys back to find each record's last
/// version, so both must hash the same bytes the same way: this is the one function that does.
@inline(__always)
public func recordKeyHash(_ fields: [Int], _ value: (Int) -> ArraySlice<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for f in fields {
        for b in value(f) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = (h ^ 0x1F) &* 0x100_0000_01b3
    }
    return h
}
