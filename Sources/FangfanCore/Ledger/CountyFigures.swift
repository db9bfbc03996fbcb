/// One county's line of the provincial page (`Ledger.countyBreakdown`).
public struct CountyFigures: Sendable, Equatable {
    public var county: String
    public var evaluated = 0
    public var alerts: [Level: Int] = [:]
    public var cases: [CaseState: Int] = [:]

    public init(county: String) { self.county = county }
}
