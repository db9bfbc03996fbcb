/// RULES.md §13's verification deadline: a case in 预警 whose first red or orange alert was listed on day D
/// (the date of the run that listed it) and for which no finding other than 待核 has been ingested is 超期 when
/// the run's date is later than D + verify_days; 超期天数 = run date − (D + verify_days).
///
/// (A finding other than 待核 moves a case out of 预警 (§7), and a case that comes back to 预警 starts a new D:
/// "in 预警 with a D" is the whole condition the ledger has to answer.)
public struct Overdue: Sendable {
    public var verifyDays: Int

    public init(verifyDays: Int) { self.verifyDays = verifyDays }

    /// Days overdue on `today` for a case first listed on `listedOn`; nil when not overdue (D + verify_days
    /// itself is the last day in time).
    public func days(listedOn: Day, today: Day) -> Int? {
        let late = today.dayNumber - (listedOn.dayNumber + verifyDays)
        return late > 0 ? late : nil
    }
}

/// A case past the verification deadline, as `out/<M>/overdue.csv` lists it.
public struct OverdueCase: Sendable, Equatable {
    public var householdId: String
    public var town: String
    public var village: String
    public var alertId: String
    public var level: Level?
    public var firstListedOn: Day
    public var days: Int
}
