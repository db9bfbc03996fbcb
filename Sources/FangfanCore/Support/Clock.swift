import Foundation

/// The current time as ISO 8601 in UTC (`2021-06-02T02:00:05Z`): the one clock that stamps the manifest,
/// the ledger's history and log lines, so that they compare as text whatever the machine's time zone.
public func isoNow() -> String {
    ISO8601DateFormatter().string(from: Date())
}
