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

    static func fetch(_ db: Database, _ alertId: String) throws -> LedgerKnownAlert? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM alert_ids WHERE alert_id = ?"), arguments: [alertId]
        ).map {
            LedgerKnownAlert(
                householdId: $0["household_id"], town: $0["town"], village: $0["village"],
                triggers: LedgerJSONList.decode($0["triggers"]), lastMonth: $0["last_month"])
        }
    }
}
