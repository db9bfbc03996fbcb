import Foundation
import Logging

/// The four stages over one configuration: what each command runs.
public final class Pipeline {
    public let config: PipelineConfig
    public let today: Day
    public let logger: Logger
    public let progress: IngestProgress?
    public let layout: StateLayout

    public init(config: PipelineConfig, today: Day, logger: Logger, progress: IngestProgress?) {
        self.config = config
        self.today = today
        self.logger = logger
        self.progress = progress
        layout = StateLayout(root: config.state)
    }

    /// The monitoring line for the month's monitoring year, or the configuration error naming the year.
    public func line(for m: Month) throws -> MonitoringLine {
        try config.line(forYear: MonitoringPeriod(evaluating: m, kind: config.rules.period).monitoringYear)
    }

    /// - Parameter keepRoster: make the index of a roster read now, for link and detect in this process.
    public func ingest(keepRoster: Bool = false) throws -> IngestReport {
        try layout.prepare()
        // A county's first run on the shared ledger may take its county from the roster it is ingesting: the
        // ledger is then opened when a verification or review file first needs it.
        let onDemand = try config.ledgerURL != nil && shared == nil && county() == nil
        let sink = onDemand ? LedgerOnDemand { try self.openLedger() } : LedgerOnDemand(try openLedger())
        var report = try Ingestor(
            config: config, today: today, logger: logger, findings: sink, reviews: sink, progress: progress,
            buildsRosterIndex: keepRoster
        ).run()
        // the index is the pipeline's from here (the report goes to the caller, who may keep it to the end)
        if let r = report.roster { rosterCache = (r.seq, r.index) }
        report.roster = nil
        return report
    }

    /// The roster index of the latest staged roster, built once per process (run uses it for link and detect).
    private var rosterCache: (seq: Int?, index: RosterIndex)?
    /// Lets go of the roster index once nothing of the process needs it (`fangfan run` after detect: emit
    /// reads no roster, and the ledger, shared or not, is open by then). A later stage would build it again.
    public func releaseRoster() { rosterCache = nil }

    /// Whether the process holds a roster index (the tests ask).
    var holdsRoster: Bool { rosterCache != nil }

    /// Lets go of the roster index's join tables once link is done (`fangfan run`: detect and emit join no
    /// record to a person or a household number).
    public func releaseJoinTables() { rosterCache?.index.releaseJoinTables() }

    /// What link accumulated in this process for detect (month and roster it was linked with).
    private var linked: (month: Month, rosterSeq: Int?, figures: [FeedFigures])?
    /// The ledger's recording of the month, begun by detect in this process (`fangfan run`), for emit to finish.
    var recordingAhead: (month: Month, ledger: Ledger, overdueAhead: [String: Int], task: BackgroundTask<Emitter.LedgerRecord>)?
    /// The alerts detect computed in this process, handed to emit without reading them back.
    private var detected: (month: Month, alerts: [Alert])?

    func roster(_ store: StagedStore) throws -> RosterIndex {
        let seq = store.files(.roster).last?.entry.seq
        if let c = rosterCache, c.seq == seq { return c.index }
        let index = try RosterIndex(store: store)
        rosterCache = (seq, index)
        return index
    }

    /// - Parameter keepFigures: keep what link accumulates for detect in this process (`fangfan run`).
    public func link(_ m: Month, keepFigures: Bool = false) throws -> LinkReport {
        try layout.prepare()
        let store = try StagedStore(layout: layout)
        let roster = try roster(store)
        if roster.households.isEmpty {
            logger.warning("no roster has been ingested yet: every department record is unmatched")
        }
        let (report, figures) = try Linker(
            layout: layout, period: MonitoringPeriod(evaluating: m, kind: config.rules.period),
            recentIncomeMonths: config.rules.forecastRecentMonths
        )
        .run(store: store, roster: roster, accumulating: keepFigures, review: try openLedger().reviewDecisions())
        linked = keepFigures ? (m, rosterCache?.seq, figures) : nil
        logger.info(
            "link done",
            metadata: [
                "month": "\(m)", "households": "\(roster.households.count)",
                "linked": "\(report.linked.values.reduce(0, +))",
                "unmatched": "\(report.unmatched.values.reduce(0, +))",
                "review_records": "\(report.reviewRecords)", "review_rows": "\(report.reviewRows)",
                "review_seconds": "\(String(format: "%.3f", report.reviewSeconds))",
            ])
        return report
    }

