/// A household's records of the 三保障 and drinking-water feeds (RULES.md §12), as link kept them: education
/// records of the period; housing and water records up to the end of the period (their latest one counts,
/// however old).
public struct BasicNeedsRecords: Sendable {
    public var school: [SchoolRecord] = []
    public var housing: [HousingRecord] = []
    public var water: [WaterRecord] = []

    public init(school: [SchoolRecord] = [], housing: [HousingRecord] = [], water: [WaterRecord] = []) {
        self.school = school
        self.housing = housing
        self.water = water
    }

    /// The trigger codes of §12's third bullet.
    public static let codes: Set<String> = [SchoolingTrigger.code, HousingTrigger.code, WaterTrigger.code]
}
