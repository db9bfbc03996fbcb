import Foundation
import GRDB

public enum LedgerError: Error, Equatable, CustomStringConvertible {
    case badMonth(String)
    case monthMismatch(expected: String, found: String, household: String)
    case duplicateHousehold(month: String, household: String)
    case alertHouseholdConflict(alertId: String, known: String, given: String)
    case cannotSetPermissions(path: String, errno: Int32)
    /// The shared ledger's server cannot be reached, or the login failed (exit 74).
    case unreachable(target: String, reason: String)
    /// Another run of the county holds its lock in the shared ledger (exit 75).
    case countyLocked(county: String, target: String)
    /// A county code that is not six digits.
    case badCounty(String)
    /// The server refused a statement (its primary message and SQLSTATE).
    case postgres(String)
    /// A run of one county was given a household of another (a shared ledger's run writes only its county).
    case outsideCounty(county: String, household: String)
    /// `ledger copy` will not copy this ledger (why).
    case copyRefused(String)

    public var description: String {
        switch self {
        case .badMonth(let m):
            return "ledger: month '\(m)' is not YYYY-MM"
        case .monthMismatch(let e, let f, let h):
            return "ledger: recording month \(e) but the record of household \(h) is for \(f)"
        case .duplicateHousehold(let m, let h):
            return "ledger: household \(h) has more than one alert (or evaluation) for \(m)"
        case .alertHouseholdConflict(let a, let k, let g):
            return "ledger: alert id \(a) was emitted for household \(k) and now for \(g)"
        case .cannotSetPermissions(let p, let e):
            return "ledger: cannot make \(p) owner-only: \(String(cString: strerror(e)))"
        case .unreachable(let t, let r):
            return "ledger: cannot open the shared ledger (\(t)): \(r)"
        case .countyLocked(let c, let t):
            return "ledger: another run of county \(c) holds its lock in the shared ledger (\(t)); nothing was done"
        case .badCounty(let c):
            return "ledger: county '\(c)' is not six digits"
        case .postgres(let m):
            return "ledger: PostgreSQL: \(m)"
        case .outsideCounty(let c, let h):
            return "ledger: household \(h) is not of county \(c), the run's"
        case .copyRefused(let m):
            return "ledger copy: \(m); nothing was copied"
        }
    }
}

extension LedgerError {
    /// A failure of the SQLite ledger in one line, its code and SQLite's message ("SQLite error 13: database or
    /// disk is full"), without the statement GRDB's description appends (a batch's insert is kilobytes of
    /// placeholders in a cron log); nil for any other error.
    public static func sqliteDescription(_ error: Error) -> String? {
        guard let e = error as? DatabaseError else { return nil }
        return "ledger: SQLite error \(e.resultCode.rawValue): \(e.message ?? "no message")"
    }
}
