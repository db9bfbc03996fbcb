import CFangfanPQ

/// Rows for one INSERT into the shared ledger: PostgreSQL's bulk path, `COPY … FROM STDIN` in COPY's text
/// format, up to 50,000 rows at a time, inside the caller's transaction, rows in the order they were added.
///
/// A plain INSERT (no `tail`: a province month's alerts and evaluations) is a COPY into its table. An INSERT
/// with an upsert clause (`ON CONFLICT …`, which COPY has not: cases, alert ids, history) is a COPY into a
/// temporary table of the same columns (`fangfan_stage_<table>`, the session's own), then one
/// `INSERT … SELECT … ORDER BY` the rows' order with the clause: multi-row INSERTs of the same rows took four
/// times as long (docs/decisions.md, issue #21).
final class PGBatch: LedgerRowBatch {
    private let connection: PGConnection
    private let width: Int
    private let copySQL: String
    /// For an upsert: the temporary table's creation (if missing: a rolled-back transaction takes it along),
    /// its emptying, and the INSERT … SELECT from it.
    private let staged: (create: String, clear: String, insert: String)?
    let rowsPerStatement = 50_000
    private(set) var rows = 0
    /// The buffered rows in COPY's text format.
    private var bytes: [UInt8] = []
    private var column = 0

    /// `head` is `INSERT INTO <table> (<columns>)`; `tail` an upsert clause or "".
    init(_ connection: PGConnection, head: String, width: Int, tail: String) {
        precondition(width > 0)
        self.connection = connection
        self.width = width
        let h = head.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = h.hasPrefix("INSERT INTO ") ? h.dropFirst("INSERT INTO ".count).split(separator: "(", maxSplits: 1) : []
        precondition(parts.count == 2, "a ledger batch's head is INSERT INTO <table> (<columns>)")
        let table = parts[0].trimmingCharacters(in: .whitespaces)
        let columns = parts[1].split(separator: ")").first.map(String.init) ?? ""
        if tail.isEmpty {
            copySQL = "COPY \(table) (\(columns)) FROM STDIN"
            staged = nil
        } else {
            let stage = "fangfan_stage_\(table)"
            copySQL = "COPY \(stage) (\(columns)) FROM STDIN"
            staged = (
                create: """
                CREATE TEMP TABLE IF NOT EXISTS \(stage) AS SELECT \(columns) FROM \(table) WITH NO DATA;
                ALTER TABLE \(stage) ADD COLUMN IF NOT EXISTS fangfan_row BIGSERIAL
                """,
                clear: "TRUNCATE \(stage)",
                insert: "INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM \(stage) ORDER BY fangfan_row" + tail
            )
        }
        bytes.reserveCapacity(1 << 20)
    }

    func add(_ value: String) {
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
            separate()
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
            return
        }
        add(value)
    }

    /// A Bool as the ledger stores it: integer 0 or 1.
    func add(_ value: Bool) {
        separate()
        bytes.append(value ? UInt8(ascii: "1") : UInt8(ascii: "0"))
    }

    private func separate() {
        if column > 0 { bytes.append(UInt8(ascii: "\t")) }
        column += 1
    }

    func endRow() throws {
        precondition(column == width, "a ledger batch row has the wrong number of values")
        bytes.append(UInt8(ascii: "\n"))
        column = 0
        rows += 1
        if rows == rowsPerStatement { try flush() }
    }

    func flush() throws {
        guard rows > 0 else { return }
        if let staged {
            PQclear(try connection.run(staged.create, []))
            PQclear(try connection.run(staged.clear, []))
        }
        try connection.copy(copySQL, bytes)
        if let staged { PQclear(try connection.run(staged.insert, [])) }
        bytes.removeAll(keepingCapacity: true)
        rows = 0
    }
}
