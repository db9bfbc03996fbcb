import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An entry of the registry of emitted alert ids.
struct LedgerKnownAlert {
    var householdId: String
    var town: String
    var village: String
    var triggers: [String]
    /// The latest month the id was emitted in: a finding's month.
    var lastMonth: String

    /// `scope`: the ledger's county condition (`Ledger.scope()`): an alert of another county is unknown.
    static func fetch(_ db: any LedgerConnection, _ alertId: String, scope: String) throws -> LedgerKnownAlert? {
        try db.row(
            "SELECT household_id, town, village, triggers, last_month FROM alert_ids WHERE alert_id = ?" + scope,
            [.text(alertId)]
        ).map {
            LedgerKnownAlert(
                householdId: $0.text(0), town: $0.text(1), village: $0.text(2),
                triggers: LedgerJSONList.decode($0.optional(3)), lastMonth: $0.text(4))
        }
    }
}
