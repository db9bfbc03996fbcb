import GRDB
import XCTest

@testable import FangfanCore

final class LedgerErrorTests: XCTestCase {
    /// A SQLite failure is told by its code and SQLite's message, not by the statement: a batch's insert is
    /// kilobytes of placeholders (a province's disk-full line was 10 KB of them in the cron log).
    func testASQLiteFailureIsItsCodeAndMessageWithoutTheStatement() throws {
        let db = try DatabaseQueue()
        let placeholders = Array(repeating: "(?, ?)", count: 100).joined(separator: ", ")
        let sql = "INSERT INTO nowhere (a, b) VALUES \(placeholders)"
        do {
            try db.write { try $0.execute(sql: sql, arguments: StatementArguments(Array(repeating: 1, count: 200))) }
            XCTFail("the table does not exist")
        } catch {
            XCTAssertTrue("\(error)".contains("VALUES (?, ?)"), "GRDB's own description holds the statement")
            XCTAssertEqual(LedgerError.sqliteDescription(error), "ledger: SQLite error 1: no such table: nowhere")
        }
    }

    func testOtherErrorsAreNotSQLite() {
        XCTAssertNil(LedgerError.sqliteDescription(LedgerError.badCounty("12")))
        XCTAssertNil(LedgerError.sqliteDescription(CocoaError(.fileWriteOutOfSpace)))
    }
}
