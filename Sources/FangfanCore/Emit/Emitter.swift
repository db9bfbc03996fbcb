import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The emit stage: records the month's alerts in the ledger and writes out/<M>/ whole, atomically.
public struct Emitter {
    let config: PipelineConfig
    /// RULES.md §7's suggestion of risk elimination, with the configured number of months.
    var elimination: EliminationSuggestion { EliminationSuggestion(months: config.rules.eliminationMonths) }
    let layout: StateLayout
    let month: Month
    /// The run's date (`--today`): the day D the ledger records for cases first listed now, and the day the
    /// verification deadline is counted to (RULES.md §13). Without it, nothing is overdue.
    let today: Day?
    let clock: () -> String

    /// Full head IDs on the lists (only where configured; recorded in the ledger).
    let unmasked: Bool

    public init(
        config: PipelineConfig, month: Month, today: Day? = nil, unmasked: Bool = false,
        clock: @escaping () -> String = isoNow
    ) {
        self.config = config
        self.today = today
        self.unmasked = unmasked
        self.layout = StateLayout(root: config.state)
        self.month = month
        self.clock = clock
    }

    /// - Parameters:
    ///   - known: the month's alerts, when detect ran in this process.
    ///   - recording: the ledger's recording of them, when `fangfan run` began it as soon as detect had decided,
    ///     with the days overdue the lists show (`overdueAhead`, asked before it began).
    func run(
        ledger: Ledger, timings: [String: Double], alerts known: [Alert]? = nil,
        recording ahead: (task: BackgroundTask<LedgerRecord>, overdueAhead: [String: Int])? = nil
    ) throws -> Summary {
        let started = Date()
        let work = layout.workDir(month)
        guard let detectData = readWholeFile(work + "/detect.json") else {
            throw IOFailure(
                path: work + "/detect.json", message: "detect has not run for \(month): run fangfan-detect --month \(month) first")
        }
        let detect = try JSONDecoder().decode(DetectReport.self, from: detectData)
        let link = try JSONDecoder().decode(LinkReport.self, from: Data(contentsOf: URL(fileURLWithPath: work + "/link.json")))
        let alerts = try known ?? Detector.readAlerts(work + "/alerts.jsonl")

        // The ledger (alerts open and update cases; evaluations feed the elimination suggestion) is written
        // on its own thread while the lists are made: at province scale each takes seconds. The lists are
        // made as if no elimination were suggested, with the days overdue read before the recording began
        // (`overdueAhead`); the towns whose rows the ledger's answer changes are made again once it has answered.
        let recording: BackgroundTask<LedgerRecord>
        let overdueAhead: [String: Int]
        if let ahead {
            (recording, overdueAhead) = ahead
        } else {
            overdueAhead = try Emitter.overdueAhead(ledger, today: today, rules: config.rules)
            let evaluations = try Evaluation.read(work + "/evaluations.csv")
            recording = Emitter.startRecording(
                month: month, today: today, alerts: alerts, evaluations: { evaluations },
                in: ledger, elimination: elimination)
        }

        let tmp = config.out + "/.\(month).tmp-\(getpid())"
        var heads: [String: String] = [:]
        // the alerts of each town, in list order (rows are made on the town's core, as its lists are written)
        var byTown: [String: [Int]] = [:]
        for i in alerts.indices { byTown[alerts[i].town, default: []].append(i) }
        // The town lists are written on threads of their own (`Emitter.startTowns`) while this thread makes the
        // rest of the month's folder and asks the ledger once it has recorded the month; they are waited for
        // before the towns whose rows the ledger changed are made again. On every way out (an error too) the
        // lists and the ledger's transaction are let finish or fail first.
        var lists: BackgroundTask<Void>?
        defer {
            _ = try? lists?.wait()
            _ = try? recording.wait()
        }
        // build the month's folder beside the old one, then swap
        try makeDirectory(config.out)
        cleanLeftovers()
        try? FileManager.default.removeItem(atPath: tmp)
        try makeDirectory(tmp + "/towns")
        try makeDirectory(tmp + "/unmatched")
        try makeDirectory(tmp + "/notice")
        if unmasked {
            let roster = try RosterIndex(store: try StagedStore(layout: layout))
            for h in roster.households { heads[h.id.description] = h.head?.person.description }
        }
        // one CSV and one XLSX per town of the roster
        lists = Emitter.startTowns(
            Set(detect.towns).union(byTown.keys).sorted(), alerts: alerts, byTown: byTown,
            heads: heads, unmasked: unmasked, suggested: nil, overdue: overdueAhead, into: tmp)
        // what needs nothing of the ledger, made while it is still being written
        for feed in Linker.feeds + FeedKind.basicNeeds {
            let src = "\(work)/unmatched/\(feed.rawValue).csv"
            if let d = readWholeFile(src) {
                try AtomicFile.write([0xEF, 0xBB, 0xBF] + [UInt8](d), to: "\(tmp)/unmatched/\(feed.rawValue).csv")
            }
        }
        let manifest = try Manifest(path: layout.manifest)
        try AtomicFile.write(quarantine(manifest), to: tmp + "/quarantine.csv")
        // the review list (RULES.md §11): written every month, with only its header when nothing is to review
        let reviewRows = try ReviewList.read(work + "/review.csv")
        try makeDirectory(tmp + "/review")
        let listed = ReviewList.rows(reviewRows, unmasked: unmasked)
        try AtomicFile.write(ReviewList.csv(listed), to: "\(tmp)/review/\(ReviewList.fileName).csv")
        try AtomicFile.write(try ReviewList.xlsx(listed), to: "\(tmp)/review/\(ReviewList.fileName).xlsx")
        let counts = alertCounts(detect: detect, link: link, alerts: alerts)
        let recorded = try recording.wait()
        // what the recording freed on its thread (the month's alerts and evaluations as the ledger takes them,
        // the alert ids and cases it read), kept by glibc in that thread's arena, handed back before the overdue
        // cases and the last lists are made here
        MemoryTuning.returnFreedMemory()
        let eliminate = recorded.eliminate
        var suggestedRows: [String: [TownList.Row]] = [:]
        // §13: the cases past the verification deadline (a case the month's alerts opened or brought back to
        // 预警 has D = today and is never among them)
        let overdue = try today.map { try ledger.overdueCases(today: $0, rule: Overdue(verifyDays: config.rules.verifyDays)) } ?? []
        let overdueDays = Dictionary(overdue.map { ($0.householdId, $0.days) }, uniquingKeysWith: { a, _ in a })
        var again = Emitter.townsOverdueChanged(alerts, ahead: overdueAhead, answered: overdueDays)
        if !eliminate.isEmpty {
            suggestedRows = eliminationRows(
                alerts, eliminate: eliminate, monitored: recorded.monitored,
                evaluations: recorded.evaluations, line: detect.line)
            again.formUnion(suggestedRows.keys)
            for i in alerts.indices where eliminate.contains(alerts[i].household_id) { again.insert(alerts[i].town) }
        }
        // the towns the answer changed, once the first lists are done, on threads of their own while this thread
        // goes on
        lists = Emitter.startTowns(
            again.sorted(), after: lists, alerts: alerts, byTown: byTown, heads: heads,
            unmasked: unmasked, suggested: (eliminate, suggestedRows), overdue: overdueDays, into: tmp)
        if unmasked {
            try ledger.recordDisclosure(
                month: month.description, run: "run \(month)",
                households: (alerts.map(\.household_id) + suggestedRows.values.flatMap { $0.map { $0.cells[5] } }).sorted())
        }
        if overdueDays.isEmpty {
            try linkOrCopyFile(work + "/alerts.jsonl", tmp + "/alerts.jsonl")
        } else {
            // detect's lines, with overdue_days where the case is overdue
            try AlertLines.write(alerts, to: tmp + "/alerts.jsonl", overdueDays: { overdueDays[$0] })
        }
        try AtomicFile.write(
            overdueCSV(overdue, alerts: alerts, evaluations: recorded.evaluations),
            to: tmp + "/overdue.csv")
        // the two files' buffers (alerts.jsonl's made on threads of their own, in their arenas), handed back
        MemoryTuning.returnFreedMemory()
        try writeNotices(
            try ledger.noticeEntries(month: month.description), alerts: alerts,
            evaluations: recorded.evaluations, into: tmp)
        // the review list's pairs are registered in the ledger, so that a returned decision finds them
        try ledger.registerProposals(ReviewList.proposals(reviewRows), month: month.description)

        var summary = makeSummary(
            detect: detect, link: link, alerts: counts, manifest: manifest,
            cases: try ledger.countsByState(), eliminations: eliminate.count, timings: timings)
        let pending = ReviewList.pendingRecords(reviewRows), decided = try ledger.reviewCounts()
        for feed in FeedKind.reviewed {
            let k = feed.rawValue
            summary.review[k] = .init(pending: pending[k] ?? 0, confirmed: decided[k]?.confirmed ?? 0, denied: decided[k]?.denied ?? 0)
        }
        summary.findings.by_trigger = try ledger.rulePrecision(
            monitoringYear: detect.monitoring_year, codes: Triggers.codes(basicNeeds: Emitter.basicNeedsInUse(link)))
        for t in detect.towns { summary.overdue[t] = 0 }
        for c in overdue { summary.overdue[c.town, default: 0] += 1 }
        let trend = try ledger.alertCountsByMonth()
        try lists?.wait()
        summary.timings["emit"] = Date().timeIntervalSince(started)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write([UInt8](try enc.encode(summary)), to: tmp + "/summary.json")
        try AtomicFile.write(Metrics.text(summary), to: tmp + "/metrics.prom")
        let report = reportData(summary, detect: detect, alertCountsByMonth: trend)
        try AtomicFile.write(ReportPage.render(report), to: tmp + "/report.html")
        CrashPoint.hit("emit-before-swap")
        try swapIn(tmp, config.out + "/" + month.description)
        summary.outDir = config.out + "/" + month.description
        return summary
    }

