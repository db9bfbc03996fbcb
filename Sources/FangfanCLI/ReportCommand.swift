import ArgumentParser
import FangfanCore
import Foundation

/// `fangfan report --month M`: the provincial page, the county breakdown of a month on the shared ledger.
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The county breakdown of a month (the provincial page): households evaluated, alerts per level, cases per state.",
        discussion: """
            Reads the ledger only (every county of a shared ledger, or one
            with --county); one tab-separated line per county on standard
            output, a total line last; with --html, also the provincial page
            (the same table, in the monthly report's style, printable; counts
            only).

            Examples:
              fangfan report --month 2021-05 --ledger postgresql://db.example/fangfan
              fangfan report --month 2021-05 --html province-2021-05.html \\
                --ledger postgresql://db.example/fangfan
            """)
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var monthOption: MonthOption
    @Option(help: "Only this county (six digits).") var county: String?
    @Option(help: "Also write the provincial page (HTML) to this file.") var html: String?
    public init() {}

    public func run() throws {
        if let county, !Ledger.isCounty(county) { throw ValidationError("--county must be six digits") }
        try common.run("report", lock: false) { p in
            let m = try monthOption.resolve(p.today)
            let figures = try p.openLedgerView(county: county).countyBreakdown(month: "\(m)")
            let states = CaseState.allCases
            print((["县", "月份", "评估户数", "红色预警", "橙色预警", "黄色预警"] + states.map(\.rawValue)).joined(separator: "\t"))
            for f in figures { print(line(f, month: "\(m)")) }
            print(line(ProvincePage.sum(figures), month: "\(m)"))
            if let html {
                try AtomicFile.write(ProvincePage.render(month: "\(m)", generatedAt: isoNow(), counties: figures), to: html)
            }
            return Exit.done
        }
    }

    func line(_ f: CountyFigures, month: String) -> String {
        ([f.county, month, "\(f.evaluated)"] + Level.allCases.map { "\(f.alerts[$0] ?? 0)" }
            + CaseState.allCases.map { "\(f.cases[$0] ?? 0)" }).joined(separator: "\t")
    }
}
