import ArgumentParser
import FangfanCore
import Foundation

/// `fangfan ledger copy --to URL`: moves a county's SQLite ledger (state/ledger.sqlite) into the shared ledger, once.
struct LedgerCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy this county's SQLite ledger into the shared ledger in PostgreSQL (once; the SQLite file is left as it is).",
        discussion: """
            The county is config `county`, else the one of the ledger's
            households. Refused (exit 78) when the shared ledger already holds
            anything of the county. Takes the state folder's lock and the
            county's lock in the shared ledger (exit 75 while a run of the
            county goes on).

            Example:
              fangfan ledger copy --to postgresql://fangfan@db.example:5432/fangfan
            """)
    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("The shared ledger: postgresql://user@host:port/db.", valueName: "URL")) var to: String

    func run() throws {
        try common.run("ledger") { p in
            let url = try LedgerURL(to, file: "command line", key: "--to")
            let sqlite = try Ledger(path: p.layout.ledger)
            let (county, rows) = try sqlite.copy(to: url, county: p.config.county)
            p.logger.info(
                "ledger copied", metadata: ["county": "\(county)", "to": "\(url.target)"].merging(rows.mapValues { "\($0)" }) { a, _ in a })
            for (t, n) in rows.sorted(by: { $0.key < $1.key }) { print("\(t)\t\(n)") }
            return Exit.done
        }
    }
}
