import ArgumentParser
import FangfanCore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Exit statuses of INTERFACE.md, for cron.
public enum Exit {
    public static let done: Int32 = 0
    public static let usage: Int32 = 64
    public static let rejectedFile: Int32 = 65
    public static let io: Int32 = 74
    public static let locked: Int32 = 75
    public static let config: Int32 = 78
}

/// Options every command takes.
public struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Pipeline configuration file; paths in it are relative to it.", valueName: "file"))
    public var config: String = "pipelines/default.toml"

    @Option(
        name: .long,
        help: ArgumentHelp("Inbox folder, overriding paths.inbox (departments drop files in <inbox>/<feed>/).", valueName: "dir"))
    public var inbox: String?

    @Option(
        name: .long,
        help: ArgumentHelp("State folder, overriding paths.state (manifest, staged records, ledger, archive).", valueName: "dir"))
    public var state: String?

    @Option(
        name: .long, help: ArgumentHelp("Output folder, overriding paths.out (lists and reports go to <out>/<YYYY-MM>/).", valueName: "dir")
    )
    public var out: String?

    @Flag(name: .long, help: "Only warnings and errors on standard error (for cron).")
    public var quiet = false

    @Flag(name: .long, help: "Debug log lines.")
    public var verbose = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The run's date (default: today): the default month is the one before it, a case newly listed is listed on it, and verification deadlines are counted to it (e.g. --today 2021-06-02).",
            valueName: "YYYY-MM-DD"))
    public var today: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The shared case ledger in PostgreSQL, overriding [ledger] url (postgresql://user@host:port/db, or ?host=/socket/folder); default: SQLite in the state folder.",
            valueName: "URL"))
    public var ledger: String?

    public init() {}

    func loadConfig() throws -> PipelineConfig {
        var c = try PipelineConfig.load(path: config)
        let cwd = FileManager.default.currentDirectoryPath
        func abs(_ p: String) -> String {
            p.hasPrefix("/") ? p : URL(fileURLWithPath: cwd).appendingPathComponent(p).standardizedFileURL.path
        }
        if let v = inbox { c.inbox = abs(v) }
        if let v = state { c.state = abs(v) }
        if let v = out { c.out = abs(v) }
        if let v = ledger { c.ledgerURL = try LedgerURL(v, file: "command line", key: "--ledger") }
        return c
    }

    func runDay() throws -> Day {
        guard let t = today else { return Day.today() }
        guard case .success(let d) = Day.parse(Array(t.utf8)) else { throw ValidationError("--today must be a date such as 2021-06-02") }
        return d
    }

    func makeLogger(_ label: String) -> Logger {
        let level: Logger.Level = quiet ? .warning : (verbose ? .debug : .info)
        var logger = Logger(label: label) { StderrLogHandler(label: $0, level: level) }
        logger.logLevel = level
        return logger
    }

    /// Loads everything a command needs and runs `body`, mapping failures to the exit codes of INTERFACE.md.
    func run(_ label: String, lock: Bool = true, _ body: (Pipeline) throws -> Int32) throws {
        // (a shared ledger opened by a command that takes no lock takes no county lock either: the views)
        umask(0o077)
        MemoryTuning.keepFreedMemory()
        Signals.installInterruptHandlers()
        let logger = makeLogger(label)
        let status: Int32
        var outDir: String?, stateDir: String?
        do {
            let config = try loadConfig()
            outDir = config.out
            stateDir = config.state
            let progress: IngestProgress? = (!quiet && ProgressLine.shared.enabled) ? ProgressLine.shared : nil
            let pipeline = Pipeline(config: config, today: try runDay(), logger: logger, progress: progress)
            pipeline.locksLedger = lock
            var held: RunLock?
            if lock {
                try makeDirectory(config.state)
                held = try RunLock(path: StateLayout(root: config.state).lock)
            }
            status = try body(pipeline)
            _ = held
        } catch let e as ConfigError {
            logger.error("configuration error: \(e.description)")
            status = Exit.config
        } catch is RunLock.Held {
            logger.error("another fangfan run holds the lock in the state folder; nothing was done")
            status = Exit.locked
        } catch let e as LedgerError {
            logger.error("\(e.description)")
            switch e {
            case .countyLocked: status = Exit.locked
            case .copyRefused, .badCounty: status = Exit.config
            default: status = Exit.io
            }
        } catch let e as IOFailure {
            logger.error("I/O failure: \(e.description)")
            status = Exit.io
        } catch let e as ValidationError {
            throw e
        } catch {
            logger.error("failed: \(describe(error))")
            status = Exit.io
        }
        if status == Exit.io, let out = outDir {
            removeOwnTemporaries(out)
            reportFullFileSystems([stateDir, out].compactMap { $0 }, logger)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// A failure in one line: for a Foundation file error, the path and the system's reason
/// ("…/alerts.jsonl: No space left on device"), not the whole error dictionary; for the SQLite ledger, its
/// code and message, not the statement.
func describe(_ error: Error) -> String {
    if let ledger = LedgerError.sqliteDescription(error) { return ledger }
    let ns = error as NSError
    guard ns.domain == NSCocoaErrorDomain else { return "\(error)" }
    let path =
        (ns.userInfo["NSDestinationFilePath"] as? String) ?? (ns.userInfo[NSFilePathErrorKey] as? String)
        ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    var reason = ns.localizedDescription
    if let under = ns.userInfo[NSUnderlyingErrorKey] as? Error {
        let u = under as NSError
        if u.domain == NSPOSIXErrorDomain { reason = String(cString: strerror(Int32(u.code))) }
    } else if ns.code == CocoaError.fileWriteOutOfSpace.rawValue {
        reason = String(cString: strerror(ENOSPC))
    }
    return path.map { "\($0): \(reason)" } ?? reason
}

/// After an I/O failure, says which of the pipeline's folders sits on a full file system: errors from
/// SQLite ("disk I/O error") or Foundation do not always say so themselves.
func reportFullFileSystems(_ dirs: [String], _ logger: Logger) {
    var seen = Set<UInt>()
    for dir in dirs {
        var st = statvfs()
        guard statvfs(dir, &st) == 0, seen.insert(st.f_fsid).inserted else { continue }
        let free = UInt64(st.f_bavail) * UInt64(st.f_frsize)
        if free < 256 << 10 || (st.f_files > 0 && st.f_favail == 0) {
            logger.error(
                "No space left on device: the file system of \(dir) is full (\(free / 1024) KB free); free space and rerun, the rerun completes the month"
            )
        }
    }
}

/// After an I/O failure: the month folder this process was building beside out/<M> (`.<M>.tmp-<pid>`)
/// is removed at once, so a full disk keeps no half-written outputs (only this process's own, by its pid).
func removeOwnTemporaries(_ out: String) {
    let suffix = ".tmp-\(getpid())"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [] where name.hasPrefix(".") && name.hasSuffix(suffix) {
        try? FileManager.default.removeItem(atPath: out + "/" + name)
    }
}

public struct MonthOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Evaluation month YYYY-MM (default: the month before today).", valueName: "YYYY-MM"))
    public var month: String?
    public init() {}

    func resolve(_ today: Day) throws -> Month {
        guard let m = month else { return Month.before(today) }
        guard case .success(let v) = Month.parse(Array(m.utf8)) else {
            throw ValidationError("--month must be a month such as 2021-05")
        }
        return v
    }
}

func exitStatus(_ report: IngestReport) -> Int32 { report.rejected > 0 ? Exit.rejectedFile : Exit.done }

public struct IngestCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Take every settled file from the inbox: validate, stage, quarantine bad rows, archive or reject.",
        discussion: """
            A file is taken when NAME.done stands beside it, or when it has not
            changed for ingest.settle_seconds. The same bytes under any name are
            ingested once (reported as duplicate). Returned verification findings
            (inbox/verification/) are applied to the case ledger here.

            Examples:
              fangfan-ingest --config pipelines/default.toml
              fangfan-ingest --inbox /data/inbox --state /data/state --quiet

            Exit status:
              0   done (quarantined rows are not failures)
              65  done, but a file was rejected (state/rejected/NAME.reason.txt)
              74  I/O failure    75  another run holds the lock
              78  bad configuration
            """)
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var monthOption: MonthOption
    public init() {}
    public func run() throws {
        try common.run("ingest") { p in exitStatus(try p.ingest()) }
    }
}

