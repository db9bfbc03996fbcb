import FangfanCore
import Foundation

// The ledger's write at province scale (`make bench`, tools/bench.py): one month of a province recorded, then
// the same month again (a rerun replaces its alerts and evaluations), on either backend:
//
//   LedgerBench sqlite FILE [ALERTS] [EVALUATIONS]
//   LedgerBench postgres URL [ALERTS] [EVALUATIONS]
//
// Defaults: 300,000 alerts (a third each red, orange, yellow) and 1,500,000 evaluations, synthetic households of
// county 440825. Prints one JSON line: {"backend", "alerts", "evaluations", "first", "rerun"} (seconds).
let args = CommandLine.arguments
guard args.count >= 3, ["sqlite", "postgres"].contains(args[1]) else {
    FileHandle.standardError.write(Data("usage: LedgerBench sqlite FILE|postgres URL [ALERTS] [EVALUATIONS]\n".utf8))
    exit(64)
}
let alertCount = args.count > 3 ? Int(args[3]) ?? 300_000 : 300_000
let evaluationCount = args.count > 4 ? Int(args[4]) ?? 1_500_000 : 1_500_000
let ledger =
    args[1] == "sqlite"
    ? try Ledger(path: args[2])
    : try Ledger(url: LedgerURL(args[2], file: "LedgerBench", key: "url"), county: "440825", lock: true)

func household(_ i: Int) -> String { "440825" + String(format: "%010d", i) }
let levels: [Level] = [.red, .orange, .yellow]
let alerts = (0..<alertCount).map { i in
    LedgerAlert(
        alertId: "YJ2021-\(household(i * 5))-01", householdId: household(i * 5), town: "镇\(i % 20)",
        village: "村\(i % 400)", month: "2021-05", level: levels[i % 3], triggers: ["illness", "income_drop"],
        householdType: "脱贫户")
}
let evaluations = (0..<max(evaluationCount, alertCount * 5)).prefix(evaluationCount).map { i in
    LedgerEvaluation(householdId: household(i), month: "2021-05", atOrAboveLine: i % 3 != 0, triggered: i % 5 == 0)
}

func timed(_ body: () throws -> Void) rethrows -> Double {
    let t0 = Date()
    try body()
    return Date().timeIntervalSince(t0)
}
let today = Day.parse(Array("2021-06-02".utf8))
let day: Day? = if case .success(let d) = today { d } else { nil }
let first = try timed {
    try ledger.recordMonth("2021-05", run: "run 2021-05", today: day, alerts: alerts, evaluations: evaluations)
}
let rerun = try timed {
    try ledger.recordMonth("2021-05", run: "run 2021-05", today: day, alerts: alerts, evaluations: evaluations)
}
// what was written is what was given: every red and orange alert opened a case, every alert is kept
let cases = try ledger.countsByState().values.reduce(0, +)
let kept = try ledger.alertCountsByMonth().map(\.count).reduce(0, +)
guard cases == alerts.filter({ $0.level != .yellow }).count, kept == alertCount else {
    FileHandle.standardError.write(Data("LedgerBench: the ledger holds \(cases) cases and \(kept) alerts: wrong\n".utf8))
    exit(1)
}
print(
    "{\"backend\": \"\(args[1])\", \"alerts\": \(alertCount), \"evaluations\": \(evaluationCount), "
        + "\"first\": \(String(format: "%.3f", first)), \"rerun\": \(String(format: "%.3f", rerun))}")
