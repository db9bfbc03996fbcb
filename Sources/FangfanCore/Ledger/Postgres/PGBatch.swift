import CFangfanPQ

/// Rows for one INSERT into the shared ledger: PostgreSQL's bulk path.
///
/// A plain INSERT (no `tail`) is written with `COPY … FROM STDIN` in COPY's text format, up to 50,000 rows a
/// COPY (a province month's alerts and evaluations); an INSERT with an upsert clause (`ON CONFLICT …`, which
/// COPY has not) as multi-row statements of up to 1,000 rows. Either way inside the caller's transaction, rows
/// in the order they were added.
final class PGBatch: LedgerRowBatch {
    private let connection: PGConnection
    private let head: String
    private let tail: String
    private let width: Int
    private let copySQL: String?
    let rowsPerStatement: Int
    private(set) var rows = 0
    /// COPY: the rows' text; else the values.
    private var bytes: [UInt8] = []
    private var values: [LedgerValue] = []
    private var column = 0

    init(_ connection: PGConnection, head: String, width: Int, tail: String) {
        precondition(width > 0)
        self.connection = connection
        self.head = head
        self.tail = tail
        self.width = width
        let h = head.trimmingCharacters(in: .whitespacesAndNewlines)
        if tail.isEmpty && h.hasPrefix("INSERT INTO ") {
            copySQL = "COPY " + h.dropFirst("INSERT INTO ".count) + " FROM STDIN"
            rowsPerStatement = 50_000
            bytes.reserveCapacity(1 << 20)
        } else {
            copySQL = nil
            rowsPerStatement = max(1, min(1000, 65_535 / width))
        }
    }

    func add(_ value: String) {
        guard copySQL != nil else { return values.append(.text(value)) }
        separate()
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            default: bytes.append(b)
            }
        }
    }

    func add(_ value: String?) {
        guard let value else {
            guard copySQL != nil else { return values.append(.null) }
            separate()
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
            return
        }
        add(value)
    }

    func add(_ value: Bool) {
        guard copySQL != nil else { return values.append(LedgerValue(value)) }
        separate()
        bytes.append(value ? UInt8(ascii: "1") : UInt8(ascii: "0"))
    }

    private func separate() {
        if column > 0 { bytes.append(UInt8(ascii: "\t")) }
        column += 1
    }

    func endRow() throws {
        rows += 1
        if copySQL != nil {
            precondition(column == width, "a ledger batch row has the wrong number of values")
            bytes.append(UInt8(ascii: "\n"))
            column = 0
        } else {
            precondition(values.count == rows * width, "a ledger batch row has the wrong number of values")
        }
        if rows == rowsPerStatement { try flush() }
    }

    func flush() throws {
        guard rows > 0 else { return }
        if let copySQL {
            try connection.copy(copySQL, bytes)
            bytes.removeAll(keepingCapacity: true)
        } else {
            var sql = head + " VALUES "
            var n = 0
            for r in 0..<rows {
                sql += r == 0 ? "(" : ", ("
                for c in 0..<width {
                    n += 1
                    sql += c == 0 ? "$\(n)" : ", $\(n)"
                }
                sql += ")"
            }
            PQclear(try connection.run(sql + tail, values))
            values.removeAll(keepingCapacity: true)
        }
        rows = 0
    }
}
