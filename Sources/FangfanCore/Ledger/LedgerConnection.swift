/// What the ledger's queries run on, for both backends: one connection inside one transaction
/// (`Ledger.write` / `Ledger.read`). SQLite is GRDB's `Database`; PostgreSQL is `PGConnection` (libpq).
///
/// The SQL is written once, with `?` placeholders (PostgreSQL's connection numbers them `$1`, `$2`, …), in
/// what both dialects share; where they differ (an upsert's `min`/`LEAST`, `INSERT OR IGNORE`), the caller asks
/// `dialect`. Values travel as text, integers or NULL; rows come back as text (`LedgerRow`).
protocol LedgerConnection {
    var dialect: LedgerDialect { get }
    /// Runs a statement that gives no row.
    func execute(_ sql: String, _ arguments: [LedgerValue]) throws
    /// Runs a query; every row, as text.
    func rows(_ sql: String, _ arguments: [LedgerValue]) throws -> [LedgerRow]
    /// Runs a query and hands each row to `body` as it is read: the rows are never all held (SQLite; PostgreSQL's
    /// result arrives whole, and only its rows as text are made one at a time).
    func eachRow(_ sql: String, _ arguments: [LedgerValue], _ body: (LedgerRow) throws -> Void) throws
    /// Rows for one INSERT (`head` up to VALUES, `tail` an upsert clause or ""), written in bulk.
    func makeBatch(head: String, width: Int, tail: String) throws -> any LedgerRowBatch
}

extension LedgerConnection {
    func execute(_ sql: String) throws { try execute(sql, []) }
    func rows(_ sql: String) throws -> [LedgerRow] { try rows(sql, []) }

    /// The first row, or nil.
    func row(_ sql: String, _ arguments: [LedgerValue] = []) throws -> LedgerRow? { try rows(sql, arguments).first }

    /// The first column of the first row (nil when there is no row or the value is NULL).
    func text(_ sql: String, _ arguments: [LedgerValue] = []) throws -> String? { try row(sql, arguments)?.optional(0) }

    /// The first column of every row.
    func texts(_ sql: String, _ arguments: [LedgerValue] = []) throws -> [String] {
        try rows(sql, arguments).compactMap { $0.optional(0) }
    }
}

/// The two SQL dialects the ledger speaks.
enum LedgerDialect: Sendable {
    case sqlite
    case postgres
}

/// A value bound to a `?` of a ledger statement.
enum LedgerValue: Sendable, Equatable {
    case text(String)
    case int(Int64)
    case null

    init(_ s: String?) { self = s.map { .text($0) } ?? .null }
    init(_ i: Int) { self = .int(Int64(i)) }
    init(_ i: Int64) { self = .int(i) }
    /// A Bool as the ledger stores it: integer 0 or 1.
    init(_ b: Bool) { self = .int(b ? 1 : 0) }
}

extension LedgerValue: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { self = .text(value) }
}

/// One row of a ledger query, every value as text (NULL as nil), with its column names.
struct LedgerRow {
    let columns: [String]
    let values: [String?]

    /// Column `i` (0-based): nil for NULL.
    func optional(_ i: Int) -> String? { values[i] }
    /// Column `i` as text ("" for NULL).
    func text(_ i: Int) -> String { values[i] ?? "" }
    /// Column `i` as an integer (0 for NULL).
    func int(_ i: Int) -> Int { values[i].flatMap { Int($0) } ?? 0 }
    /// Column `i` as a Bool stored 0 or 1.
    func bool(_ i: Int) -> Bool { int(i) != 0 }

    /// The column named `name`: nil for NULL or no such column.
    subscript(_ name: String) -> String? {
        guard let i = columns.firstIndex(of: name) else { return nil }
        return values[i]
    }
}

/// Rows for one INSERT, written in bulk: SQLite's `LedgerBatch` (multi-row statements), PostgreSQL's `PGBatch`
/// (COPY, or multi-row statements where the INSERT has an upsert clause). A buffered row is read by nothing
/// before `flush()`.
protocol LedgerRowBatch: AnyObject {
    /// Rows buffered.
    var rows: Int { get }
    /// Rows buffered at most before they are written.
    var rowsPerStatement: Int { get }
    func add(_ value: String)
    func add(_ value: String?)
    func add(_ value: Bool)
    /// Ends the row whose values were just added; writes the buffer when it is full.
    func endRow() throws
    func flush() throws
}
