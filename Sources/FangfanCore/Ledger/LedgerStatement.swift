import GRDB
import GRDBSQLite

// The SQLite C API under recordMonth's per-alert loop. Building GRDB `StatementArguments` for every row
// (an array of existentials, converted to `DatabaseValue`s and bound through nested closures) and running
// one statement per row cost more than SQLite's own work on the rows, so the loop binds values itself and
// inserts its rows in batches. It does so on statements it owns (`OwnedStatement`: prepared with
// `sqlite3_prepare_v2` on the connection GRDB hands out as `Database.sqliteConnection`, stepped and
// finalized here), never through a GRDB `Statement`'s internals: GRDB runs the transaction around them
// (`dbQueue.write`) and sees only its own statements. The statements are private to one write.
//
// Text is bound as GRDB binds a `String`: a C string, ending at the first NUL.

/// A prepared statement this code owns: finalized when it goes.
final class OwnedStatement {
    let handle: OpaquePointer
    let sql: String
    private let connection: OpaquePointer

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "closed") }
        self.connection = connection
        self.sql = sql
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    /// One step: true when it gave a row, false when it is done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw error(code)
        }
    }

    /// Runs a statement that gives no row.
    func execute() throws {
        while try step() {}
    }

    func error(_ code: CInt) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}

/// Rows for one INSERT, written several to a statement (`INSERT … VALUES (…), (…), …`).
///
/// Rows are buffered until the batch is full or `flush()` is called: the caller flushes before anything
/// reads what a buffered row writes (and before the transaction ends). Rows are inserted in the order they
/// were added, so rowids (and AUTOINCREMENT ids) are those that one statement per row would give. Text is
/// kept as C strings in one buffer and bound without a copy (`SQLITE_STATIC`) while the statement runs.
final class LedgerBatch: LedgerRowBatch {
    private let db: Database
    private let head: String
    private let tail: String
    private let width: Int
    /// Rows a statement takes at most.
    let rowsPerStatement: Int
    /// Statements by number of rows: `rowsPerStatement` and the powers of two below it.
    private var statements: [Int: OwnedStatement] = [:]

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
        let statement: OwnedStatement
        if let known = statements[count] {
            statement = known
        } else {
            let row = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
            statement = try OwnedStatement(
                db, sql: head + " VALUES " + Array(repeating: row, count: count).joined(separator: ", ") + tail)
            statements[count] = statement
        }
        let handle = statement.handle
        sqlite3_reset(handle)  // a statement that has run takes no binding before a reset (its step's result was checked)
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
                if code != SQLITE_OK { throw statement.error(code) }
            }
            defer { sqlite3_reset(handle) }  // done with the buffer's text before it goes
            try statement.execute()
        }
    }
}

/// A query prepared once for the loop (`fetchFirst` runs it with the values bound by `bind`).
struct LedgerStatement {
    let statement: OwnedStatement
    private var handle: OpaquePointer { statement.handle }

    init(_ db: Database, sql: String) throws {
        statement = try OwnedStatement(db, sql: sql)
    }

    /// Makes the statement ready for new bindings (a statement that has run must be reset first).
    @inline(__always)
    func reset() {
        sqlite3_reset(handle)  // the result of the last step was checked
    }

    /// Binds parameter `index` (1-based); SQLite copies the text.
    @inline(__always)
    func bind(_ value: String, _ index: CInt) throws {
        let code = value.withCString { sqlite3_bind_text(handle, index, $0, -1, ledgerSQLiteTransient) }
        if code != SQLITE_OK { throw statement.error(code) }
    }

    /// Runs the query with the current bindings; `body` reads its first row, if any, through `text` /
    /// `optionalText` (a GRDB `Row` would cost more than the columns read here).
    func fetchFirst<T>(_ body: (LedgerStatement) throws -> T) throws -> T? {
        guard try statement.step() else { return nil }
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

/// `SQLITE_TRANSIENT`: SQLite copies the bound value.
private let ledgerSQLiteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