    /// - Parameters:
    ///   - recordAhead: begin emit's recording of the month in the ledger as soon as the alerts are decided, on a
    ///     thread of its own, while detect writes its files (`fangfan run`).
    ///   - releasingRoster: let go of the roster index once the households are evaluated, before the recording
    ///     and the writing start (`fangfan run`: nothing after detect needs it; a province's is hundreds of MB).
    public func detect(_ m: Month, recordAhead: Bool = false, releasingRoster: Bool = false) throws -> [Alert] {
        let line = try line(for: m)
        try layout.prepare()
        let store = try StagedStore(layout: layout)
        let ledger = try openLedger()
        let detector = Detector(
            layout: layout, period: MonitoringPeriod(evaluating: m, kind: config.rules.period), line: line.value, rules: config.rules)
        let result: Detector.Result
        do {
            let roster = try roster(store)
            let states = try ledger.caseStates().mapValues { $0.rawValue }
            // what link accumulated is detect's alone: let go once evaluated, so that detect's files and emit's
            // lists reuse its memory (a province's figures and evidence are hundreds of MB); freeing it costs
            // little (a few large arrays, not an object per record)
            var figures = linkedInMemory(m, store: store)
            linked = nil
            if figures != nil {
                // (the figures are this function's alone now: their evidence text is let go of, not copied)
                detector.keepIllnessEvidenceOnly(&figures!, roster: roster)
                MemoryTuning.returnFreedMemory()
            }
            // (the figures let go of once evaluated, before the alerts are put together)
            result = try detector.evaluate(roster: roster, caseStates: states, lettingGoOf: &figures)
        }
        if releasingRoster {
            releaseRoster()
            MemoryTuning.returnFreedMemory()
        }
        recordingAhead = nil
        if recordAhead {
            recordingAhead = (
                m, ledger,
                try Emitter.overdueAhead(ledger, today: today, rules: config.rules),
                Emitter.startRecording(
                    month: m, today: today, alerts: result.alerts,
                    evaluations: { try Evaluation.read(csv: result.evaluations) },
                    in: ledger,
                    elimination: EliminationSuggestion(months: config.rules.eliminationMonths))
            )
        }
        do {
            try detector.write(result)
        } catch {
            _ = try? recordingAhead?.task.wait()
            recordingAhead = nil
            throw error
        }
        let alerts = result.alerts
        var byLevel: Logger.Metadata = ["month": "\(m)"]
        var counts: [Level: Int] = [:]
        for i in alerts.indices { counts[alerts[i].level, default: 0] += 1 }
        for l in Level.allCases { byLevel[l.rawValue] = "\(counts[l] ?? 0)" }
        logger.info("detect done", metadata: byLevel)
        detected = (m, alerts)
        return alerts
    }

    /// What link accumulated for the month in this process, if it linked with the roster detect uses.
    func linkedInMemory(_ m: Month, store: StagedStore) -> [FeedFigures]? {
        guard let l = linked, l.month == m, l.rosterSeq == store.files(.roster).last?.entry.seq else { return nil }
        return l.figures
    }

    /// Alerts detect wrote for the month in this process, if any.
    func alertsInMemory(_ m: Month) -> [Alert]? { detected?.month == m ? detected?.alerts : nil }

    /// Whether a ledger this pipeline opens on the shared ledger takes the county's advisory lock (a run's
    /// commands do; the `ledger` views do not).
    public var locksLedger = true
    /// The shared ledger, opened once per process: its session holds the county's lock.
    private var shared: Ledger?

    /// The run's ledger: SQLite in the state folder, or the shared ledger (`[ledger] url`, `--ledger`) scoped
    /// to the run's county and locked for it.
    public func openLedger() throws -> Ledger {
        guard let url = config.ledgerURL else {
            try layout.prepare()
            return try Ledger(path: layout.ledger)
        }
        if let shared { return shared }
        guard let county = try county() else {
            throw ConfigError(
                file: config.file, key: "county",
                message:
                    "a run on the shared ledger belongs to one county, and no roster has been ingested yet to take it from: set county = \"NNNNNN\" (its six digits)"
            )
        }
        let ledger = try Ledger(url: url, county: county, lock: locksLedger)
        shared = ledger
        return ledger
    }

    /// The `ledger` views: the whole shared ledger, or one county's part (`county`); SQLite as the run's.
    public func openLedgerView(county: String?) throws -> Ledger {
        guard let url = config.ledgerURL else {
            try layout.prepare()
            return try Ledger(path: layout.ledger)
        }
        return try Ledger(url: url, county: county, lock: false)
    }

    /// The run's county: config `county`, else the first six digits of the latest staged roster's households
    /// (a roster of several counties is a configuration error); nil when there is no roster yet.
    public func county() throws -> String? {
        try layout.prepare()
        let store = try StagedStore(layout: layout)
        guard store.files(.roster).last != nil else { return config.county }
        var counties = Set<UInt64>()
        let households = try roster(store).households
        for h in households.indices { counties.insert(households.id(h).key / 10_000_000_000) }
        if let c = config.county, let other = counties.first(where: { String(format: "%06llu", $0) != c }) {
            throw ConfigError(
                file: config.file, key: "county",
                message:
                    "the run belongs to county \(c), but the roster holds households of county \(String(format: "%06llu", other)): give each county its own roster"
            )
        }
        if let c = config.county { return c }
        guard counties.count <= 1 else {
            let list = counties.sorted().prefix(5).map { String(format: "%06llu", $0) }.joined(separator: ", ")
            throw ConfigError(
                file: config.file, key: "county",
                message:
                    "the roster holds households of \(counties.count) counties (\(list)…): a run on the shared ledger belongs to one county; give each its own roster and set county"
            )
        }
        return counties.first.map { String(format: "%06llu", $0) }
    }
}