public struct LinkCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Join the staged records of the month's period to households; write the unmatched records.",
        discussion: """
            Person records reach a household through its members' resident IDs
            in the latest roster. Output: state/work/<month>/linked/<feed>.csv
            (income linked per staged file: income.csv, income-2.csv, …)
            and state/work/<month>/unmatched/<feed>.csv.

            Examples:
              fangfan-link --month 2021-05
              fangfan link --month 2021-12 --state /data/state
            """)
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var monthOption: MonthOption
    public init() {}
    public func run() throws {
        try common.run("link") { p in
            _ = try p.link(try monthOption.resolve(p.today))
            return Exit.done
        }
    }
}

public struct DetectCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Compute household figures, triggers and alert levels for the month; write alerts.jsonl.",
        discussion: """
            Rules: docs/rules.md §1–§6. Reads the ledger for categories (监测中
            households are listed as 在监测). Output:
            state/work/<month>/alerts.jsonl (emit copies it to out/<month>/).

            Examples:
              fangfan-detect --month 2021-05

            Exit status 78 when no monitoring line is configured for the month's
            monitoring year.
            """)
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var monthOption: MonthOption
    public init() {}
    public func run() throws {
        try common.run("detect") { p in
            _ = try p.detect(try monthOption.resolve(p.today))
            return Exit.done
        }
    }
}

