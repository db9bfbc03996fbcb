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
/// Two backends behind the one interface, the same named migrations (`LedgerSchema`) on both, every write one
/// transaction:
/// - SQLite (the default, `state/ledger.sqlite`) through GRDB (`DatabaseQueue`, WAL, foreign keys on, busy
///   timeout). The database file and its `-wal`/`-shm` are owner-only (created under umask 077, then chmod 0600).
/// - PostgreSQL (the shared ledger of a province, `--ledger URL`) through libpq (`PGConnection`): counties
///   share its tables; a ledger opened for a county (`county`) sees and writes only that county's households,
///   and, opened for a run, holds the county's advisory lock for as long as it is open.
public final class Ledger: Sendable {
    /// The SQLite file, or the PostgreSQL target (host and database, never the password).
    public let path: String
    let backend: Backend
    /// The county (six digits) this ledger is scoped to; nil: the whole ledger (SQLite, or `ledger` views).
    public let county: String?
    let clock: @Sendable () -> String

    enum Backend: Sendable {
        case sqlite(DatabaseQueue)
        case postgres(PGConnection)
    }

    /// Opens (creating if needed) the ledger at `path`; its folder must exist. Runs any migration
    /// not yet applied. `clock` stamps history entries (injected by tests).
    public init(path: String, clock: @escaping @Sendable () -> String = { isoNow() }) throws {
        self.path = path
        self.clock = clock
        county = nil
        var config = Configuration()
        config.journalMode = .wal
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.label = "fangfan.ledger"
        // The ledger holds personal data: the file, its -wal and -shm are created owner-only.
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        let dbQueue = try DatabaseQueue(path: path, configuration: config)
        try LedgerSchema.migrator.migrate(dbQueue)
        try Self.makeOwnerOnly(path)
        backend = .sqlite(dbQueue)
    }

    /// Opens the shared ledger at `url`, creating its schema by the named migrations if needed (under a
    /// database lock). `county` scopes every query; with `lock`, the county's advisory lock is taken for the
    /// session, and a county already locked (a run of it elsewhere) is `LedgerError.countyLocked` (exit 75).
    public init(
        url: LedgerURL, county: String?, lock: Bool, clock: @escaping @Sendable () -> String = { isoNow() }
    ) throws {
        if let county { guard Self.isCounty(county) else { throw LedgerError.badCounty(county) } }
        precondition(!lock || county != nil, "a ledger locked for a run has a county")
        path = url.target
        self.county = county
        self.clock = clock
        let c = try PGConnection(url)
        try LedgerSchema.migrate(c)
        if lock, let county {
            let got = try c.alone { c in
                try c.text("SELECT pg_try_advisory_lock(\(LedgerSchema.postgresLockClass), \(county))")
            }
            guard got == "t" else { throw LedgerError.countyLocked(county: county, target: url.target) }
        }
        backend = .postgres(c)
    }

    /// Six digits.
    public static func isCounty(_ s: String) -> Bool { s.utf8.count == 6 && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

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

    /// `body` in one write transaction.
    func write<T>(_ body: (any LedgerConnection) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let q): return try q.write { db in try body(db) }
        case .postgres(let c): return try c.transaction { c in try body(c) }
        }
    }

    /// `body` in one read transaction.
    func read<T>(_ body: (any LedgerConnection) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let q): return try q.read { db in try body(db) }
        case .postgres(let c): return try c.transaction { c in try body(c) }
        }
    }

    /// ` AND <column> LIKE '<county>%'` when the ledger is scoped to a county, else "": appended to every
    /// query's conditions on a table of households (the county is six digits, checked when opened).
    func scope(_ column: String = "household_id") -> String {
        guard let county else { return "" }
        return " AND \(column) LIKE '\(county)%'"
    }

    /// A key of a file applied (its sha256) as the shared ledger stores it: prefixed with the county, so that
    /// the same file in two counties is applied in each.
    func sourceKey(_ sha256: String) -> String { county.map { "\($0)|\(sha256)" } ?? sha256 }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        switch backend {
        case .sqlite(let q): return try q.read { db in try LedgerSchema.migrator.appliedMigrations(db) }
        case .postgres(let c): return try c.transaction { c in try LedgerSchema.applied(c) }
        }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound database (PostgreSQL checks its own: "ok" once reachable).
    public func integrityCheck() throws -> String {
        try read { c in
            c.dialect == .sqlite ? try c.texts("PRAGMA integrity_check").joined(separator: "\n") : "ok"
        }
    }
}
