import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `--event` named an event no ingested disaster record carries (exit 64).
public struct UnknownDisasterEvent: Error, CustomStringConvertible {
    public let ids: [String]
    public let known: [String]
    public var description: String {
        let list =
            known.isEmpty
            ? "no disaster record has been ingested yet"
            : "events ingested: " + (known.count > 20 ? known.prefix(20).joined(separator: ", ") + ", …" : known.joined(separator: ", "))
        return "unknown disaster event \(ids.joined(separator: ", ")) (--event): no ingested disaster record has this 灾害编号; \(list)"
    }
}

/// What one sweep did.
public struct SweepReport: Sendable {
    public struct Event: Sendable {
        public var id: String
        public var dir: String
        public var struck: Int
        public var listed: Int
        public var unmatched: Int
    }
    public var events: [Event] = []
}

/// summary.json of out/sweep/<event_id>/: households struck and listed per town and village. Keys sorted;
/// everything but `generated_at` and `timings` is a function of the state.
public struct SweepSummary: Codable, Sendable {
    public struct Counts: Codable, Sendable {
        /// Households with a record in the event (本次受灾 是).
        public var struck = 0
        /// Households on the list.
        public var listed = 0
        /// Records of the event whose person is in no household of the roster.
        public var unmatched = 0
    }
    public struct Town: Codable, Sendable {
        public var struck = 0
        public var listed = 0
        public var unmatched = 0
        public var villages: [String: Counts] = [:]
    }
    public struct File: Codable, Sendable {
        public var file: String
        public var sha256: String
    }
    public var event_id: String
    public var event_name: String
    public var hazard: String
    public var occurred: String
    /// The disaster files carrying the event's records, in ingest order.
    public var files: [File]
    /// The roster file the households come from.
    public var roster: File?
    /// The event's records (the latest version of each), those matched to a household, and those not.
    public var records: Int
    public var matched: Int
    public var unmatched: Int
    /// Unmatched records that state no town or village (their place cannot be known).
    public var unmatched_without_place: Int
    public var households_struck: Int
    public var households_listed: Int
    /// Listed households by why: 本次受灾, else roster type 脱贫户/监测户, else a case in the ledger.
    public var listed_by_reason: [String: Int]
    public var towns: [String: Town]
    public var timings: [String: Double]
    public var generated_at: String
}

/// The disaster sweep of RULES.md §10 over the staged disaster records, the roster index and the ledger.
/// It never links or detects: it reads the latest roster, the disaster feed's staged files (deduplicated by
/// record key as link does, through `Linker.plan`), and asks the ledger about the struck villages' households.
struct Sweeper {
    let pipeline: Pipeline
    var layout: StateLayout { pipeline.layout }
    var logger: Logger { pipeline.logger }

    /// Event ids of each accepted disaster file, in ingest order.
    static func eventsByFile(_ store: StagedStore) throws -> [(seq: Int, events: Set<String>)] {
        var out: [(seq: Int, events: Set<String>)] = []
        for (entry, path) in store.files(.disaster) {
            var events = Set<String>()
            var last: [UInt8] = []
            try StagedStore.forEach(.disaster, file: path) { r in
                let id = r[0]
                if id.elementsEqual(last) { return }  // an event's records come together
                last = Array(id)
                events.insert(String(decoding: id, as: UTF8.self))
            }
            out.append((entry.seq, events))
        }
        return out
    }

    /// The latest version of each record of the wanted events, per event in ingest order, with the files
    /// that carry them and the event's name, hazard and date as its last record states them.
    struct EventRecords {
        var records: [SweepRule.Record] = []
        var seqs: [Int] = []
        var name = "", hazard = "", occurred = ""
    }

