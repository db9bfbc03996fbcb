import Foundation

/// The monitoring line of one monitoring year (RULES.md §2).
public struct MonitoringLine: Equatable, Sendable {
    public let year: Int
    public let configured: Money
    public let floor: Money
    /// The line in force: never below the floor.
    public var value: Money { max(configured, floor) }
}