    /// What recording a month in the ledger answers: its monitored cases, those for which 风险已消除 is
    /// suggested, and the evaluations it was given.
    struct LedgerRecord: Sendable {
        var monitored: [CaseRow]
        var eliminate: Set<String>
        var evaluations: [Evaluation]
    }

    /// The days overdue the lists show, read before the month is recorded (`Ledger.overdueDays`; none without a
    /// run date): the month's alerts keep every overdue case in 预警 and its D, so the ledger answers the same
    /// once it has recorded them. Should it answer otherwise, `townsOverdueChanged` names the lists to make again.
    static func overdueAhead(_ ledger: Ledger, today: Day?, rules: RuleParameters) throws -> [String: Int] {
        try today.map { try ledger.overdueDays(today: $0, rule: Overdue(verifyDays: rules.verifyDays)) } ?? [:]
    }

    /// The towns of the alerts whose household's days overdue differ between the lists as made (`ahead`) and the
    /// ledger's answer once the month is recorded (`answered`): their lists are made again.
    static func townsOverdueChanged(_ alerts: [Alert], ahead: [String: Int], answered: [String: Int]) -> Set<String> {
        guard ahead != answered else { return [] }
        var towns = Set<String>()
        for i in alerts.indices where ahead[alerts[i].household_id] != answered[alerts[i].household_id] {
            towns.insert(alerts[i].town)
        }
        return towns
    }

