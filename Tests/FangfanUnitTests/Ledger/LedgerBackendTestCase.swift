import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// A test case whose tests run twice, on the SQLite ledger and then on the PostgreSQL ledger (`onBothBackends`;
/// a fresh database of the test server for each ledger a test opens; `backend` says which run this is).
class LedgerBackendTestCase: XCTestCase {
    enum Backend: String, CaseIterable {
        case sqlite
        case postgres
    }

    private(set) var backend = Backend.sqlite
    /// A temporary folder of the test (the SQLite files).
    var dir = ""
    private var databases: [String: String] = [:]

    /// `body` on the SQLite ledger, then on the PostgreSQL ledger (each with its own fresh ledgers): every test
    /// of the subclasses is its body so wrapped. An error thrown on either fails the test, naming the backend.
    func onBothBackends(_ body: () throws -> Void) {
        for b in Backend.allCases {
            backend = b
            defer { dropDatabases() }
            do { try body() } catch { XCTFail("[\(b.rawValue) ledger] \(error)") }
        }
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        dir =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("fangfan-ledger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        databases = [:]
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
        dropDatabases()
        try super.tearDownWithError()
    }

    private func dropDatabases() {
        for url in databases.values { PostgresTestServer.dropDatabase(url) }
        databases = [:]
    }

    /// The ledger `name` of this test on the backend of this run (opened again: the same ledger).
    func openLedger(_ name: String = "ledger.sqlite", clock: @escaping @Sendable () -> String = { isoNow() }) throws -> Ledger {
        switch backend {
        case .sqlite:
            return try Ledger(path: "\(dir)/\(name)", clock: clock)
        case .postgres:
            let url = try databases[name] ?? PostgresTestServer.createDatabase()
            databases[name] = url
            return try Ledger(url: LedgerURL(url, file: "test", key: "url"), county: nil, lock: false, clock: clock)
        }
    }
}
