import Foundation

/// What link did for one month.
public struct LinkReport: Codable, Sendable {
    public var month: String
    public var linked: [String: Int] = [:]
    public var unmatched: [String: Int] = [:]
}
