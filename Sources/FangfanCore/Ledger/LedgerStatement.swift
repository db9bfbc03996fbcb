import GRDB
import GRDBSQLite

// The SQLite C API under recordMonth's per-alert loop. Building GRDB `StatementArguments` for every row
// (an array of existentials, converted to `DatabaseValue`s and bound through nested closures) and running
// one statement per row cost more than SQLite's own work on the rows, so the loop binds values itself and
// inserts its rows in batches. GRDB still runs every statement (`execute()`, cursors), keeping its
// bookkeeping of transactions and errors: `setUncheckedArguments([])` marks a statement's (empty) GRDB
// arguments as bound, so that GRDB only resets it before a step, and `sqlite3_reset` keeps the bindings
// made here. The statements are private to one write (`makeStatement`, not the connection's cache).
//
// Text is bound as GRDB binds a `String`: a C string, ending at the first NUL.

/// Rows for one INSERT, written several to a statement (`INSERT … VALUES (…), (…), …`).
///
/// Rows are buffered until the batch is full or `flush()` is called: the caller flushes before anything
/// reads what a buffered row writes (and before the transaction ends). Rows are inserted in the order they
/// were added, so rowids (and AUTOINCREMENT ids) are those that one statement per row would give. Text is
/// kept as C strings in one buffer and bound without a copy (`SQLITE_STATIC`) while the statement runs.
final class LedgerBatch {
    private let db: Database
    private let head: String
    private let tail: String
    private let width: Int
    /// Rows a statement takes at most.
    let rowsPerStatement: Int
    /// Statements by number of rows: `rowsPerStatement` and the powers of two below it.
    private var statements: [Int: Statement] = [:]

    private enum Value {
        case text(offset: Int)
        case null
        case int(Int64)
    }
    private var bytes: [UInt8] = []
    private var values: [Value] = []
    /// Rows buffered.
    private(set) var rows = 0

    /// `head` is the statement up to `VALUES`, `tail` what follows the rows (an upsert clause, or "").
    /// A statement takes up to 128 rows, fewer if SQLite's limit on parameters says so (999 before 3.32).
    init(_ db: Database, head: String, width: Int, tail: String = "") {
        precondition(width > 0)
        self.db = db
        self.head = head
        self.tail = tail
        self.width = width
        let parameters = Int(sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_VARIABLE_NUMBER, -1))
        rowsPerStatement = max(1, min(128, parameters / width))
        bytes.reserveCapacity(256 * rowsPerStatement)
        values.reserveCapacity(width * rowsPerStatement)
    }

    @inline(__always)
    func add(_ value: String) {
        values.append(.text(offset: bytes.count))
        bytes.append(contentsOf: value.utf8)
        bytes.append(0)
    }

    @inline(__always)
    func add(_ value: String?) {
        if let value { add(value) } else { values.append(.null) }
    }

    /// A Bool as GRDB stores it: integer 0 or 1.
    @inline(__always)
    func add(_ value: Bool) {
        values.append(.int(value ? 1 : 0))
    }

    /// Ends the row whose values were just added; inserts the batch when it is full.
    @inline(__always)
    func endRow() throws {
        rows += 1
        precondition(values.count == rows * width, "a ledger batch row has the wrong number of values")
        if rows == rowsPerStatement { try flush() }
    }

    /// Inserts the buffered rows: full statements, then the rest by powers of two (so that a batch
    /// prepares a handful of statements, whatever the number of rows it is flushed with).
    func flush() throws {
        var done = 0
        while done < rows {
            let left = rows - done
            var n = rowsPerStatement
            if left < n {
                n = 1
                while n * 2 <= left { n *= 2 }
            }
            try insert(rowsFrom: done, count: n)
            done += n
        }
        bytes.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        rows = 0
    }

    private func insert(rowsFrom first: Int, count: Int) throws {
        let statement: Statement
        if let known = statements[count] {
            statement = known
        } else {
            let row = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
            statement = try db.makeStatement(
                sql: head + " VALUES " + Array(repeating: row, count: count).joined(separator: ", ") + tail)
            statement.setUncheckedArguments([])  // bound below, through the C API
            statements[count] = statement
        }
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)  // a statement that has run takes no binding before a reset (GRDB checked its result)
        try bytes.withUnsafeBufferPointer { buffer in
            defer { sqlite3_clear_bindings(handle) }  // no binding outlives the buffer
            let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            for i in 0..<(count * width) {
                let index = CInt(i + 1)
                let code: CInt
                switch values[first * width + i] {
                case .text(let offset): code = sqlite3_bind_text(handle, index, base! + offset, -1, nil)  // SQLITE_STATIC
                case .null: code = sqlite3_bind_null(handle, index)
                case .int(let n): code = sqlite3_bind_int64(handle, index, n)
                }
                if code != SQLITE_OK { throw bindingError(code, statement) }
            }
            try statement.execute()
        }
    }
}

/// A query prepared once for the loop (`fetchFirst` runs it with the values bound by `bind`).
struct LedgerStatement {
    let statement: Statement
    private let handle: OpaquePointer

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        statement.setUncheckedArguments([])  // bound through the C API
        handle = statement.sqliteStatement
    }

    /// Makes the statement ready for new bindings (a statement that has run must be reset first).
    @inline(__always)
    func reset() {
        sqlite3_reset(handle)  // GRDB checked the result of the last step
    }

    /// Binds parameter `index` (1-based); SQLite copies the text.
    @inline(__always)
    func bind(_ value: String, _ index: CInt) throws {
        let code = value.withCString { sqlite3_bind_text(handle, index, $0, -1, ledgerSQLiteTransient) }
        if code != SQLITE_OK { throw bindingError(code, statement) }
    }

    /// Runs the query with the current bindings; `body` reads its first row, if any, through `text` /
    /// `optionalText` (GRDB steps the statement; a `Row` would cost more than the columns read here).
    func fetchFirst<T>(_ body: (LedgerStatement) throws -> T) throws -> T? {
        let cursor = try DatabaseValue.fetchCursor(statement)
        guard try cursor.next() != nil else { return nil }
        return try body(self)
    }

    /// Column `index` (0-based) of the current row as text, as GRDB reads a `String`.
    @inline(__always)
    func text(_ index: CInt) -> String {
        guard let p = sqlite3_column_text(handle, index) else { return "" }
        return String(cString: p)
    }

    /// Column `index` of the current row: nil for NULL, else as `text`.
    @inline(__always)
    func optionalText(_ index: CInt) -> String? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : text(index)
    }
}

private func bindingError(_ code: CInt, _ statement: Statement) -> DatabaseError {
    let handle = statement.sqliteStatement
    return DatabaseError(
        resultCode: ResultCode(rawValue: code),
        message: sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) },
        sql: statement.sql)
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound value.
private let ledgerSQLiteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
