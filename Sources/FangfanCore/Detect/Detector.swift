import Foundation

/// The detect stage: household figures for the period, triggers, levels, categories, suggestions (RULES.md §3–§6).
public struct Detector: Sendable {
    let layout: StateLayout
    let period: MonitoringPeriod
    let line: Money
    let rules: RuleParameters

    public init(layout: StateLayout, period: MonitoringPeriod, line: Money, rules: RuleParameters) {
        self.layout = layout
        self.period = period
        self.line = line
        self.rules = rules
    }

    /// Reads link's files of the month and accumulates each household's figures (detect run by hand;
    /// `fangfan run` hands detect what link accumulated as it wrote those files).
    public func figures(roster: RosterIndex) throws -> FeedFigures.Merged {
        FeedFigures.Merged(try figureParts(roster: roster), households: roster.households.count)
    }

    /// Each feed's share of the figures, from link's files (see `figures`).
    func figureParts(roster: RosterIndex) throws -> [FeedFigures] {
        let dir = layout.workDir(period.month) + "/linked"
        var parts: [FeedFigures] = []
        // (the feeds of RULES.md §12 only where link linked them: once a file of one of them was accepted)
        for feed in Linker.feeds + FeedKind.basicNeeds {
            let path = "\(dir)/\(feed.rawValue).csv"
            if FeedKind.basicNeeds.contains(feed) && !FileManager.default.fileExists(atPath: path) { continue }
            guard FileManager.default.fileExists(atPath: path) else {
                throw IOFailure(path: path, message: "link has not run for \(period.month): run fangfan-link --month \(period.month) first")
            }
            var part = FeedFigures(
                feed: feed, period: period, households: roster.households.count,
                recentMonths: rules.forecastRecentMonths)
            // the feed's linked files in order: income.csv, income-2.csv, …
            var k = 0
            while case let file = "\(dir)/\(Linker.linkedFileName(feed, part: k))", k == 0 || FileManager.default.fileExists(atPath: file) {
                let reader = CSVReader(
                    try DecodedSource(try FileByteSource(path: file), encoding: .utf8),
                    limits: CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64))
                _ = try reader.next()
                while let r = try reader.next() {
                    guard let h = roster.index(of: HouseholdID.staged(r[0])) else { continue }
                    part.add(h, r, offset: 1)
                }
                k += 1
            }
            parts.append(part)
        }
        return parts
    }

    /// Lets the medical feed's parts keep the settlements for evidence of the households 因病 fires for only
    /// (`IllnessTrigger`, the only reader of them, asked with the same out-of-pocket totals detect will give
    /// it): what the others kept, most of a province's hundreds of MB, goes before the alerts are made. The
    /// parts must be this caller's alone (a copy held elsewhere would keep the old storage alive).
    public func keepIllnessEvidenceOnly(_ parts: inout [FeedFigures], roster: RosterIndex) {
        guard parts.contains(where: { $0.feed == .medical }) else { return }
        let fires = illnessHouseholds(parts, roster: roster)
        for k in parts.indices where parts[k].feed == .medical { parts[k].keepSettlements(of: fires) }
    }

    /// The households 因病 fires for, from the figures detect will evaluate (a function of its own, so that its
    /// merged view of the parts is let go of before they change).
    private func illnessHouseholds(_ parts: [FeedFigures], roster: RosterIndex) -> Bitset {
        let figs = FeedFigures.Merged(parts, households: roster.households.count)
        var fires = Bitset(count: roster.households.count)
        for p in parts where p.feed == .medical {
            for h in p.households where !fires.contains(h) {
                let t = IllnessTrigger.test(oop: figs.medicalOutOfPocket(h), household: roster.households[h], rules: rules)
                if t.relative || t.absolute { fires.insert(h) }
            }
        }
        return fires
    }

    /// Evaluates one household: nil when it gets no alert.
    public func evaluate(
        _ h: Household, _ f: HouseholdFigures, settlements: [SettlementRecord], disasters: [DisasterRecord],
        basicNeeds: BasicNeedsRecords = BasicNeedsRecords(), monitoredCase: Bool
    ) -> (alert: Alert?, npc: FenFraction, fired: [FiredTrigger]) {
        let ctx = TriggerContext(
            household: h, figures: f, settlements: settlements, disasters: disasters, rules: rules,
            period: period, line: line, basicNeeds: basicNeeds)
        let fired = Triggers.evaluate(ctx)
        let codes = fired.map(\.code).sorted()
        let npc = f.netPerCapita(prevIncome: h.prevIncome, size: h.size)
        guard let level = Level.of(triggers: codes, netPerCapita: npc, line: line, nearFactor: rules.nearFactor) else {
            return (nil, npc, fired)
        }
        var notes: [String] = []
        if f.monthsWithIncome == 0 {
            notes.append("\(period.named)无收入申报")
        } else if f.monthsWithIncome < period.months {
            notes.append("收入申报不全 (\(f.monthsWithIncome)/\(period.months))\(period.boundsNote)")
        }
        if h.prevIncome.fen == 0 { notes.append("上年收入为零") }
        if fired.isEmpty { notes.append("无风险触发，人均纯收入低于监测线") }
        var risks: [String] = []
        for t in fired { for r in t.riskTypes where !risks.contains(r) { risks.append(r) } }
        let channels =
            fired.first { $0.code == DeclaredTrigger.code }.map { t in
                Array(Set(t.evidence.compactMap { $0.record })).sorted().map { $0 == "农户申报" ? "申报" : "排查" }
            } ?? []
        let head = h.head
        let alert = Alert(
            alert_id: Alert.id(household: h.id, monitoringYear: period.monitoringYear, triggers: codes),
            household_id: h.id.description, town: h.town, village: h.village, level: level,
            category: Category.of(
                h.type, monitoredCase: monitoredCase, suddenHardship: rules.suddenHardship, fired: fired,
                below: npc.isBelow(line)),
            triggers: codes,
            prev_income: h.prevIncome.description,
            income_projected: f.incomeProjected(prevIncome: h.prevIncome).rounded.description,
            rigid: f.rigid.description, net_per_capita: npc.rounded.description, line: line.description,
            evidence: fired.flatMap(\.evidence), notes: notes,
            suggested: Suggestions.of(household: h, fired: fired, level: level),
            month: period.month.description, household_type: h.type.rawValue, size: h.size,
            head_name: head?.name ?? "", head_id_masked: head?.person.masked ?? "",
            risk_types: risks, channels: channels.isEmpty ? ["部门预警"] : (codes.count > 1 ? channels + ["部门预警"] : channels),
            months_with_income: f.monthsWithIncome, period_months: period.months,
            npc_numerator: npc.numerator, npc_denominator: npc.denominator)
        return (alert, npc, fired)
    }

    /// Runs detect for the month: writes alerts.jsonl, evaluations.csv and detect.json into the work folder.
    /// - Parameter caseStates: household → ledger state. 监测中 households are listed as 在监测, and so are
    ///   风险已消除 ones: that state is a mark on a monitored household, never an exit (RULES.md §7).
    /// - Parameter linked: what link accumulated in this process, if it ran; else link's files are read.
    public func run(roster: RosterIndex, caseStates: [String: String], linked: [FeedFigures]? = nil) throws -> (
        alerts: [Alert], report: DetectReport
    ) {
        let result = try evaluate(roster: roster, caseStates: caseStates, linked: linked)
        try write(result)
        return (result.alerts, result.report)
    }

    /// What detect decided for the month, before it is written.
    public struct Result: Sendable {
        public var alerts: [Alert]
        /// evaluations.csv, header included
        public var evaluations: [UInt8]
        public var report: DetectReport
    }

    /// Evaluates every household of the roster (see `run`).
    public func evaluate(roster: RosterIndex, caseStates: [String: String], linked: [FeedFigures]? = nil) throws -> Result {
        var figures = linked
        return try evaluate(roster: roster, caseStates: caseStates, lettingGoOf: &figures)
    }

    /// Evaluates every household of the roster, and lets go of what link accumulated (`linked`, set to nil) once
    /// every household is evaluated, before the pieces' alerts are put together: a province's figures are
    /// hundreds of MB, and the alerts' array is made beside the pieces' (`fangfan run`, whose figures are
    /// detect's alone by then).
    func evaluate(roster: RosterIndex, caseStates: [String: String], lettingGoOf linked: inout [FeedFigures]?) throws -> Result {
        var parts = try evaluatePieces(roster: roster, caseStates: caseStates, linked: linked)
        if linked != nil {
            linked = nil
            // freed on link's threads and kept by glibc (`MemoryTuning.keepFreedMemory`): handed back before the
            // alerts' array is made and the ledger's and the writing's threads start
            MemoryTuning.returnFreedMemory()
        }
        var evals: [UInt8] = []
        evals.reserveCapacity(parts.reduce(0) { $0 + $1.evals.count } + 256)
        CSVOut.appendRow(&evals, Evaluation.header)
        var alerts: [Alert] = []
        alerts.reserveCapacity(parts.reduce(0) { $0 + $1.alerts.count })
        for k in parts.indices {
            evals += parts[k].evals
            parts[k].evals = []
            // (moved in whole: an Alert is dozens of references, and its piece's array is let go of right after)
            alerts.append(contentsOf: parts[k].alerts)
            parts[k].alerts = []
        }
        // the pieces' arrays, let go of, handed back before the writing's and the ledger's buffers are made
        MemoryTuning.returnFreedMemory()
        Detector.list(&alerts, towns: roster.towns)
        let report = DetectReport(
            month: period.month.description, period_from: period.from.description,
            period_to: period.to.description, period_months: period.months, period_kind: period.kind.rawValue,
            monitoring_year: period.monitoringYear, line: line.description,
            towns: roster.towns, households: roster.households.count, alerts: alerts.count)
        return Result(alerts: alerts, evaluations: evals, report: report)
    }

    /// The households' alerts and evaluations.csv rows, in pieces of the roster in order.
    private func evaluatePieces(
        roster: RosterIndex, caseStates: [String: String], linked: [FeedFigures]?
    ) throws -> [(alerts: [Alert], evals: [UInt8])] {
        let figs: FeedFigures.Merged
        if let linked {
            figs = FeedFigures.Merged(linked, households: roster.households.count)
        } else {
            var parts = try figureParts(roster: roster)
            keepIllnessEvidenceOnly(&parts, roster: roster)
            figs = FeedFigures.Merged(parts, households: roster.households.count)
        }
        // households are independent: evaluated in pieces on both cores, kept in roster order. Sixteen pieces,
        // not two halves: the pieces' alerts are moved into one array piece by piece, each let go of once moved,
        // so that the alerts are held about once, not twice, at that moment (a province's are hundreds of MB)
        let n = roster.households.count
        // the ledger's states by household number (no String made per household to look one up)
        var stateOf: [UInt64: String] = [:]
        for (id, state) in caseStates { stateOf[HouseholdID.staged(id.utf8).key] = state }
        let states = stateOf
        let pieces = n < 4096 ? 2 : 16
        return try ParallelResults(count: pieces) { part -> (alerts: [Alert], evals: [UInt8]) in
            var alerts: [Alert] = []
            var evals: [UInt8] = []
            var shared = AlertLists()
            for i in (n * part / pieces)..<(n * (part + 1) / pieces) {
                let h = roster.households[i]
                let state = states.isEmpty ? nil : states[h.id.key]
                let f = figs[i]
                let (alert, npc, fired) = evaluate(
                    h, f, settlements: figs.settlements(i), disasters: figs.disasters(i), basicNeeds: figs.basicNeeds(i),
                    monitoredCase: state == CaseState.monitored.rawValue
                        || state == CaseState.eliminated.rawValue)
                // evaluated: a household with a case, or one this month's alert opens a case for (so that a rerun
                // of the month, which finds that case in the ledger, evaluates the same households)
                let evaluated = state != nil || alert != nil
                if var a = alert {
                    shared.share(&a)
                    alerts.append(a)
                }
                if evaluated {
                    let row = [
                        h.id.description, npc.isBelow(line) ? "0" : "1", fired.isEmpty ? "0" : "1",
                        h.members.contains { $0.labour.hasAny } ? "1" : "0", h.town, h.village,
                        h.head?.name ?? "", h.head?.person.masked ?? "", String(h.size), h.prevIncome.description,
                        f.incomeProjected(prevIncome: h.prevIncome).rounded.description, f.rigid.description,
                        npc.rounded.description,
                    ]
                    CSVOut.appendRow(&evals, row)
                }
            }
            return (alerts, evals)
        }.all()
    }

    /// Writes alerts.jsonl, evaluations.csv and detect.json into the month's work folder.
    public func write(_ result: Result) throws {
        let alerts = result.alerts
        let dir = layout.workDir(period.month)
        try makeDirectory(dir)
        CrashPoint.hit("detect-before-write")
        removeTemporaryFiles(in: dir)  // a killed detect's (a province's alerts.jsonl is hundreds of MB)
        try AlertLines.write(alerts, to: dir + "/alerts.jsonl", batchWritten: { CrashPoint.hit("detect-mid-write") })
        try AtomicFile.write(result.evaluations, to: dir + "/evaluations.csv")
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write([UInt8](try enc.encode(result.report)), to: dir + "/detect.json")
    }

    /// Puts the alerts in list order (RULES.md §8): by town, then level (red, orange, yellow), net income
    /// per capita ascending (exact fractions), household id. Sorts positions on keys taken out once (town
    /// ranks, not Chinese names compared again and again), then moves the alerts into place by swapping
    /// (an Alert is dozens of references: a copy retains them all).
    static func list(_ alerts: inout [Alert], towns: [String]) {
        var rank: [String: Int] = [:]
        var named = Set(towns)
        for i in alerts.indices { named.insert(alerts[i].town) }
        for (i, t) in named.sorted().enumerated() { rank[t] = i }
        let townRank = alerts.indices.map { rank[alerts[$0].town]! }
        let levels = alerts.indices.map { alerts[$0].level }, npcs = alerts.indices.map { alerts[$0].npc }
        let ids = alerts.indices.map { alerts[$0].household_id }
        let order = alerts.indices.sorted { i, j in
            if townRank[i] != townRank[j] { return townRank[i] < townRank[j] }
            if levels[i] != levels[j] { return levels[i] < levels[j] }
            if npcs[i] < npcs[j] { return true }
            if npcs[j] < npcs[i] { return false }
            return ids[i] < ids[j]
        }
        permute(&alerts, by: order)
    }

    /// Reorders `a` so that `a[k]` is the old `a[order[k]]`, following each cycle of the permutation with swaps.
    static func permute<T>(_ a: inout [T], by order: [Int]) {
        var placed = [Bool](repeating: false, count: a.count)
        // (swapped as memory through the buffer: no element is copied, retained or released)
        a.withUnsafeMutableBufferPointer { a in
            for start in a.indices where !placed[start] {
                var k = start
                while true {
                    placed[k] = true
                    let source = order[k]
                    if source == start { break }
                    a.swapAt(k, source)  // a[k] gets its element; the one that was at `start` moves on
                    k = source
                }
            }
        }
    }

    public static func readAlerts(_ path: String) throws -> [Alert] {
        guard let data = readWholeFile(path) else {
            throw IOFailure(path: path, message: "no alerts: run fangfan-detect for this month first")
        }
        let dec = JSONDecoder()
        return try data.split(separator: 0x0A).map { try dec.decode(Alert.self, from: Data($0)) }
    }
}