    /// Records the month in the ledger on a thread of its own (`evaluations` are read there too).
    static func startRecording(
        month: Month, today: Day? = nil, alerts: [Alert], evaluations: @escaping @Sendable () throws -> [Evaluation],
        in ledger: Ledger, elimination: EliminationSuggestion
    ) -> BackgroundTask<LedgerRecord> {
        CrashPoint.hit("emit-before-ledger")
        return BackgroundTask {
            let e = try evaluations()
            let (monitored, eliminate) = try record(
                month: month, today: today, alerts: alerts, evaluations: e, in: ledger,
                elimination: elimination)
            return LedgerRecord(monitored: monitored, eliminate: eliminate, evaluations: e)
        }
    }

    /// Records the month in the ledger; returns its monitored cases and those for which 风险已消除 is suggested.
    static func record(
        month: Month, today: Day? = nil, alerts: [Alert], evaluations: [Evaluation], in ledger: Ledger,
        elimination: EliminationSuggestion
    ) throws -> (monitored: [CaseRow], eliminate: Set<String>) {
        // (alerts are read in place, by index: an Alert is dozens of references, each copy retains them all)
        var ledgerAlerts: [LedgerAlert] = []
        ledgerAlerts.reserveCapacity(alerts.count)
        for i in alerts.indices {
            ledgerAlerts.append(
                LedgerAlert(
                    alertId: alerts[i].alert_id, householdId: alerts[i].household_id, town: alerts[i].town,
                    village: alerts[i].village, month: alerts[i].month,
                    level: alerts[i].level, triggers: alerts[i].triggers,
                    householdType: alerts[i].household_type, category: alerts[i].category))
        }
        // (the month's text made once: a province records 1.5 million evaluations)
        let monthText = month.description
        try ledger.recordMonth(
            monthText, run: "run \(month)", today: today, alerts: ledgerAlerts,
            evaluations: evaluations.map {
                LedgerEvaluation(
                    householdId: $0.householdId, month: monthText, atOrAboveLine: $0.atOrAboveLine,
                    triggered: $0.triggered)
            })
        let monitored = try ledger.cases(state: .monitored)
        // whether each monitored household has labour, from its evaluation (the first, as before): a table of
        // the monitored households only, not of every evaluation (a province's are hundreds of thousands)
        let monitoredIDs = Set(monitored.map(\.householdId))
        var hasLabour: [String: Bool] = [:]
        for e in evaluations where monitoredIDs.contains(e.householdId) && hasLabour[e.householdId] == nil {
            hasLabour[e.householdId] = e.hasLabour
        }
        let recent = try ledger.recentEvaluations(
            month: month.description, households: monitored.map(\.householdId),
            limit: elimination.evaluationsRead)
        let eliminate = Set(
            monitored.filter {
                elimination.suggests(
                    $0, recent: recent[$0.householdId] ?? [], month: month.description,
                    hasLabour: hasLabour[$0.householdId] ?? false)
            }.map(\.householdId))
        try ledger.recordEliminationSuggestions(
            month: month.description, run: "run \(month)", households: eliminate.sorted(),
            detail: elimination.historyDetail)
        return (monitored, eliminate)
    }

