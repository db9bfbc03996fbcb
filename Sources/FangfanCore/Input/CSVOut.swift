/// Writes CSV fields as RFC 4180 with quotes only where needed, into a byte buffer.
public enum CSVOut {
    /// Whether the bytes hold a comma, quote, CR or LF (which make a CSV field quoted): eight bytes at a time.
    @usableFromInline
    static func hasSpecial(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        var i = 0
        if let base = b.baseAddress {
            while i + 8 <= n {
                if ByteWords.csvSpecial(ByteWords.load(base, i)) != 0 { return true }
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
        if value.withContiguousStorageIfAvailable({ appendField(&out, $0, inert: false) }) != nil { return }
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

    /// A field's bytes as `appendField` writes them, of `inert(value)` when `inert` (the apostrophe put in
    /// place, no String made for it: ' is nothing CSV quotes).
    @usableFromInline
    static func appendField(_ out: inout [UInt8], _ u: UnsafeBufferPointer<UInt8>, inert: Bool) {
        let special = hasSpecial(u)
        if special { out.append(0x22) }
        if inert, let first = u.first, startsFormula(first) { out.append(UInt8(ascii: "'")) }
        if !special {
            out.append(contentsOf: u)
            return
        }
        for b in u {
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
    static func appendJoinedRow(
        _ out: inout [UInt8], _ joined: ArraySlice<UInt8>, needsQuoting: Bool, count: Int,
        field: (Int) -> ArraySlice<UInt8>
    ) {
        if !needsQuoting {
            out.append(contentsOf: joined)
            out.append(0x0A)
            return
        }
        appendFields(&out, count: count, field: field)
    }

    /// A row's `count` values written field by field, each quoted where it needs it, then the line end.
    @inline(__always)
    static func appendFields<Field: Collection>(_ out: inout [UInt8], count: Int, field: (Int) -> Field)
    where Field.Element == UInt8 {
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
        if let first = s.utf8.first, startsFormula(first) { return "'" + s }
        return s
    }

    /// Whether a value beginning with this byte would be read as a formula (`inert` puts an apostrophe before it).
    @inline(__always)
    static func startsFormula(_ first: UInt8) -> Bool {
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
    }
}
