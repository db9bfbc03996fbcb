/// A record of feed `housing` (农村住房安全) as the housing trigger needs it: a safety rating of the
/// household's house on a date, and how far its renovation is.
public struct HousingRecord: Sendable, Equatable {
    /// A (safe) … D (dangerous)
    public var rating: String
    public var ratedOn: Day
    /// 未改造 | 改造中 | 已改造
    public var renovation: String

    public init(rating: String, ratedOn: Day, renovation: String) {
        self.rating = rating
        self.ratedOn = ratedOn
        self.renovation = renovation
    }
}
