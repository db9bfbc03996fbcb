import Foundation

/// The link stage: every staged record of the period, attached to its household through the roster
/// (person-keyed feeds through members' resident IDs; income and applications by household number),
/// each record once by its key, the last version winning. Records of the period whose person or
/// household is not in the roster go to `unmatched/<feed>.csv`, never dropped silently.
public struct Linker: @unchecked Sendable {
    public static let feeds: [FeedKind] = [.income, .medical, .civil, .disaster, .disability, .application]

    /// The feeds linked for a month: the plan's, and RULES.md §12's 三保障 and drinking-water feeds once a file of
    /// one of them has been accepted (until then link writes nothing for them, and no output changes).
    public static func feeds(_ store: StagedStore) -> [FeedKind] {
        FeedKind.basicNeeds.contains { !store.files($0).isEmpty } ? feeds + FeedKind.basicNeeds : feeds
    }

    /// The field that places a record in a period (RULES.md §1), and how it reaches a household.
    static func dateField(_ f: FeedKind) -> String {
        switch f {
        case .income: return "month"
        case .medical: return "settled"
        case .civil: return "date"
        case .disaster: return "occurred"
        case .disability: return "issued"
        case .application: return "date"
        case .education: return "date"
        case .housing: return "rated_on"
        case .water: return "date"
        default: return ""
        }
    }

    static func byHousehold(_ f: FeedKind) -> Bool { f == .income || f == .application }

    /// Feeds whose records count up to the end of the period however old (RULES.md §12: a household's latest
    /// housing record, its latest water record of each problem type); the others count within the period.
    static func keepsHistory(_ f: FeedKind) -> Bool { f == .housing || f == .water }

    let layout: StateLayout
    let period: MonitoringPeriod
    /// §9's recent months, for the figures accumulated while linking (`rules.forecast_recent_months`).
    let recentIncomeMonths: Int

    public init(layout: StateLayout, period: MonitoringPeriod, recentIncomeMonths: Int) {
        self.layout = layout
        self.period = period
        self.recentIncomeMonths = recentIncomeMonths
    }

