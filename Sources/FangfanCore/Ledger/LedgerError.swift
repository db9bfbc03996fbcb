import Foundation

public enum LedgerError: Error, Equatable, CustomStringConvertible {
    case badMonth(String)
    case monthMismatch(expected: String, found: String, household: String)
    case duplicateHousehold(month: String, household: String)
    case alertHouseholdConflict(alertId: String, known: String, given: String)
    case cannotSetPermissions(path: String, errno: Int32)

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
        }
    }
}
