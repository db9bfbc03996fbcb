import ArgumentParser
import FangfanCore
import Foundation

public struct LedgerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Show the case ledger (read-only): cases by state and town, one household's history, counts by state.",
        discussion: """
            The ledger changes only through runs and returned verification
            files, never by hand. On a shared ledger (--ledger URL, [ledger]
            url) counts and cases cover every county unless --county.

            Examples:
              fangfan ledger counts
              fangfan ledger counts --by county --ledger postgresql://db.example/fangfan
              fangfan ledger cases --case-state 监测中 --town 锦和镇
              fangfan ledger show 4408250100080000
              fangfan ledger copy --to postgresql://fangfan@db.example/fangfan
            """,
        subcommands: [Counts.self, Cases.self, Show.self, LedgerCopyCommand.self])
    public init() {}

    struct Counts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Number of cases in each state (per county or town with --by).",
            discussion: """
                Tab-separated: state and count; with --by, county or town first.

                Examples:
                  fangfan ledger counts
                  fangfan ledger counts --by town
                """)
        @OptionGroup var common: CommonOptions
        @Option(help: "One line per county (its six digits) or town and state: county or town.") var by: String?
        @Option(help: "Only this county's cases (six digits).") var county: String?
        func run() throws {
            let grouping = try by.map { b -> Ledger.Grouping in
                guard let g = Ledger.Grouping(rawValue: b) else { throw ValidationError("--by must be county or town") }
                return g
            }
            if let county, !Ledger.isCounty(county) { throw ValidationError("--county must be six digits") }
            try common.run("ledger", lock: false) { p in
                let ledger = try p.openLedgerView(county: county)
                if let grouping {
                    for c in try ledger.caseCounts(by: grouping, county: county) {
                        print("\(c.group)\t\(c.state.rawValue)\t\(c.count)")
                    }
                } else {
                    var counts = Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0, 0) })
                    for c in try ledger.caseCounts(by: .county, county: county) { counts[c.state, default: 0] += c.count }
                    for s in CaseState.allCases { print("\(s.rawValue)\t\(counts[s] ?? 0)") }
                }
                return Exit.done
            }
        }
    }

    struct Cases: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cases, optionally of one state and one town.",
            discussion: """
                Tab-separated, with a header: 户编号, 乡镇, 行政村, 状态, 立案月份, …
                (no resident ID or name).

                Examples:
                  fangfan ledger cases --case-state 监测中
                  fangfan ledger cases --town 锦和镇 > 锦和镇.tsv
                """)
        @OptionGroup var common: CommonOptions
        @Option(name: .customLong("case-state"), help: "预警, 监测中, 不予纳入 or 风险已消除.") var caseState: String?
        @Option(help: "Town (乡镇).") var town: String?
        @Option(help: "Only this county's cases (six digits).") var county: String?
        func run() throws {
            if let county, !Ledger.isCounty(county) { throw ValidationError("--county must be six digits") }
            let state: CaseState?
            if let s = caseState {
                guard let v = CaseState(rawValue: s) else { throw ValidationError("--case-state must be one of 预警, 监测中, 不予纳入, 风险已消除") }
                state = v
            } else {
                state = nil
            }
            try common.run("ledger", lock: false) { p in
                print(
                    ["户编号", "乡镇", "行政村", "状态", "立案月份", "监测起始", "最近预警编号", "风险类型", "帮扶措施", "消除方式", "建议"]
                        .joined(separator: "\t"))
                let ledger = try p.openLedgerView(county: county)
                let suggested = try ledger.eliminationSuggested()
                for c in try ledger.cases(state: state, town: town, county: county) {
                    print(
                        [
                            c.householdId, c.town, c.village, c.state.rawValue, c.openedMonth, c.monitoredSince ?? "",
                            c.lastAlertId ?? "", c.lastTriggers.map(Triggers.riskType).joined(separator: "、"),
                            c.measures.joined(separator: "、"), c.eliminationKind ?? "",
                            suggested.contains(c.householdId) ? "建议标注风险已消除" : "",
                        ].joined(separator: "\t"))
                }
                return Exit.done
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One household's case history, oldest first.",
            discussion: """
                Tab-separated: when, month, event, state before → after, by whom,
                detail.

                Example:
                  fangfan ledger show 4408250100080000
                """)
        @OptionGroup var common: CommonOptions
        @Argument(help: "Household number (户编号), 16 digits.") var household: String
        func run() throws {
            // (a mistyped number is said to be one, not looked up and reported as a household without a case)
            guard case .success(let id) = HouseholdID.parse(Array(household.utf8)) else {
                throw ValidationError("户编号应为 16 位数字（如 4408250100080000）")
            }
            let household = id.description  // (full-width digits and spaces as the ledger keeps it)
            try common.run("ledger", lock: false) { p in
                let history = try p.openLedgerView(county: nil).history(household: household)
                if history.isEmpty { print("户 \(household) 在台账中没有记录") }
                for h in history {
                    print(
                        [
                            h.at, h.month ?? "", h.event, h.fromState?.rawValue ?? "—", "→", h.toState?.rawValue ?? "—",
                            h.actor, h.detail,
                        ].joined(separator: "\t"))
                }
                return Exit.done
            }
        }
    }
}

public struct FangfanCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fangfan",
        abstract: "防返贫监测预警: find households at risk of (re)falling into poverty, every month.",
        discussion: """
            Examples:
              fangfan run --month 2021-05            # the whole monthly job
              fangfan ingest                          # only take new files from the inbox
              fangfan detect --month 2021-05          # one stage by hand
              fangfan ledger cases --case-state 监测中
              fangfan sweep                           # disaster sweep of new events (灾后排查)
            """,
        subcommands: [
            RunCommand.self, IngestCommand.self, LinkCommand.self, DetectCommand.self, EmitCommand.self,
            LedgerCommand.self, SweepCommand.self, ReportCommand.self,
        ])
    public init() {}
}
