/// One line of alerts.jsonl (INTERFACE.md), plus what the lists need to print.
public struct Alert: Codable, Sendable, Equatable {
    public var alert_id: String
    public var household_id: String
    public var town: String
    public var village: String
    public var level: Level
    public var category: String
    public var triggers: [String]
    public var prev_income: String
    public var income_projected: String
    public var rigid: String
    public var net_per_capita: String
    public var line: String
    public var evidence: [Evidence]
    public var notes: [String]
    public var suggested: [String]
    // additions (README "alerts.jsonl"): what the town list prints
    public var month: String
    public var household_type: String
    public var size: Int
    public var head_name: String
    public var head_id_masked: String
    public var risk_types: [String]
    public var channels: [String]
    public var months_with_income: Int
    public var period_months: Int
    /// net_per_capita as an exact fraction of fen, for sorting without rounding.
    public var npc_numerator: Int64
    public var npc_denominator: Int64
    /// RULES.md §13: days past the verification deadline, set by emit where the case is 超期 (absent otherwise).
    public var overdue_days: Int? = nil

    /// Same household, monitoring year and trigger set → same id (RULES.md §8):
    /// `YJ<year>-<household>-<two hex digits of the trigger set>`.
    public static func id(household: HouseholdID, monitoringYear: Int, triggers: [String]) -> String {
        var mask = 0
        for (i, c) in Triggers.codes.enumerated() where triggers.contains(c) { mask |= 1 << i }
        let hex = String(mask, radix: 16, uppercase: true)
        return "YJ\(monitoringYear)-\(household)-\(hex.count < 2 ? "0" + hex : hex)"
    }

    public var npc: FenFraction { FenFraction(npc_numerator, npc_denominator) }
}