public struct EmitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Record the month's alerts in the case ledger; write the town lists, report and summary.",
        discussion: """
            Output: out/<month>/ — towns/<乡镇>.xlsx and .csv, alerts.jsonl,
            summary.json, quarantine.csv, unmatched/, report.html, metrics.prom —
            replaced whole and atomically.

            Examples:
              fangfan-emit --month 2021-05
              fangfan emit --month 2021-05 --out /srv/fangfan/out
            """)
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var monthOption: MonthOption
    @Flag(name: .long, help: "Print heads' full resident IDs on the lists (only where output.unmasked_ids = true; recorded in the ledger).")
    public var unmasked = false
    public init() {}
    public func run() throws {
        try common.run("emit") { p in
            _ = try p.emit(try monthOption.resolve(p.today), timings: [:], unmasked: unmasked)
            return Exit.done
        }
    }
}

public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole job for one month: ingest → link → detect → emit.",
        discussion: """
            Examples:
              fangfan run                        # the month before today
              fangfan run --month 2021-05 --config /srv/fangfan/county.toml
              fangfan run --quiet                # cron: warnings and errors only

            Crontab (02:00 on the 2nd of every month):
              0 2 2 * * cd /srv/fangfan && bin/fangfan run --quiet >> fangfan.log 2>&1

            Exit status:
              0   done (quarantined rows are not failures)
              65  done, but a file was rejected (state/rejected/NAME.reason.txt)
              64  bad command line
              74  I/O failure; nothing half-written is left, a rerun completes it
              75  another run holds the lock; nothing was done
              78  bad configuration; the message names the key
            """)
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var monthOption: MonthOption
    @Flag(name: .long, help: "Print heads' full resident IDs on the lists (only where output.unmasked_ids = true; recorded in the ledger).")
    public var unmasked = false
    public init() {}
    public func run() throws {
        try common.run("run") { p in
            let m = try monthOption.resolve(p.today)
            let line = try p.line(for: m)  // before anything changes: no line, no run
            try p.allowUnmasked(unmasked)  // refused before anything changes
            var timings: [String: Double] = [:]
            func timed<T>(_ name: String, _ f: () throws -> T) rethrows -> T {
                let t0 = Date()
                defer { timings[name] = Date().timeIntervalSince(t0) }
                return try f()
            }
            p.logger.info("run started", metadata: ["month": "\(m)", "line": "\(line.value)"])
            let ingest = try timed("ingest") { try p.ingest(keepRoster: true) }
            MemoryTuning.returnFreedMemory()  // ingest's buffers, before link's and detect's figures
            _ = try timed("link") {
                let report = try p.link(m, keepFigures: true)
                p.releaseJoinTables()  // detect and emit join no record to a person or household number
                return report
            }
            MemoryTuning.returnFreedMemory()
            _ = try timed("detect") {
                // (emit needs no roster index: let go of before detect writes and the ledger records)
                try p.detect(m, recordAhead: true, releasingRoster: true)
            }
            MemoryTuning.returnFreedMemory()  // link's figures, let go of in detect, and the roster
            let summary = try timed("emit") { try p.emit(m, timings: timings, unmasked: unmasked) }
            p.logger.info(
                "run done",
                metadata: [
                    "month": "\(m)", "out": "\(summary.outDir)",
                    "rejected_files": "\(ingest.rejected)",
                ])
            // Everything is written and synced, and the ledger is closed. What the process still holds (the
            // roster index, a province's alerts and figures: millions of small allocations) is left to the
            // kernel instead of being freed one by one, which takes seconds at province scale; the run lock,
            // a flock, is released by the exit.
            Foundation.exit(exitStatus(ingest))
        }
    }
}
