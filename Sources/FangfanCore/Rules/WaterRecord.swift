/// A record of feed `water` (农村饮水安全) as the water trigger needs it: a drinking-water problem of the
/// household registered on a date, solved or not.
public struct WaterRecord: Sendable, Equatable {
    /// 水量不足 | 水质不达标 | 取水不便 | 供水保证率低
    public var problem: String
    /// 未解决 | 已解决
    public var status: String
    public var date: Day

    public init(problem: String, status: String, date: Day) {
        self.problem = problem
        self.status = status
        self.date = date
    }
}