    /// A town's list rows: its alerts in list order, with the suggestion of 风险已消除 where the ledger made it,
    /// then a row for each of its monitored cases suggested without an alert.
    static func townRows(
        _ alerts: [Alert], _ indices: [Int], heads: [String: String], unmasked: Bool,
        suggested: (eliminate: Set<String>, rows: [TownList.Row])?,
        overdue: [String: Int] = [:]
    ) -> [TownList.Row] {
        var rows: [TownList.Row] = []
        rows.reserveCapacity(indices.count)
        for i in indices {
            var row = TownList.row(
                alerts[i], eliminationSuggested: suggested?.eliminate.contains(alerts[i].household_id) ?? false,
                overdueDays: overdue[alerts[i].household_id])
            if unmasked, let id = heads[alerts[i].household_id] { row.cells[TownList.headIDColumn] = id }
            rows.append(row)
        }
        return rows + (suggested?.rows ?? [])
    }

    /// The rows of monitored cases suggested for 风险已消除 without an alert this month, by town, in household order.
    func eliminationRows(
        _ alerts: [Alert], eliminate: Set<String>, monitored: [CaseRow], evaluations: [Evaluation],
        line: String
    ) -> [String: [TownList.Row]] {
        var byTown: [String: [TownList.Row]] = [:]
        // (the evaluations of the suggested households only, not a table of every evaluation)
        var evalBy: [String: Evaluation] = [:]
        for e in evaluations where eliminate.contains(e.householdId) && evalBy[e.householdId] == nil { evalBy[e.householdId] = e }
        var alerted = Set<String>()
        for i in alerts.indices where eliminate.contains(alerts[i].household_id) { alerted.insert(alerts[i].household_id) }
        for c in monitored.sorted(by: { $0.householdId < $1.householdId })
        where eliminate.contains(c.householdId) && !alerted.contains(c.householdId) {
            guard let e = evalBy[c.householdId] else { continue }
            let f = e.fields
            byTown[c.town, default: []].append(
                TownList.eliminationRow(
                    alertId: c.lastAlertId ?? "", household: c.householdId, town: c.town, village: c.village,
                    headName: f["head_name"] ?? "", headMasked: f["head_id_masked"] ?? "", size: Int(f["size"] ?? "") ?? 0,
                    prev: f["prev_income"] ?? "", projected: f["income_projected"] ?? "", rigid: f["rigid"] ?? "",
                    npc: f["net_per_capita"] ?? "", line: line, reason: elimination.listReason))
        }
        return byTown
    }