    /// Links the month; with `accumulating`, also returns each feed's linked records accumulated as detect
    /// needs them (`fangfan run` hands them to detect; run by hand, link only writes its files).
    ///
    /// `review`: the confirmed and denied pairs of RULES.md §11. A confirmed record links as if its ID had been
    /// the candidate's; the period's other damaged and unmatched records with a name get candidates
    /// (`review.csv`, which emit turns into the review list).
    public func run(
        store: StagedStore, roster: RosterIndex, accumulating: Bool = false,
        review: ReviewDecisions = ReviewDecisions()
    ) throws -> (report: LinkReport, figures: [FeedFigures]) {
        let dir = layout.workDir(period.month)
        // the month's folders, without what an earlier run left: a killed link's or detect's temporary files
        // (`.tmp-<pid>`) in each, and in linked/ a feed's later parts (it may have had more staged files)
        removeTemporaryFiles(in: dir)
        for sub in ["linked", "unmatched", "review"] {
            try makeDirectory(dir + "/" + sub)
            removeTemporaryFiles(in: dir + "/" + sub)
            guard sub == "linked" else { continue }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir + "/" + sub)) ?? []
            where (Linker.feeds + FeedKind.basicNeeds).contains(where: { name.hasPrefix($0.rawValue + "-") }) {
                unlink(dir + "/" + sub + "/" + name)
            }
        }
        // rows quarantined for their ID: the confirmed ones become a file of their own, linked first (a version
        // of the record received with a valid ID, later in that order, is the one that counts); the others of
        // the period are searched for candidates below
        var confirmedFiles: [FeedKind: String] = [:]
        var toReview: [ReviewRecord] = []
        for feed in FeedKind.reviewed {
            let (file, open) = try Linker.confirmedDamaged(
                feed, store: store, roster: roster, review: review,
                period: period, dir: dir + "/review")
            confirmedFiles[feed] = file
            toReview += open
        }
        var report = LinkReport(month: period.month.description)
        let joins = Linker.feeds(store).map { FeedJoin(feed: $0, roster: roster, confirmed: review.confirmed[$0] ?? [:]) }
        // The work runs two parts at a time (the roster index is only read), largest first so that neither
        // core is left alone with a big one at the end: a part per staged file for income (its figures are sums,
        // which add up in any order), all of a feed's files in one part for the others. A part's files are
        // its feed's plan's: the file of confirmed damaged records first, if any, then the staged files.
        let confirmedIn = confirmedFiles
        var pieces: [(feed: Int, files: Range<Int>, bytes: Int)] = []
        for (i, join) in joins.enumerated() {
            let bytes = (confirmedIn[join.feed].map { [$0] } ?? []).map(fileBytes) + store.files(join.feed).map { fileBytes($0.path) }
            // (a feed with no staged file yet is one empty part: its linked and unmatched files are still written)
            if Linker.linksFilesApart(join.feed) && !bytes.isEmpty {
                for k in bytes.indices { pieces.append((i, k..<(k + 1), bytes[k])) }
            } else {
                pieces.append((i, bytes.indices, bytes.reduce(0, +)))
            }
        }
        pieces.sort { $0.bytes > $1.bytes }
        // Each feed's plan (which records a later version replaces) is made by the first of its parts to run
        // (`LinkPlans`): the largest feed's records are linked at once, beside the other feeds' plans, not after
        // all of them (income's, from its records' keys sorted, took the other core half a second at province scale).
        let plans = LinkPlans(count: joins.count) { i in
            try Linker.plan(joins[i], store: store, confirmedFile: confirmedIn[joins[i].feed])
        }
        let work = pieces
        let parts = try ParallelResults(count: work.count) { k in
            CrashPoint.hit("link-feed")
            let piece = work[k]
            let plan = try plans.plan(piece.feed)
            precondition(
                Linker.linksFilesApart(joins[piece.feed].feed)
                    ? piece.files.upperBound <= plan.files.count : piece.files == plan.files.indices,
                "a part's files are its plan's")
            return try link(joins[piece.feed], plan: plan, files: piece.files, dir: dir, accumulating: accumulating)
        }.all()
        // Each part's linked records are a file of their own (linked/income.csv, linked/income-2.csv, …, in
        // file order: copying hundreds of MB into one file would cost more than the linking of them). The
        // unmatched records, few and for people to read, are one file per feed: the later parts are appended.
        var figures: [FeedFigures] = []
        for k in parts.indices { toReview += parts[k].toReview }
        for (i, join) in joins.enumerated() {
            let mine = pieces.indices.filter { pieces[$0].feed == i }.sorted { pieces[$0].files.lowerBound < pieces[$1].files.lowerBound }
            let first = parts[mine[0]]
            var matched = 0, unmatched = 0
            for k in mine {
                let part = parts[k]
                if k != mine[0] {
                    try first.unmatchedFile.append(contentsOf: part.unmatchedFile)
                    part.unmatchedFile.discard()
                }
                matched += part.matched
                unmatched += part.unmatched
                if let f = part.figures { figures.append(f) }
            }
            try first.unmatchedFile.commit()
            report.linked[join.feed.rawValue] = matched
            report.unmatched[join.feed.rawValue] = unmatched
        }
        // the candidates of the period's damaged and unmatched records, for the review list (from an index of
        // the roster's members of their names only)
        let searchStarted = Date()
        let reviewRows = ReviewSearch(roster: roster, denied: review.denied).rows(toReview)
        report.reviewSeconds = Date().timeIntervalSince(searchStarted)
        report.reviewRecords = toReview.count
        report.reviewRows = reviewRows.count
        try AtomicFile.write(ReviewSearch.csv(reviewRows), to: dir + "/review.csv")
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try enc.encode(report)), to: dir + "/link.json")
        return (report, figures)
    }

    /// The linked records of a feed's part: `income.csv` for the first, then `income-2.csv`, `income-3.csv`, …
    static func linkedFileName(_ feed: FeedKind, part: Int) -> String {
        part == 0 ? "\(feed.rawValue).csv" : "\(feed.rawValue)-\(part + 1).csv"
    }

    /// Feeds whose staged files are linked apart, each on its own core.
    static func linksFilesApart(_ f: FeedKind) -> Bool { f == .income }

    /// A feed's staged files, each with the ordinal of its first record, and the records a later version replaces.
    struct LinkPlan {
        /// `file`: the inbox file the staged file came from ("" for the confirmed damaged records).
        var files: [(path: String, first: Int, bytes: Int, file: String)] = []
        var superseded: Bitset?
    }

    /// Which records of the feed a later version replaces: from the keys ingest wrote beside each staged
    /// file, or (for disaster, housing and water, whose keys need the roster, or when a keys file is missing) from
    /// the records. When ingest counted no replaced record in any of the feed's files (`ManifestEntry.replaced`:
    /// a file's records whose key was staged before it or repeated within it), no key comes twice and none is
    /// read (`noneReplaced`).
    static func plan(_ join: FeedJoin, store: StagedStore, confirmedFile: String? = nil) throws -> LinkPlan {
        var plan = LinkPlan()
        let staged = store.files(join.feed)
        if confirmedFile == nil && join.confirmed.isEmpty && !join.keyedByHousehold,
            let files = noneReplaced(staged, keysFile: { store.layout.keysFile(join.feed, seq: $0.seq) })
        {
            plan.files = files
            return plan
        }
        var keys: [UInt64] = []
        // (made at its size: a province's medical feed is millions of keys, grown by doubling it was twice that)
        keys.reserveCapacity(staged.reduce(0) { $0 + $1.entry.accepted })
        var fromKeysFiles = !join.keyedByHousehold
        // the confirmed damaged records first, their keys from the records (their IDs are the candidates')
        func confirmedFirst() throws {
            guard let c = confirmedFile else { return }
            plan.files.append((c, 0, fileBytes(c), ""))
            try StagedStore.forEach(join.feed, file: c) { r in keys.append(join.key(r, join.household(r))) }
        }
        try confirmedFirst()
        if fromKeysFiles {
            for (entry, path) in staged {
                let first = keys.count
                guard readKeys(store.layout.keysFile(join.feed, seq: entry.seq), count: entry.accepted, into: &keys) else {
                    fromKeysFiles = false
                    break
                }
                plan.files.append((path, first, fileBytes(path), entry.file))
            }
        }
        if !fromKeysFiles {
            plan.files = []
            keys.removeAll(keepingCapacity: true)
            try confirmedFirst()
            for (entry, path) in staged {
                plan.files.append((path, keys.count, fileBytes(path), entry.file))
                try StagedStore.forEach(join.feed, file: path) { r in keys.append(join.key(r, join.household(r))) }
            }
        }
        // a confirmed unmatched record is keyed as if its ID had been the candidate's (one record with a
        // version sent with the right ID)
        if !join.confirmed.isEmpty {
            for i in keys.indices { if let c = join.confirmed[keys[i]] { keys[i] = c.linkedHash } }
        }
        plan.superseded = SortedKeys.superseded(keys)
        return plan
    }

    /// The plan's files when no record of the feed is replaced: every file's `replaced` is 0 and its keys file
    /// is there at its size (ingest counted against the keys files of the files before it; one missing would
    /// have hidden repeats from that count, so the keys are then read and sorted as usual). Nil otherwise.
    static func noneReplaced(
        _ staged: [(entry: ManifestEntry, path: String)], keysFile: (ManifestEntry) -> String
    ) -> [(path: String, first: Int, bytes: Int, file: String)]? {
        var files: [(path: String, first: Int, bytes: Int, file: String)] = []
        var first = 0
        for (entry, path) in staged {
            guard entry.replaced == 0, holds(keysFile(entry), keys: entry.accepted) else { return nil }
            files.append((path, first, fileBytes(path), entry.file))
            first += entry.accepted
        }
        return files
    }

    /// Whether the keys file is there with `count` keys.
    static func holds(_ keysFile: String, keys count: Int) -> Bool {
        var st = stat()
        return stat(keysFile, &st) == 0 && Int(st.st_size) == count * 8
    }

    /// Appends the `count` keys of a keys file to `keys`, read straight into the array; false (and `keys` as it
    /// was) when the file is missing or not `count` keys long.
    static func readKeys(_ path: String, count: Int, into keys: inout [UInt64]) -> Bool {
        guard holds(path, keys: count), let file = try? FileByteSource(path: path) else { return false }
        let before = keys.count
        var complete = false
        keys.append(contentsOf: repeatElement(0, count: count))
        keys.withUnsafeMutableBytes { all in
            let target = UnsafeMutableRawBufferPointer(rebasing: all[(before * 8)...])
            var filled = 0
            while filled < target.count {
                guard let n = try? file.read(into: UnsafeMutableRawBufferPointer(rebasing: target[filled...])), n > 0 else { break }
                filled += n
            }
            complete = filled == target.count
        }
        if !complete { keys.removeLast(count) }
        return complete
    }

    /// What one part of a feed's linking made: its records (not yet in place) and their figures.
    struct LinkedPart {
        let matchedFile: StreamingFile
        let unmatchedFile: StreamingFile
        var matched = 0
        var unmatched = 0
        var figures: FeedFigures?
        /// The part's unmatched records of the period with a name, for candidates (RULES.md §11).
        var toReview: [ReviewRecord] = []
    }

    /// Links the records of some of a feed's staged files: the last version of each key, if it lies in
    /// the period, to its household's linked records, or to the unmatched ones.
    private func link(_ join: FeedJoin, plan: LinkPlan, files: Range<Int>, dir: String, accumulating: Bool) throws -> LinkedPart {
        // the first part writes the feed's files; a later one its own linked file and unmatched records to append
        let first = files.lowerBound == 0
        let feed = join.feed.rawValue
        var part = LinkedPart(
            matchedFile: try StreamingFile(path: "\(dir)/linked/" + Linker.linkedFileName(join.feed, part: files.lowerBound)),
            unmatchedFile: try StreamingFile(path: "\(dir)/unmatched/\(feed).csv" + (first ? "" : ".part\(files.lowerBound)")))
        try part.matchedFile.withBuffer { CSVOut.appendRow(&$0, ["household_id"] + join.schema.fields.map(\.name)) }
        if first { try part.unmatchedFile.withBuffer { CSVOut.appendRow(&$0, join.schema.fields.map(\.name)) } }
        part.figures =
            accumulating
            ? FeedFigures(
                feed: join.feed, period: period, households: join.roster.households.count,
                recentMonths: recentIncomeMonths) : nil
        let fromKey = Linker.keepsHistory(join.feed) ? Int.min : period.from.index, toKey = period.to.index
        let dateIndex = join.dateIndex
        let roster = join.roster
        let reviewed = FeedKind.reviewed.contains(join.feed)
        var lastKey = UInt64.max, lastHousehold: Int? = nil
        for f in files {
            var ordinal = plan.files[f].first
            // (each record read in place: no copy of it, no slice of its fields retained)
            // (the run's last reading of the staged file: its cached pages go back behind it, for the linked files)
            try StagedStore.forEachInPlace(join.feed, file: plan.files[f].path, releasingCache: true) { r in
                let o = ordinal
                ordinal += 1
                // the record's month from its normalised date (YYYY-MM-DD or YYYY-MM)
                let d = r[dateIndex]
                guard d.count >= 7 else { return }
                let mi = Month.stagedIndex(d)
                guard mi >= fromKey && mi <= toKey else { return }
                if let gone = plan.superseded, gone.contains(o) { return }  // a later version replaces this one
                // a household's (or person's) records usually come together: the last lookup is kept
                let key = join.rosterKey(r)
                if key != lastKey {
                    lastKey = key
                    lastHousehold = join.household(key: key)
                }
                if let h = lastHousehold {
                    part.matched += 1
                    part.figures?.add(h, r, offset: 0)
                    try part.matchedFile.withBuffer { line in
                        roster.households.id(h).appendDigits(to: &line)
                        r.appendFields(to: &line)
                        line.append(0x0A)
                    }
                } else if !join.confirmed.isEmpty, case (let h, let confirmed)? = join.confirmedRecord(r).map({ ($0.household, $0.record) })
                {
                    // confirmed by review: as if its ID had been the candidate's, with the review id at the end
                    part.matched += 1
                    part.figures?.add(h, confirmed, offset: 0)
                    try part.matchedFile.withBuffer { line in
                        roster.households.id(h).appendDigits(to: &line)
                        confirmed.appendFields(to: &line)
                        line.append(0x0A)
                    }
                } else {
                    part.unmatched += 1
                    let fields = (0..<r.count).map { r.string($0) }
                    try part.unmatchedFile.withBuffer { CSVOut.appendRow(&$0, fields) }
                    if reviewed {
                        part.toReview.append(
                            ReviewRecord(
                                feed: join.feed, file: plan.files[f].file, line: nil,
                                fields: fields, quarantined: false))
                    }
                }
            }
        }
        // in place (synced) on this core, while the other may still be linking; its cached pages handed back
        // (`fangfan run` hands detect the figures: nothing reads the file again in the run)
        try part.matchedFile.commit(releasingCache: true)
        return part
    }
}

/// The size of a file in bytes (0 if it cannot be read).
func fileBytes(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}
