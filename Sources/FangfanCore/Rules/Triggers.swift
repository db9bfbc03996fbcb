/// The registry, in the order of RULES.md §4 (also the bit order of alert ids).
public enum Triggers {
    public static let all: [any Trigger] = [
        IllnessTrigger(), DisasterTrigger(), SpendingSurgeTrigger(), IncomeDropTrigger(),
        DisabilityTrigger(), AidChangeTrigger(), DeclaredTrigger(),
        // §9, added after the plan's triggers: the earlier triggers keep their bits (and alert ids)
        ForecastTrigger(),
        // §12's 三保障 and drinking water, after §9's: every earlier trigger keeps its bit (and alert ids)
        SchoolingTrigger(), HousingTrigger(), WaterTrigger(),
    ]
    public static let codes: [String] = all.map { type(of: $0).code }

    /// The codes a month's summary and report count: all of them once the 三保障 and drinking-water feeds are in
    /// use (a file of one of them accepted), else those of the plan and §9 (so that outputs stay as they were).
    public static func codes(basicNeeds: Bool) -> [String] {
        basicNeeds ? codes : codes.filter { !BasicNeedsRecords.codes.contains($0) }
    }

    public static func riskType(_ code: String) -> String {
        all.first { type(of: $0).code == code }.map { type(of: $0).riskType } ?? code
    }

    public static func evaluate(_ c: TriggerContext) -> [FiredTrigger] {
        all.compactMap { $0.evaluate(c) }
    }
}

func yuan(_ m: Money) -> String { m.description + " 元" }

/// A configured ratio as a decimal for evidence text: `0.5`, `1.2`, `0.7`. Works for any denominator
/// (`Ratio(1, 2)`, the shipped default, is not a power of ten); one that has no finite decimal prints as `n/d`.
func ratioText(_ r: Ratio) -> String {
    var n = r.numerator, d = r.denominator
    guard d > 0 else { return "\(n)/\(d)" }
    var scale: Int64 = 1, digits = 0
    while d % 2 == 0 || d % 5 == 0 {
        if d % 10 == 0 { d /= 10 } else if d % 2 == 0 { d /= 2; n *= 5 } else { d /= 5; n *= 2 }
        scale *= 10
        digits += 1
    }
    guard d == 1 else { return "\(r.numerator)/\(r.denominator)" }
    let whole = n / scale, frac = n % scale
    if frac == 0 { return String(whole) }
    var f = String(frac)
    f = String(repeating: "0", count: digits - f.count) + f
    while f.hasSuffix("0") { f.removeLast() }
    return "\(whole).\(f)"
}