    /// `writeTowns` on a thread of its own (with its threads that yield to the ledger's recording) while the
    /// caller goes on, once `earlier` lists are written (a town may be in both: its later list replaces it).
    static func startTowns(
        _ towns: [String], after earlier: BackgroundTask<Void>? = nil, alerts: [Alert], byTown: [String: [Int]],
        heads: [String: String], unmasked: Bool, suggested: (eliminate: Set<String>, rows: [String: [TownList.Row]])?,
        overdue: [String: Int], into tmp: String
    ) -> BackgroundTask<Void> {
        BackgroundTask(name: "fangfan-lists") {
            try earlier?.wait()
            guard !towns.isEmpty else { return }
            try writeTowns(
                towns, alerts: alerts, byTown: byTown, heads: heads, unmasked: unmasked, suggested: suggested,
                overdue: overdue, into: tmp)
        }
    }

    /// Makes and writes the CSV and XLSX lists of the towns, two towns at a time.
    static func writeTowns(
        _ towns: [String], alerts: [Alert], byTown: [String: [Int]], heads: [String: String], unmasked: Bool,
        suggested: (eliminate: Set<String>, rows: [String: [TownList.Row]])?, overdue: [String: Int],
        into tmp: String
    ) throws {
        _ = try ParallelResults.yielding(count: towns.count) { i in
            let town = towns[i]
            let rows = Emitter.townRows(
                alerts, byTown[town] ?? [], heads: heads, unmasked: unmasked,
                suggested: suggested.map { ($0.eliminate, $0.rows[town] ?? []) }, overdue: overdue)
            let name = TownList.fileName(town)
            try AtomicFile.write(TownList.csv(rows), to: "\(tmp)/towns/\(name).csv")
            try AtomicFile.write(try TownList.xlsx(rows, town: town), to: "\(tmp)/towns/\(name).xlsx")
        }.all()
    }

