import Foundation

/// One row of evaluations.csv: a household with a case or an alert, evaluated this month.
public struct Evaluation: Sendable {
    public static let header = [
        "household_id", "at_or_above_line", "triggered", "has_labour", "town", "village",
        "head_name", "head_id_masked", "size", "prev_income", "income_projected", "rigid",
        "net_per_capita",
    ]
    public var householdId: String
    public var atOrAboveLine: Bool
    public var triggered: Bool
    public var hasLabour: Bool
    /// Where the row's other values are: read from there when asked for (`fields`), which only a few rows
    /// ever are (a province's month has hundreds of thousands of evaluations; thirteen Strings and an array
    /// each were about 150 MB while the ledger recorded them).
    let table: Table
    let row: Int

    /// The rest of the row, by header name (for the list's elimination rows).
    public var fields: [String: String] {
        var f: [String: String] = [:]
        let values = table.values(row)
        for (i, n) in table.names.enumerated() where i < values.count { f[n] = values[i] }
        return f
    }

    /// One value of the row, by header name (nil when the file has no such column): only that value is read
    /// (`overdue.csv` and the notices want a head's name for each of hundreds of thousands of cases).
    public func field(_ name: String) -> String? { table.value(row, name) }

    /// The values of rows read from one file: every field's bytes (unquoted), and where each row's fields begin.
    final class Table: Sendable {
        let names: [String]
        private let fields: PackedBytes
        private let firstField: [UInt32]

        init(names: [String], fields: PackedBytes, firstField: [UInt32]) {
            self.names = names
            self.fields = fields
            self.firstField = firstField
        }

        /// Row `r`'s value in column `name`, or nil.
        func value(_ r: Int, _ name: String) -> String? {
            guard let c = names.firstIndex(of: name), Int(firstField[r]) + c < Int(firstField[r + 1]) else { return nil }
            return fields.string(Int(firstField[r]) + c)
        }

        /// Row `r`'s values, in the file's column order.
        func values(_ r: Int) -> [String] { (Int(firstField[r])..<Int(firstField[r + 1])).map(fields.string) }
    }

    public static func read(_ path: String) throws -> [Evaluation] {
        var st = stat()
        let size = stat(path, &st) == 0 ? Int(st.st_size) : 0
        return try read(source: try FileByteSource(path: path), bytes: size)
    }

    /// The rows of evaluations.csv as detect made them, before they are written.
    public static func read(csv: [UInt8]) throws -> [Evaluation] {
        try read(source: MemoryByteSource(csv), bytes: csv.count)
    }

    /// `bytes`: the file's size, for the table's room (made once, not grown by doubling: a province's table is
    /// tens of MB).
    static func read(source: ByteSource, bytes size: Int) throws -> [Evaluation] {
        let reader = CSVReader(try DecodedSource(source, encoding: .utf8))
        guard let h = try reader.next() else { return [] }
        let names = h.strings
        func column(_ n: String) -> Int { names.firstIndex(of: n) ?? Int.max }
        let (id, above, triggered, labour) = (
            column("household_id"), column("at_or_above_line"), column("triggered"),
            column("has_labour")
        )
        let one: [UInt8] = [0x31]
        var rows: [(id: String, above: Bool, triggered: Bool, labour: Bool)] = []
        var fields = PackedBytes()
        var firstField: [UInt32] = [0]
        // (a row is about 100 bytes of 13 fields; the table's bytes are the file's less its commas and quotes)
        fields.reserve(count: size / 6, bytes: size)
        firstField.reserveCapacity(size / 64)
        rows.reserveCapacity(size / 64)
        while let r = try reader.next() {
            let n = r.count
            // (the fields in place: no slice, and no reference counting, per field of 1.5 million rows)
            try r.withFields { f in
                func flag(_ i: Int) -> Bool { i < n && f.field(i).elementsEqual(one) }
                rows.append((id < n ? String(decoding: f.field(id), as: UTF8.self) : "", flag(above), flag(triggered), flag(labour)))
                for i in 0..<n {
                    let value = f.field(i)
                    guard fields.byteCount + value.count <= UInt32.max else {
                        throw IOFailure(path: "evaluations.csv", message: "larger than 4 GB")
                    }
                    fields.append(value)
                }
            }
            firstField.append(UInt32(fields.count))
        }
        let table = Table(names: names, fields: fields, firstField: firstField)
        return rows.enumerated().map { k, r in
            Evaluation(
                householdId: r.id, atOrAboveLine: r.above, triggered: r.triggered, hasLabour: r.labour, table: table,
                row: k)
        }
    }
}