    static func records(of wanted: Set<String>, store: StagedStore, roster: RosterIndex) throws -> [String: EventRecords] {
        let join = FeedJoin(feed: .disaster, roster: roster)
        let plan = try Linker.plan(join, store: store)
        let files = store.files(.disaster)
        var out: [String: EventRecords] = [:]
        for (k, file) in plan.files.enumerated() {
            let seq = files[k].entry.seq
            var ordinal = file.first
            try StagedStore.forEach(.disaster, file: file.path) { r in
                let o = ordinal
                ordinal += 1
                // event_id hazard event_name occurred person_id name town village house_damage crop_area_mu direct_loss
                let event = r.string(0)
                guard wanted.contains(event) else { return }
                // (modified in place: a copy of the entry would copy its records at every append)
                if out[event] == nil { out[event] = EventRecords() }
                if out[event]!.seqs.last != seq { out[event]!.seqs.append(seq) }
                if let gone = plan.superseded, gone.contains(o) { return }  // a later version replaces it
                let h = join.household(r)
                var fields: [String] = []
                if h == nil {
                    fields = (0..<r.count).map { r.string($0) }
                    fields[4] = ResidentID.staged(r[4]).masked
                }
                out[event]!.records.append(
                    SweepRule.Record(
                        household: h, town: r.string(6), village: r.string(7), damage: r.string(8),
                        loss: r[10].isEmpty ? .zero : Money.staged(r[10]), fields: fields))
                out[event]!.hazard = r.string(1)
                out[event]!.name = r.string(2)
                out[event]!.occurred = r.string(3)
            }
        }
        return out
    }

    /// The roster households this sweep needs. From the sweep index of the latest roster when there is one:
    /// only the households of the people the events' records name and of the villages they strike. Else the
    /// whole roster index (as link builds it), and the sweep index is written for the next sweeps.
    func roster(for events: Set<String>, store: StagedStore) throws -> RosterIndex {
        guard let seq = store.files(.roster).last?.entry.seq else { return RosterIndex() }
        if let file = SweepRosterIndex.open(layout, seq: seq) {
            defer { file.unmap() }
            do {
                return try roster(for: events, store: store, from: file)
            } catch let e as SweepRosterIndex.Damaged {
                logger.warning(
                    "the roster's sweep index is damaged: reading the whole roster and writing it again",
                    metadata: ["error": "\(e.message)"])
            }
        }
        let whole = try pipeline.roster(store)
        do {
            try SweepRosterIndex.write(whole, seq: seq, layout: layout)
        } catch {
            // only a shortcut for later sweeps: this one goes on without it
            logger.warning(
                "cannot write the roster's sweep index; later sweeps will read the whole roster",
                metadata: ["error": "\(error)"])
        }
        logger.info("roster read", metadata: ["from": "staged roster", "households": "\(whole.households.count)"])
        return whole
    }

    /// The households of the events' records and struck villages, from the roster's sweep index.
    func roster(for events: Set<String>, store: StagedStore, from file: SweepRosterIndex) throws -> RosterIndex {
        // the people named and the villages stated by the events' records (every version: a superseded
        // record's household costs a lookup, never a row)
        var ordinals = Set<Int>(), villages = Set<Int>(), placeFromRoster: [Int] = []
        for (_, path) in store.files(.disaster) {
            try StagedStore.forEach(.disaster, file: path) { r in
                guard events.contains(r.string(0)) else { return }
                let h = file.household(of: ResidentID.staged(r[4]))
                if let h { ordinals.insert(h) }
                if r[6].isEmpty || r[7].isEmpty {
                    if let h { placeFromRoster.append(h) }
                } else if let v = file.villages[SweepRule.Village(r.string(6), r.string(7))] {
                    villages.insert(v)
                }
            }
        }
        var relations: [[UInt8]: String] = [:]
        var chosen: [Int: Household] = [:]
        for o in ordinals { chosen[o] = try file.household(o, relations: &relations) }
        for o in placeFromRoster {
            if let h = chosen[o], let v = file.villages[SweepRule.Village(h.town, h.village)] { villages.insert(v) }
        }
        for v in villages {
            for o in file.households(of: v) where chosen[o] == nil { chosen[o] = try file.household(o, relations: &relations) }
        }
        logger.info("roster read", metadata: ["from": "sweep index", "households": "\(chosen.count)", "of": "\(file.households)"])
        return RosterIndex(chosen.keys.sorted().map { chosen[$0]! })
    }

