public struct Household: Sendable {
    public let id: HouseholdID
    public let town: String
    public let village: String
    public let type: HouseholdType
    public let prevIncome: Money
    public var members: [Member]
    public var size: Int { members.count }
    public var head: Member? { members.first { $0.isHead } }
}
