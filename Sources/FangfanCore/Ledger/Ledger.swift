import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The case ledger of RULES.md §7: one case per household with an append-only history, every
/// alert id ever emitted, and each month's alerts and evaluations.
///
/// SQLite through GRDB (`DatabaseQueue`, WAL, foreign keys on, busy timeout). The database file
/// and its `-wal`/`-shm` are owner-only (created under umask 077, then chmod 0600). The schema
/// comes only from the named migrations of `LedgerSchema`. Every write is one transaction.
public final class Ledger: Sendable {
    public let path: String
    let dbQueue: DatabaseQueue
    let clock: @Sendable () -> String

    /// Opens (creating if needed) the ledger at `path`; its folder must exist. Runs any migration
    /// not yet applied. `clock` stamps history entries (injected by tests).
    public init(path: String, clock: @escaping @Sendable () -> String = { isoNow() }) throws {
        self.path = path
        self.clock = clock
        var config = Configuration()
        config.journalMode = .wal
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.label = "fangfan.ledger"
        // The ledger holds personal data: the file, its -wal and -shm are created owner-only.
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        dbQueue = try DatabaseQueue(path: path, configuration: config)
        try LedgerSchema.migrator.migrate(dbQueue)
        try Self.makeOwnerOnly(path)
    }

    /// chmod 0600 the database file and whichever of its -wal / -shm exist.
    static func makeOwnerOnly(_ path: String) throws {
        for p in [path, path + "-wal", path + "-shm"] {
            if chmod(p, 0o600) != 0 {
                let e = errno
                if e == ENOENT && p != path { continue }
                throw LedgerError.cannotSetPermissions(path: p, errno: e)
            }
        }
    }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try dbQueue.read { db in try LedgerSchema.migrator.appliedMigrations(db) }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound database.
    public func integrityCheck() throws -> String {
        try dbQueue.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }
}
