#if canImport(Glibc)
import Glibc
#endif

/// Valid rows kept until the whole file has been read (verification findings and review decisions go to the
/// ledger together; a roster's conflicted households, on its second pass), packed into one buffer: millions
/// of rows cost their bytes plus a few integers a row, not several small arrays each.
struct HeldRows {
    let fieldCount: Int
    /// The rows' comma-joined values (NormalizedRow's layout), one after another.
    private(set) var bytes: [UInt8] = []
    /// End of every field of every row, from the row's start (a field starts one byte after the end of the
    /// one before: NormalizedRow's comma-joined layout). 32 bits: a row is far below the record-size limit.
    private var ends: [UInt32] = []
    /// End offset of every row, and whether it has a value that must be quoted in CSV.
    private var rowEnds: [Int] = []
    private var quoted: [Bool] = []
    private(set) var lines: [Int] = []
    /// Raw values that differ from their normal form (quarantine lines show the value as sent), only for rows that have any.
    private(set) var rawDiffs: [Int: [Int: String]] = [:]

    init(fieldCount: Int) { self.fieldCount = fieldCount }

    /// Room for a file of `fileBytes` (rows grow the buffers by doubling otherwise: copies and page faults).
    mutating func reserve(fileBytes: Int) {
        bytes.reserveCapacity(fileBytes)
        let rows = fileBytes / 64
        ends.reserveCapacity(rows * fieldCount)
        rowEnds.reserveCapacity(rows)
        quoted.reserveCapacity(rows)
        lines.reserveCapacity(rows)
    }

    var count: Int { lines.count }

    mutating func append(line: Int, row: NormalizedRow, raw: (Int) -> RawField?) {
        let k = lines.count
        lines.append(line)
        bytes.append(contentsOf: row.bytes)
        var differing: [Int: String] = [:]
        row.withJoinedBytes { joined in
            for f in 0..<fieldCount {
                let range = row.range(f)
                ends.append(UInt32(range.upperBound))
                let r = raw(f) ?? RawField(start: nil, count: 0)
                if !sameBytes(r, RawField(rebasing: joined[range])) { differing[f] = String(decoding: r, as: UTF8.self) }
            }
        }
        rowEnds.append(bytes.count)
        quoted.append(row.needsQuoting)
        if !differing.isEmpty { rawDiffs[k] = differing }
    }

    func field(_ i: Int, _ f: Int) -> ArraySlice<UInt8> {
        let e = i * fieldCount + f
        let row = i == 0 ? 0 : rowEnds[i - 1]
        return bytes[(f == 0 ? row : row + Int(ends[e - 1]) + 1)..<(row + Int(ends[e]))]
    }

    func string(_ i: Int, _ f: Int) -> String { String(decoding: field(i, f), as: UTF8.self) }

    /// The value as sent in the file.
    func raw(_ i: Int, _ f: Int) -> String { rawDiffs[i]?[f] ?? string(i, f) }

    /// Row i as its staged CSV line (what `CSVOut.appendRow` writes for it), without a NormalizedRow.
    func appendCSVLine(_ i: Int, to out: inout [UInt8]) {
        CSVOut.appendJoinedRow(
            &out, bytes[(i == 0 ? 0 : rowEnds[i - 1])..<rowEnds[i]], needsQuoting: quoted[i],
            count: fieldCount
        ) { field(i, $0) }
    }

    /// Row i as a NormalizedRow (reusing `row`'s storage).
    func load(_ i: Int, into row: inout NormalizedRow) {
        row.reset()
        for f in 0..<fieldCount { row.append(field(i, f)) }
    }
}

/// Byte-for-byte equality, compared as memory.
@inline(__always)
func sameBytes(_ a: RawField, _ b: RawField) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
}

/// Byte-for-byte equality, compared as memory.
@inline(__always)
func sameBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBufferPointer { p in
        b.withUnsafeBufferPointer { q in p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 }
    }
}
