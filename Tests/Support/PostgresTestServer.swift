import Foundation

/// The throwaway PostgreSQL server `make test` starts (tools/pg-test-server.sh) for the shared-ledger tests:
/// its URL in `FANGFAN_TEST_POSTGRES_URL`. Without it the tests that need it fail (a missing server is a
/// broken test run, not a test to skip).
public enum PostgresTestServer {
    public struct NotRunning: Error, CustomStringConvertible {
        public var description: String {
            "FANGFAN_TEST_POSTGRES_URL is not set: run the tests through `make test` (tools/pg-test-server.sh starts a throwaway PostgreSQL server)"
        }
    }

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The server's URL (its own database `fangfan`).
    public static func url() throws -> String {
        guard let u = ProcessInfo.processInfo.environment["FANGFAN_TEST_POSTGRES_URL"], !u.isEmpty else { throw NotRunning() }
        return u
    }

    /// The URL of database `name` on the server.
    public static func url(database name: String) throws -> String {
        let base = try url()
        guard let slash = base.range(of: "/", options: .backwards) else { throw NotRunning() }
        return String(base[..<slash.upperBound]) + name
    }

    /// A new, empty database; its URL.
    public static func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try psql("CREATE DATABASE \(name)")
        return try url(database: String(name))
    }

    /// Drops the database of `url` (closing any session still on it).
    public static func dropDatabase(_ url: String) {
        guard let name = url.split(separator: "/").last else { return }
        try? psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs `sql` on the server's own database with psql.
    public static func psql(_ sql: String, database: String? = nil) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", try database.map { try url(database: $0) } ?? url(), "-c", sql]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failed(description: "psql: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
