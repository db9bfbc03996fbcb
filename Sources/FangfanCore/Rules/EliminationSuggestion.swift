/// RULES.md §7 "Suggested risk elimination": the pipeline suggests 风险已消除 for a case in 监测中 when all hold:
/// it has been 监测中 for at least `months` months; in each of its last `months` evaluated months its
/// net_per_capita was at or above the line and no trigger fired; at least one assistance measure is
/// recorded; and some member's labour is 技能/普通/弱劳动力或半劳动力 (a household wholly without labour is
/// not marked); and (RULES.md §12) none of the 三保障 and drinking-water triggers (schooling, housing, water)
/// fired in its last 6 evaluated months (§12's own number, `basicNeedsMonths`, whatever `months` is: with
/// `rules.elimination_months = 3` the three are still looked for over six months). Only a verification 风险已消除 marks it. The ledger supplies the case and its
/// evaluations, each with the triggers of that month's alert.
///
/// ```swift
/// let rule = EliminationSuggestion(months: config.rules.eliminationMonths)   // rules.elimination_months = 6
/// rule.suggests(caseRow, recent: ledger.recentEvaluations(...)[id] ?? [], month: "2021-05", hasLabour: true)
/// ```
public struct EliminationSuggestion: Sendable {
    /// `rules.elimination_months`: how long the case has been monitored, and how many evaluated months were stable.
    public let months: Int

    /// RULES.md §12: how many of the last evaluated months must be free of schooling, housing and water.
    public static let basicNeedsMonths = 6

    public init(months: Int) { self.months = months }

    /// How many of a household's latest evaluations `suggests` reads (ask the ledger for this many).
    public var evaluationsRead: Int { max(months, Self.basicNeedsMonths) }

    /// `recent`: the household's evaluations up to `month`, newest first (the first `evaluationsRead` are read;
    /// fewer than `months` evaluated months: no suggestion; fewer than six: the three are looked for in those).
    public func suggests(_ c: CaseRow, recent: [LedgerEvaluation], month: String, hasLabour: Bool) -> Bool {
        guard hasLabour, c.state == .monitored, !c.measures.isEmpty,
            let since = c.monitoredSince, let span = LedgerMonth.between(since, month), span >= months,
            recent.count >= months
        else { return false }
        let stable = recent.prefix(months).allSatisfy { $0.atOrAboveLine && !$0.triggered }
        let basicNeedsMet = recent.prefix(Self.basicNeedsMonths).allSatisfy {
            !$0.triggers.contains(where: BasicNeedsRecords.codes.contains)
        }
        return stable && basicNeedsMet
    }

    /// Why, on the list (the notes of a row listed only for the suggestion).
    public var listReason: String { "连续 \(months) 个月人均纯收入不低于监测线且无风险触发，已有帮扶措施" }

    /// Why, in the case's history.
    public var historyDetail: String { listReason + "，有劳动力：建议核实后标注风险已消除" }
}
