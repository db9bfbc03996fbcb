import CFangfanPQ
import Foundation

/// One session with a PostgreSQL server through libpq (PostgreSQL's own C client; docs/decisions.md says why
/// not PostgresNIO): the shared ledger's backend of `LedgerConnection`.
///
/// Synchronous like the rest of the ledger. One session per `Ledger`: its per-county advisory lock lives as
/// long as the session. Calls are serialized (a `Ledger` is `Sendable`; emit records the month on a thread of
/// its own). Messages name the host and database, never the password (`LedgerURL`).
final class PGConnection: LedgerConnection, @unchecked Sendable {
    private let handle: OpaquePointer
    let url: LedgerURL
    private let mutex = NSRecursiveLock()

    var dialect: LedgerDialect { .postgres }

    /// Connects; an unreachable server or a failed login is `LedgerError.unreachable` (exit 74).
    init(_ url: LedgerURL) throws {
        self.url = url
        // the URL's own settings win over these defaults (later keywords override earlier ones)
        let keywords = ["connect_timeout", "application_name", "client_encoding", "dbname"]
        let values = ["10", "fangfan", "UTF8", url.text]
        let c = withCStrings(keywords) { k in withCStrings(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let c else { throw LedgerError.unreachable(target: url.target, reason: "out of memory") }
        guard PQstatus(c) == CONNECTION_OK else {
            let reason = url.scrub(String(cString: PQerrorMessage(c)))
            PQfinish(c)
            throw LedgerError.unreachable(target: url.target, reason: reason)
        }
        handle = c
        // notices (e.g. "table does not exist, skipping") are not the ledger's business
        PQsetNoticeProcessor(c, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// `body` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws), alone on the session.
    func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        mutex.lock()
        defer { mutex.unlock() }
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if let r = PQexec(handle, "ROLLBACK") { PQclear(r) }
            throw error
        }
    }

    /// A statement outside any transaction of `transaction` (the advisory lock, the migrations' own).
    func alone<T>(_ body: (PGConnection) throws -> T) throws -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(self)
    }

    func execute(_ sql: String, _ arguments: [LedgerValue]) throws {
        PQclear(try run(arguments.isEmpty ? sql : Self.numbered(sql), arguments))
    }

    func rows(_ sql: String, _ arguments: [LedgerValue]) throws -> [LedgerRow] {
        var out: [LedgerRow] = []
        try eachRow(sql, arguments) { out.append($0) }
        return out
    }

    func eachRow(_ sql: String, _ arguments: [LedgerValue], _ body: (LedgerRow) throws -> Void) throws {
        let r = try run(arguments.isEmpty ? sql : Self.numbered(sql), arguments)
        defer { PQclear(r) }
        try Self.eachRow(of: r, body)
    }

    func makeBatch(head: String, width: Int, tail: String) throws -> any LedgerRowBatch {
        PGBatch(self, head: head, width: width, tail: tail)
    }

    /// Runs `sql` whose parameters are already `$1`, `$2`, …; the result (tuples or command) or the error.
    func run(_ sql: String, _ arguments: [LedgerValue]) throws -> OpaquePointer {
        let result: OpaquePointer?
        if arguments.isEmpty {
            result = PQexec(handle, sql)  // may hold several statements (the migrations' DDL)
        } else {
            // every value as text, one buffer of C strings
            var bytes: [UInt8] = []
            var offsets: [Int?] = []
            for a in arguments {
                switch a {
                case .null: offsets.append(nil)
                case .text(let s):
                    offsets.append(bytes.count)
                    bytes.append(contentsOf: s.utf8)
                    bytes.append(0)
                case .int(let i):
                    offsets.append(bytes.count)
                    bytes.append(contentsOf: String(i).utf8)
                    bytes.append(0)
                }
            }
            result = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                let pointers: [UnsafePointer<CChar>?] = offsets.map { o in o.map { base! + $0 } }
                return pointers.withUnsafeBufferPointer { p in
                    PQexecParams(handle, sql, Int32(arguments.count), nil, p.baseAddress, nil, nil, 0)
                }
            }
        }
        guard let result else { throw LedgerError.postgres(url.scrub(String(cString: PQerrorMessage(handle)))) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return result
        default:
            let error = error(of: result)
            PQclear(result)
            throw error
        }
    }

    /// `COPY … FROM STDIN` with `data` in COPY's text format.
    func copy(_ sql: String, _ data: [UInt8]) throws {
        guard let start = PQexec(handle, sql) else {
            throw LedgerError.postgres(url.scrub(String(cString: PQerrorMessage(handle))))
        }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            let error = error(of: start)
            PQclear(start)
            throw error
        }
        PQclear(start)
        var sent = true
        data.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var at = 0
            while at < buffer.count && sent {
                let n = min(1 << 20, buffer.count - at)
                sent = (base + at).withMemoryRebound(to: CChar.self, capacity: n) { PQputCopyData(handle, $0, Int32(n)) } == 1
                at += n
            }
        }
        _ = PQputCopyEnd(handle, sent ? nil : "fangfan: sending the rows failed")
        var failure: Error? = nil
        while let r = PQgetResult(handle) {
            if PQresultStatus(r) != PGRES_COMMAND_OK && failure == nil { failure = error(of: r) }
            PQclear(r)
        }
        if let failure { throw failure }
        if !sent { throw LedgerError.postgres(url.scrub(String(cString: PQerrorMessage(handle)))) }
    }

    /// The error of a failed result: the server's primary message and SQLSTATE, never its DETAIL (which
    /// may quote a row's values).
    private func error(of result: OpaquePointer) -> LedgerError {
        let field = { (code: Int32) -> String? in
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let primary = field(Int32(UInt8(ascii: "M"))) ?? String(cString: PQerrorMessage(handle))
        let state = field(Int32(UInt8(ascii: "C"))).map { " (SQLSTATE \($0))" } ?? ""
        if PQstatus(handle) != CONNECTION_OK {
            return .unreachable(target: url.target, reason: url.scrub(primary))
        }
        return .postgres(url.scrub(primary) + state)
    }

    /// The result's rows as text, one at a time.
    static func eachRow(of r: OpaquePointer, _ body: (LedgerRow) throws -> Void) rethrows {
        let n = Int(PQntuples(r)), width = Int(PQnfields(r))
        let columns = (0..<width).map { String(cString: PQfname(r, Int32($0))) }
        for i in 0..<Int32(n) {
            var values: [String?] = []
            values.reserveCapacity(width)
            for j in 0..<Int32(width) {
                values.append(PQgetisnull(r, i, j) == 1 ? nil : String(cString: PQgetvalue(r, i, j)))
            }
            try body(LedgerRow(columns: columns, values: values))
        }
    }

    /// `?` placeholders as `$1`, `$2`, … (outside quoted text).
    static func numbered(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0, quoted = false
        for ch in sql {
            if ch == "'" { quoted.toggle() }
            if ch == "?" && !quoted {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// `body` with `strings` as a NULL-terminated array of C strings.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