    func run(events named: [String]?, ingestSeconds: Double) throws -> SweepReport {
        let started = Date()
        let store = try StagedStore(layout: layout)
        let byFile = try Sweeper.eventsByFile(store)
        let known = byFile.reduce(into: Set<String>()) { $0.formUnion($1.events) }
        var marks = try SweepMarks.load(layout)
        let selected: [String]
        if let named {
            let ids = Array(Set(named.map { $0.trimmingCharacters(in: .whitespaces) })).sorted()
            let unknown = ids.filter { !known.contains($0) }
            if !unknown.isEmpty { throw UnknownDisasterEvent(ids: unknown, known: known.sorted()) }
            selected = ids
        } else {
            selected = marks.due(byFile).sorted()
        }
        var report = SweepReport()
        if selected.isEmpty {
            logger.info(
                "nothing to sweep: no disaster records ingested since the last sweep",
                metadata: ["events_known": "\(known.count)"])
            // an idle sweep (cron's, every hour) makes the sweep index of a new roster, so that the sweep
            // of the next disaster file does not read the whole roster
            if let seq = store.files(.roster).last?.entry.seq {
                if let file = SweepRosterIndex.open(layout, seq: seq) { file.unmap() } else { _ = try roster(for: [], store: store) }
            }
            return report
        }
        let roster = try roster(for: Set(selected), store: store)
        if store.files(.roster).isEmpty {
            logger.warning("no roster has been ingested yet: the sweep lists no household, every disaster record is unmatched")
        }
        let byEvent = try Sweeper.records(of: Set(selected), store: store, roster: roster)
        let readSeconds = Date().timeIntervalSince(started)
        let ledger = try pipeline.openLedger()
        let rosterFile = store.files(.roster).last.map { SweepSummary.File(file: $0.entry.file, sha256: $0.entry.sha256) }
        let entries = Dictionary(store.files(.disaster).map { ($0.entry.seq, $0.entry) }, uniquingKeysWith: { a, _ in a })

        let sweepOut = pipeline.config.out + "/sweep"
        try makeDirectory(pipeline.config.out)
        try makeDirectory(sweepOut)
        var swapConfig = pipeline.config
        swapConfig.out = sweepOut
        // Emitter's atomic swap (renameat2 RENAME_EXCHANGE) and its cleanup of folders a killed process left
        // beside the outputs, applied to out/sweep/ (the month only names a fallback's aside folder)
        let swapper = Emitter(config: swapConfig, month: Month.before(pipeline.today))
        swapper.cleanLeftovers()

        for event in selected {
            let t0 = Date()
            let e = byEvent[event] ?? EventRecords()
            let households = roster.households
            let sel = try SweepRule.select(records: e.records, roster: roster) { idx in
                let ids = idx.map { households[$0].id.description }
                let states = try ledger.caseStates(of: ids)
                var out: [Int: CaseState] = [:]
                for (i, id) in zip(idx, ids) { if let s = states[id] { out[i] = s } }
                return out
            }
            let levels = try ledger.latestAlertLevels(of: sel.rows.map { households[$0.household].id.description })

            var rowsByTown: [String: [[String]]] = [:]
            var summaryTowns: [String: SweepSummary.Town] = [:]
            for v in sel.villages { summaryTowns[v.town, default: .init()].villages[v.village] = .init() }
            var reasons = ["本次受灾": 0, "脱贫户/监测户": 0, "台账": 0]
            for row in sel.rows {
                let h = households[row.household]
                let id = h.id.description
                rowsByTown[row.town, default: []].append(
                    SweepList.cells(eventId: event, eventName: e.name, row: row, household: h, level: levels[id]))
                let struck = row.record == nil ? 0 : 1
                summaryTowns[row.town, default: .init()].listed += 1
                summaryTowns[row.town, default: .init()].struck += struck
                summaryTowns[row.town, default: .init()].villages[row.village, default: .init()].listed += 1
                summaryTowns[row.town, default: .init()].villages[row.village, default: .init()].struck += struck
                let reason = row.record != nil ? "本次受灾" : (h.type != .general ? "脱贫户/监测户" : "台账")
                reasons[reason, default: 0] += 1
            }
            var withoutPlace = 0
            for r in sel.unmatched {
                guard let p = SweepRule.place(r, roster: roster) else { withoutPlace += 1; continue }
                summaryTowns[p.town, default: .init()].unmatched += 1
                summaryTowns[p.town, default: .init()].villages[p.village, default: .init()].unmatched += 1
            }

            let name = TownList.fileName(event)
            let final = sweepOut + "/" + name
            let tmp = sweepOut + "/.\(name).tmp-\(getpid())"
            do {
                try? FileManager.default.removeItem(atPath: tmp)
                try makeDirectory(tmp + "/towns")
                for town in sel.towns {
                    let rows = rowsByTown[town] ?? []
                    let file = TownList.fileName(town)
                    try AtomicFile.write(SweepList.csv(rows), to: "\(tmp)/towns/\(file).csv")
                    try AtomicFile.write(try SweepList.xlsx(rows, town: town), to: "\(tmp)/towns/\(file).xlsx")
                }
                try AtomicFile.write(SweepList.unmatchedCSV(sel.unmatched), to: tmp + "/unmatched.csv")
                let summary = SweepSummary(
                    event_id: event, event_name: e.name, hazard: e.hazard, occurred: e.occurred,
                    files: e.seqs.compactMap { entries[$0] }.map { .init(file: $0.file, sha256: $0.sha256) },
                    roster: rosterFile, records: e.records.count, matched: e.records.count - sel.unmatched.count,
                    unmatched: sel.unmatched.count, unmatched_without_place: withoutPlace,
                    households_struck: sel.struck, households_listed: sel.rows.count, listed_by_reason: reasons,
                    towns: summaryTowns,
                    timings: ["ingest": ingestSeconds, "read": readSeconds, "sweep": Date().timeIntervalSince(t0)],
                    generated_at: isoNow())
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try AtomicFile.write([UInt8](try enc.encode(summary)), to: tmp + "/summary.json")
                try swapper.swapIn(tmp, final)
            } catch {
                try? FileManager.default.removeItem(atPath: tmp)
                throw error
            }
            if !sel.unmatched.isEmpty {
                logger.warning(
                    "disaster records name no one in the roster: counted in summary.json, listed (IDs masked) in unmatched.csv",
                    metadata: [
                        "event": "\(event)", "unmatched": "\(sel.unmatched.count)",
                        "without_place": "\(withoutPlace)",
                    ])
            }
            logger.info(
                "event swept",
                metadata: [
                    "event": "\(event)", "out": "\(final)", "towns": "\(sel.towns.count)",
                    "villages": "\(sel.villages.count)", "struck": "\(sel.struck)",
                    "listed": "\(sel.rows.count)", "unmatched": "\(sel.unmatched.count)",
                ])
            report.events.append(.init(id: event, dir: final, struck: sel.struck, listed: sel.rows.count, unmatched: sel.unmatched.count))
        }
        // the marks move only once the lists are in place: a sweep that failed part-way is due again
        let through = byFile.last?.seq ?? 0
        let at = isoNow()
        for event in selected { marks.events[event] = .init(through_seq: through, swept_at: at) }
        try marks.save(layout)
        return report
    }
}

extension Pipeline {
    /// The disaster sweep (RULES.md §10) of the named events, or, with nil, of every event with records
    /// ingested since its last sweep (every event on a state never swept). Run after `ingest`.
    /// - Throws: `UnknownDisasterEvent` when a named event has no ingested record.
    public func sweep(events: [String]?, ingestSeconds: Double = 0) throws -> SweepReport {
        try layout.prepare()
        return try Sweeper(pipeline: self).run(events: events, ingestSeconds: ingestSeconds)
    }
}