    /// `overdue.csv` (RULES.md §13), UTF-8 with BOM, in the cases' order (town, days overdue descending). The
    /// head's name from the month's alert, else from the household's evaluation of the month.
    func overdueCSV(_ cases: [OverdueCase], alerts: [Alert], evaluations: [Evaluation]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&out, Emitter.overdueHeaders)
        guard !cases.isEmpty else { return out }
        var names: [String: String] = [:]
        let wanted = Set(cases.map(\.householdId))
        for e in evaluations where wanted.contains(e.householdId) { names[e.householdId] = e.field("head_name") }
        for a in alerts where wanted.contains(a.household_id) { names[a.household_id] = a.head_name }
        for c in cases {
            CSVOut.appendRow(
                &out,
                [
                    c.town, c.village, c.householdId, names[c.householdId] ?? "", c.alertId,
                    c.level?.chinese ?? "", c.firstListedOn.description,
                ].map(CSVOut.inert) + [String(c.days)])
        }
        return out
    }

    /// notice/<乡镇>.csv and .xlsx (RULES.md §13) for each town with at least one household to post.
    func writeNotices(_ entries: [NoticeEntry], alerts: [Alert], evaluations: [Evaluation], into tmp: String) throws {
        guard !entries.isEmpty else { return }
        let wanted = Set(entries.map(\.householdId))
        var heads: [String: (name: String, size: String)] = [:]
        for e in evaluations where wanted.contains(e.householdId) {
            heads[e.householdId] = (e.field("head_name") ?? "", e.field("size") ?? "")
        }
        for a in alerts where wanted.contains(a.household_id) { heads[a.household_id] = (a.head_name, String(a.size)) }
        var byTown: [String: [[String]]] = [:]
        for e in entries {
            let h = heads[e.householdId] ?? ("", "")
            byTown[e.town, default: []].append(NoticeList.cells(e, headName: h.name, size: h.size))
        }
        for (town, rows) in byTown.sorted(by: { $0.key < $1.key }) {
            let name = TownList.fileName(town)
            try AtomicFile.write(NoticeList.csv(rows), to: "\(tmp)/notice/\(name).csv")
            try AtomicFile.write(try NoticeList.xlsx(rows, town: town), to: "\(tmp)/notice/\(name).xlsx")
        }
    }

    public static let overdueHeaders = ["乡镇", "行政村", "户编号", "户主姓名", "预警编号", "预警等级", "首次列出日期", "超期天数"]

    /// Every quarantined row of the files in the manifest, in ingest order.
    func quarantine(_ manifest: Manifest) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&out, QuarantineLine.header)
        for e in manifest.entries where e.status == .accepted && e.quarantined > 0 {
            guard let src = try? FileByteSource(path: layout.quarantineFile(seq: e.seq)),
                let dec = try? DecodedSource(src, encoding: .utf8)
            else { continue }
            let reader = CSVReader(dec, limits: CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64))
            _ = try? reader.next()
            while let r = try? reader.next() {
                CSVOut.appendRow(&out, (0..<r.count).map { CSVOut.inert(r.string($0)) })
            }
        }
        return out
    }

    /// Whether link linked the feeds of RULES.md §12 this month (a file of one of them has been accepted): only
    /// then do the summary and the report count their triggers.
    static func basicNeedsInUse(_ link: LinkReport) -> Bool {
        FeedKind.basicNeeds.contains { link.linked[$0.rawValue] != nil }
    }

    /// summary.json's counts of the alerts (all but `elimination_suggested`, which the ledger answers): made
    /// while the ledger is being written.
    func alertCounts(detect: DetectReport, link: LinkReport, alerts: [Alert]) -> Summary.Alerts {
        var byLevel: [String: Int] = [:], byTrigger: [String: Int] = [:], byRisk: [String: Int] = [:]
        var byChannel: [String: Int] = [:], byTown: [String: [String: Int]] = [:]
        for l in Level.allCases { byLevel[l.rawValue] = 0 }
        for c in Triggers.codes(basicNeeds: Emitter.basicNeedsInUse(link)) { byTrigger[c] = 0 }
        for ch in ["申报", "排查", "部门预警"] { byChannel[ch] = 0 }
        for t in detect.towns { byTown[t] = ["red": 0, "orange": 0, "yellow": 0] }
        // counted under keys hashed on their bytes (TextKey), then added to the String-keyed tables
        var levels = [Int](repeating: 0, count: Level.allCases.count)
        var triggers: [TextKey: Int] = [:], risks: [TextKey: Int] = [:], channels: [TextKey: Int] = [:]
        var towns: [TextKey: [Int]] = [:]
        for i in alerts.indices {
            let level = Level.allCases.firstIndex(of: alerts[i].level)!
            levels[level] += 1
            for t in alerts[i].triggers { triggers[TextKey(t), default: 0] += 1 }
            for r in alerts[i].risk_types { risks[TextKey(r), default: 0] += 1 }
            for c in alerts[i].channels { channels[TextKey(c), default: 0] += 1 }
            towns[TextKey(alerts[i].town), default: levels.map { _ in 0 }][level] += 1
        }
        for (l, n) in zip(Level.allCases, levels) { byLevel[l.rawValue, default: 0] += n }
        for (k, n) in triggers { byTrigger[k.text, default: 0] += n }
        for (k, n) in risks { byRisk[k.text, default: 0] += n }
        for (k, n) in channels { byChannel[k.text, default: 0] += n }
        for (k, counts) in towns {
            for (l, n) in zip(Level.allCases, counts) {
                byTown[k.text, default: ["red": 0, "orange": 0, "yellow": 0]][l.rawValue, default: 0] += n
            }
        }
        // §12: per category, only with the third category on
        var byCategory: [String: Int]?
        if config.rules.suddenHardship {
            var counts: [String: Int] = [:]
            for c in Category.all { counts[c] = 0 }
            for a in alerts { counts[a.category, default: 0] += 1 }
            byCategory = counts
        }
        return .init(
            total: alerts.count, by_level: byLevel, by_trigger: byTrigger, by_risk_type: byRisk,
            by_channel: byChannel, by_town: byTown, elimination_suggested: 0, by_category: byCategory)
    }

    func makeSummary(
        detect: DetectReport, link: LinkReport, alerts counts: Summary.Alerts, manifest: Manifest,
        cases: [CaseState: Int], eliminations: Int, timings: [String: Double]
    ) -> Summary {
        var alerts = counts
        alerts.elimination_suggested = eliminations
        var caseCounts: [String: Int] = [:]
        for s in CaseState.allCases { caseCounts[s.rawValue] = cases[s] ?? 0 }
        return Summary(
            month: month.description, monitoring_year: detect.monitoring_year,
            period: .init(
                from: detect.period_from, to: detect.period_to, months: detect.period_months,
                kind: detect.period_kind ?? MonitoringPeriod.Kind.plan2021.rawValue),
            line: detect.line,
            files: manifest.entries.map {
                .init(
                    feed: $0.feed, file: $0.file, sha256: $0.sha256, ingested_at: $0.ingested_at, status: $0.status,
                    reason: $0.reason, rows_read: $0.rows_read, accepted: $0.accepted, quarantined: $0.quarantined,
                    replaced: $0.replaced, extra_columns: $0.extra_columns)
            },
            unmatched: link.unmatched,
            alerts: alerts,
            cases: caseCounts, timings: timings, generated_at: clock())
    }

    /// The report's data; `alertCountsByMonth` the ledger's (`Ledger.alertCountsByMonth`).
    func reportData(
        _ s: Summary, detect: DetectReport, alertCountsByMonth: [(month: String, level: Level, count: Int)]
    ) -> ReportData {
        var trend: [String: (Int, Int, Int)] = [:]
        for (m, level, n) in alertCountsByMonth {
            var t = trend[m] ?? (0, 0, 0)
            switch level {
            case .red: t.0 += n
            case .orange: t.1 += n
            case .yellow: t.2 += n
            }
            trend[m] = t
        }
        var quality: [FeedQuality] = []
        for feed in FeedKind.allCases {
            let files = s.files.filter { $0.feed == feed.rawValue }
            // shown once the first review file comes back, the first file of a feed of RULES.md §12 arrives
            if (feed == .review || FeedKind.basicNeeds.contains(feed)) && files.isEmpty { continue }
            quality.append(
                FeedQuality(
                    feed: feed.title, files: files.count,
                    rejected: files.filter { $0.status == .rejected }.count,
                    duplicates: files.filter { $0.status == .duplicate }.count,
                    rowsRead: files.reduce(0) { $0 + $1.rows_read }, accepted: files.reduce(0) { $0 + $1.accepted },
                    quarantined: files.reduce(0) { $0 + $1.quarantined }, unmatched: s.unmatched[feed.rawValue] ?? 0))
        }
        return ReportData(
            title: "防返贫监测预警月报", month: s.month, periodFrom: s.period.from, periodTo: s.period.to,
            periodKind: s.period.kind,
            periodMonths: s.period.months, line: s.line, generatedAt: "截至 \(s.period.to) 已接收的部门数据", households: detect.households,
            towns: s.alerts.by_town.keys.sorted().map { t in
                let c = s.alerts.by_town[t]!
                return TownCounts(town: t, red: c["red"] ?? 0, orange: c["orange"] ?? 0, yellow: c["yellow"] ?? 0)
            },
            riskTypes: s.alerts.by_risk_type.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                ($0.key, $0.value)
            },
            channels: ["申报", "排查", "部门预警"].map { ($0, s.alerts.by_channel[$0] ?? 0) },
            cases: CaseState.allCases.map { ($0.rawValue, s.cases[$0.rawValue] ?? 0) },
            trend: trend.keys.sorted().map { (month: $0, red: trend[$0]!.0, orange: trend[$0]!.1, yellow: trend[$0]!.2) },
            quality: quality,
            rejectedFiles: s.files.filter { $0.status == .rejected }.map { ($0.file, $0.reason ?? "") },
            eliminationSuggested: s.alerts.elimination_suggested,
            review: FeedKind.reviewed.compactMap { f in
                s.review[f.rawValue].map { (feed: f.title, pending: $0.pending, confirmed: $0.confirmed, denied: $0.denied) }
            },
            overdue: s.overdue.keys.sorted().map { ($0, s.overdue[$0]!) },
            precision: s.findings.by_trigger.map { ($0.key, $0.value) },
            categories: s.alerts.by_category.map { c in Category.all.map { ($0, c[$0] ?? 0) } } ?? [])
    }

    /// Replaces out/<M> by the new folder: an atomic exchange where the kernel offers it, else two renames.
    func swapIn(_ tmp: String, _ final: String) throws {
        syncDirectory(tmp)
        if FileManager.default.fileExists(atPath: final) {
            if exchange(tmp, final) {
                try? FileManager.default.removeItem(atPath: tmp)
            } else {
                let old = config.out + "/.\(month).old-\(getpid())"
                if rename(final, old) != 0 { throw IOFailure(path: final, errno: errno, doing: "cannot move the previous outputs aside") }
                if rename(tmp, final) != 0 { throw IOFailure(path: final, errno: errno, doing: "cannot move the new outputs into place") }
                try? FileManager.default.removeItem(atPath: old)
            }
        } else if rename(tmp, final) != 0 {
            throw IOFailure(path: final, errno: errno, doing: "cannot move the outputs into place")
        }
        syncDirectory(config.out)
    }

    /// renameat2(RENAME_EXCHANGE), looked up in glibc at run time (glibc 2.28+, Linux 3.15+).
    func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "renameat2") else { return false }
        let f = unsafeBitCast(sym, to: RenameAt2.self)
        let AT_FDCWD: Int32 = -100
        let RENAME_EXCHANGE: UInt32 = 2
        return f(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0
    }

    /// Folders a killed emit left behind.
    func cleanLeftovers() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: config.out)) ?? []
        where name.hasPrefix(".") && (name.contains(".tmp-") || name.contains(".old-")) {
            try? FileManager.default.removeItem(atPath: config.out + "/" + name)
        }
    }
}

extension Pipeline {
    /// `--unmasked` is refused (exit 78, naming the key) unless the configuration allows full IDs on lists.
    public func allowUnmasked(_ requested: Bool) throws {
        if requested && !config.unmaskedLists {
            throw ConfigError(
                file: config.file, key: "output.unmasked_ids",
                message:
                    "--unmasked prints full resident IDs on the lists: allowed only where the configuration sets output.unmasked_ids = true"
            )
        }
    }

    public func emit(_ m: Month, timings: [String: Double], unmasked: Bool = false) throws -> Summary {
        try layout.prepare()
        try allowUnmasked(unmasked)
        let ahead = recordingAhead?.month == m ? recordingAhead : nil
        recordingAhead = nil
        let summary = try Emitter(config: config, month: m, today: today, unmasked: unmasked).run(
            ledger: try ahead?.ledger ?? openLedger(),
            timings: timings, alerts: alertsInMemory(m),
            recording: ahead.map { ($0.task, $0.overdueAhead) })
        logger.info("emit done", metadata: ["month": "\(m)", "out": "\(summary.outDir)", "alerts": "\(summary.alerts.total)"])
        return summary
    }
}
