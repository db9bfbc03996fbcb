import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Database {
    /// Executes one statement through the connection's statement cache (the hot paths run per alert).
    func ledgerExecute(_ sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

/// The SQLite backend of the ledger's queries: GRDB's connection, statements from its cache.
extension Database: LedgerConnection {
    var dialect: LedgerDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [LedgerValue]) throws {
        try cachedStatement(sql: sql).execute(arguments: Self.ledgerArguments(arguments))
    }

    func rows(_ sql: String, _ arguments: [LedgerValue]) throws -> [LedgerRow] {
        var out: [LedgerRow] = []
        try eachRow(sql, arguments) { out.append($0) }
        return out
    }

    func eachRow(_ sql: String, _ arguments: [LedgerValue], _ body: (LedgerRow) throws -> Void) throws {
        let statement = try cachedStatement(sql: sql)
        let columns = statement.columnNames
        let cursor = try Row.fetchCursor(statement, arguments: Self.ledgerArguments(arguments))
        while let row = try cursor.next() {
            try body(
                LedgerRow(
                    columns: columns,
                    values: row.databaseValues.map { v -> String? in
                        switch v.storage {
                        case .null: return nil
                        case .int64(let i): return String(i)
                        case .double(let d): return String(d)
                        case .string(let s): return s
                        case .blob(let b): return String(decoding: b, as: UTF8.self)
                        }
                    }))
        }
    }

    func makeBatch(head: String, width: Int, tail: String) throws -> any LedgerRowBatch {
        LedgerBatch(self, head: head, width: width, tail: tail)
    }

    static func ledgerArguments(_ values: [LedgerValue]) -> StatementArguments {
        StatementArguments(
            values.map { v -> (any DatabaseValueConvertible)? in
                switch v {
                case .text(let s): return s
                case .int(let i): return i
                case .null: return nil
                }
            })
    }
}
