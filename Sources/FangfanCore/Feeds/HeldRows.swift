/// Valid rows kept until the whole file has been read (roster conflicts need every row; verification
/// findings go to the ledger together), packed into one buffer: a provincial roster of millions of people
/// costs its bytes plus a few integers a row, not several small arrays each.
struct HeldRows {
    let fieldCount: Int
    private(set) var bytes: [UInt8] = []
    /// End offset of every field of every row.
    private(set) var ends: [Int] = []
    private(set) var lines: [Int] = []
    /// Raw values that differ from their normal form (quarantine lines show the value as sent), only for rows that have any.
    private(set) var rawDiffs: [Int: [Int: String]] = [:]

    init(fieldCount: Int) { self.fieldCount = fieldCount }

    var count: Int { lines.count }

    mutating func append(line: Int, row: NormalizedRow, raw: (Int) -> ArraySlice<UInt8>?) {
        let k = lines.count
        lines.append(line)
        var differing: [Int: String] = [:]
        for f in 0..<fieldCount {
            bytes.append(contentsOf: row[f])
            ends.append(bytes.count)
            let r = raw(f) ?? []
            if !r.elementsEqual(row[f]) { differing[f] = String(decoding: r, as: UTF8.self) }
        }
        if !differing.isEmpty { rawDiffs[k] = differing }
    }

    func field(_ i: Int, _ f: Int) -> ArraySlice<UInt8> {
        let e = i * fieldCount + f
        let start = e == 0 ? 0 : ends[e - 1]
        return bytes[start..<ends[e]]
    }

    func string(_ i: Int, _ f: Int) -> String { String(decoding: field(i, f), as: UTF8.self) }

    /// The value as sent in the file.
    func raw(_ i: Int, _ f: Int) -> String { rawDiffs[i]?[f] ?? string(i, f) }

    /// Row i as a NormalizedRow (reusing `row`'s storage).
    func load(_ i: Int, into row: inout NormalizedRow) {
        row.reset(fieldCount: fieldCount)
        for f in 0..<fieldCount { row.append(field(i, f)) }
    }
}
