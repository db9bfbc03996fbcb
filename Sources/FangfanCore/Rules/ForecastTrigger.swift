/// 收入下滑预警 (RULES.md §9, the plan's 及早介入): a household whose income fell in the last n months is warned
/// while its period average still looks safe, when at the recent rate the monitoring year ends below the line.
///
/// With k = months of the period, r = 12 − k, n = `rules.forecast_recent_months`, made only when n + 1 ≤ k ≤ 11,
/// `rules.forecast` is on, and every month of the period has a declaration; `recent` = the income of the last
/// n months, `earlier` = income_observed − recent. Fires when all three hold (exact, cross-multiplied in fen):
/// - the recent rate fell: recent / n < earlier / (k − n), i.e. recent × (k − n) < earlier × n;
/// - by the period average not below the line: income_projected − rigid ≥ line × size, i.e.
///   12 × income_observed − k × rigid ≥ k × line × size;
/// - at the recent rate below it at the year's end: income_observed + recent × r / n − rigid < line × size,
///   i.e. n × (income_observed − rigid) + r × recent < n × line × size.
public struct ForecastTrigger: Trigger {
    public static let code = "forecast"
    public static let riskType = "收入下滑预警"

    public func evaluate(_ c: TriggerContext) -> FiredTrigger? {
        let k = Int64(c.period.months), n = Int64(c.rules.forecastRecentMonths)
        guard c.rules.forecast, c.period.kind == .plan2021, n + 1 <= k, k <= 11, c.figures.monthsWithIncome == Int(k) else { return nil }
        let r = 12 - k
        let observed = c.figures.incomeObserved.fen, recent = c.figures.incomeRecent.fen, earlier = observed - recent
        let rigid = c.figures.rigid.fen
        let size = Int64(max(c.household.size, 1))
        let lineTotal = c.line.fen * size
        guard recent * (k - n) < earlier * n,
            12 * observed - k * rigid >= k * lineTotal,
            n * (observed - rigid) + r * recent < n * lineTotal
        else { return nil }
        let firstRecent = Month(index: c.period.to.index - Int(n) + 1)
        let yearIncome = FenFraction(n * observed + r * recent, n)
        let perCapita = FenFraction(n * (observed - rigid) + r * recent, n * size)
        let text =
            "近\(n)个月（\(firstRecent)至\(c.period.to)）收入 \(Money(fen: recent).description) 元，"
            + "月均 \(FenFraction(recent, n).rounded.description) 元，低于此前月均 \(FenFraction(earlier, k - n).rounded.description) 元；"
            + "按近\(n)个月水平推算全年收入 \(yearIncome.rounded.description) 元，"
            + "扣除刚性支出后人均 \(perCapita.rounded.description) 元，将低于监测线 \(c.line.description) 元"
        return FiredTrigger(
            code: Self.code, riskTypes: [Self.riskType],
            evidence: [
                Evidence(
                    trigger: Self.code, source: "income", record: nil, date: nil, amount: yearIncome.rounded.description,
                    text: text)
            ])
    }
}
