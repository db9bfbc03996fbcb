import ArgumentParser
import FangfanCore
import Foundation

public struct SweepCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Disaster sweep (灾后排查): take new files from the inbox, then list every fragile household of the struck villages.",
        discussion: """
            Under the same lock as run, ingests the inbox as ingest does (a new
            disaster file is validated, quarantined, archived or rejected as
            usual), then writes out/sweep/<event_id>/ for each event swept:
            towns/<乡镇>.xlsx and .csv (one list per town holding a struck
            village: households with a record in the event, 脱贫户 and 监测户,
            and households whose case is 预警, 监测中 or 风险已消除; IDs masked;
            empty columns 排查结论 排查人 排查日期 备注 for the cadres),
            unmatched.csv and summary.json — replaced whole and atomically.
            It never links or detects: no monthly run is needed, and a sweep of
            one event takes seconds.

            Which events: those named with --event (repeatable); without it,
            every event with disaster records ingested since its last sweep
            (state/sweep.json; on a state never swept, every event). When there
            is nothing new it says so (a log line; nothing with --quiet), writes
            nothing and exits 0.

            Examples:
              fangfan sweep                            # every event with new records
              fangfan sweep --event ZH2021007          # one event again, by 灾害编号
              fangfan sweep --event ZH2021007 --event ZH2021008 --out /srv/fangfan/out

            Crontab (every hour, on the hour; docs/sweep.md has the /var/log form):
              0 * * * * cd /srv/fangfan && bin/fangfan sweep --quiet >> sweep.log 2>&1

            Exit status:
              0   done (also: nothing to sweep)
              65  done, but a file was rejected (state/rejected/NAME.reason.txt)
              64  bad command line, or an --event no ingested record carries
              74  I/O failure; nothing half-written is left, a rerun completes it
              75  another run holds the lock; nothing was done
              78  bad configuration; the message names the key
            """)
    @OptionGroup public var common: CommonOptions
    @Option(
        name: .customLong("event"),
        help: ArgumentHelp(
            "A disaster event to sweep, by its 灾害编号 (repeatable; default: every event with records ingested since its last sweep).",
            valueName: "id"))
    public var events: [String] = []
    public init() {}

    public func validate() throws {
        if events.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--event needs a disaster event id (灾害编号), such as ZH2021007")
        }
    }

    public func run() throws {
        try common.run("sweep") { p in
            let t0 = Date()
            let ingest = try p.ingest(keepRoster: true)
            let ingestSeconds = Date().timeIntervalSince(t0)
            do {
                _ = try p.sweep(events: events.isEmpty ? nil : events, ingestSeconds: ingestSeconds)
            } catch let e as UnknownDisasterEvent {
                throw ValidationError(e.description)
            }
            return exitStatus(ingest)
        }
    }
}
