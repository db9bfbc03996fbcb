/// One feed's linked records of the monitoring period, accumulated per household as RULES.md §3 needs
/// them. Link fills one per feed (per staged file for income) as it writes the linked records, each into
/// its own, and each feed touches its own fields of the figures; detect merges them household by
/// household. Run by hand, detect fills them from link's files instead: both ways go through `add`, so
/// they cannot differ.
public struct FeedFigures: Sendable {
    public let feed: FeedKind
    let periodFrom: Int
    /// The first month (as `Month.index`) of the period's recent months (§9).
    let recentFrom: Int
    /// The staged columns read below, by name.
    private let column: StagedColumns
    /// Household index (in the roster) → its entry below, -1 for none yet.
    private var entryOf: [Int32]
    /// This feed's share of the figures of each household it names, and whose they are: for income and
    /// medical, the large feeds, only the fields they fill (24 and 8 bytes an entry, not a whole
    /// `HouseholdFigures` of 72: a province's income and medical entries are millions); for the others
    /// the whole figures.
    private var figures: [HouseholdFigures] = []
    private var income: [IncomeShare] = []
    private var medicalOOP: [Money] = []
    private var owners: [Int32] = []
    /// Per entry: the household's largest settlements, for evidence (at most IllnessTrigger.evidenceLimit).
    private var settlements = SettlementSlots(limit: IllnessTrigger.evidenceLimit)
    private var disasters: [[DisasterRecord]] = []
    /// Per entry, for the feeds of RULES.md §12: the household's records (education: of the period; housing
    /// and water: up to its end).
    private var school: [[SchoolRecord]] = []
    private var housing: [[HousingRecord]] = []
    private var water: [[WaterRecord]] = []

    /// `recentMonths`: how many of the period's last months make §9's recent income (`rules.forecast_recent_months`).
    public init(feed: FeedKind, period: MonitoringPeriod, households: Int, recentMonths: Int) {
        self.feed = feed
        periodFrom = period.from.index
        recentFrom = period.to.index - recentMonths + 1
        column = StagedColumns(feed.schema)
        entryOf = Array(repeating: -1, count: households)
        // room for every household at once (address space only until used): grown by doubling, the
        // entries of a province's feed were copied and their pages faulted in twice over
        switch feed {
        case .income: income.reserveCapacity(households)
        case .medical: medicalOOP.reserveCapacity(households)
        default: figures.reserveCapacity(households)
        }
        owners.reserveCapacity(households)
        if feed == .medical { settlements.reserve(entries: households) }
    }

    /// The entry of household `h`, made on first use.
    private mutating func entry(_ h: Int) -> Int {
        let e = entryOf[h]
        if e >= 0 { return Int(e) }
        entryOf[h] = Int32(owners.count)
        switch feed {
        case .income: income.append(IncomeShare())
        case .medical: medicalOOP.append(.zero)
        default: figures.append(HouseholdFigures())
        }
        owners.append(Int32(h))
        if feed == .medical { settlements.addEntry() }
        if feed == .disaster { disasters.append([]) }
        if feed == .education { school.append([]) }
        if feed == .housing { housing.append([]) }
        if feed == .water { water.append([]) }
        return owners.count - 1
    }

    /// Adds one record of household `h`. `r[o + c]` is the staged column `c` (`o` = 0 for a staged record, 1
    /// for a row of link's files, which begin with the household); the columns are found by name (`column`).
    mutating func add<R: RecordAccess>(_ h: Int, _ r: R, offset o: Int) {
        let c = column
        // a record confirmed by review carries its review id after the feed's columns (RULES.md §11)
        let review = r.count > o + c.width ? r.string(o + c.width) : ""
        switch feed {
        case .income:
            let mi = Month.stagedIndex(r[o + c.month])
            let income =
                Money.staged(r[o + c.wages]) + Money.staged(r[o + c.businessNet])
                + Money.staged(r[o + c.propertyNet]) + Money.staged(r[o + c.transferNet])
            self.income[entry(h)].add(income, monthBit: 1 << UInt32(mi - periodFrom), recent: mi >= recentFrom)
        case .medical:
            let oop = Money.staged(r[o + c.outOfPocket])
            let e = entry(h)
            medicalOOP[e] += oop
            // evidence names the household's largest settlements (IllnessTrigger.evidenceLimit of them):
            // only those are kept, so memory follows households, not settlements
            settlements.add(
                e, outOfPocket: oop, r,
                fields: (
                    o + c.settlementID, o + c.kind, o + c.name, o + c.settled, o + c.visitType,
                    r.count > o + c.width ? o + c.width : -1
                ))
        case .disaster:
            let loss = Money.staged(r[o + c.directLoss])
            let damage = r.string(o + c.houseDamage)
            let e = entry(h)
            figures[e].disasterLoss += loss
            if HouseholdFigures.destroyed.contains(damage) { figures[e].houseDestroyed = true }
            disasters[e].append(
                DisasterRecord(
                    event: r.string(o + c.eventID), name: r.string(o + c.eventName),
                    occurred: r.string(o + c.occurred), damage: damage, loss: loss, review: review))
        case .disability:
            guard r.string(o + c.change) == "新办", case .success(let d) = Day.parse(r[o + c.issued]) else { return }
            figures[entry(h)].newDisabilities.append(
                NewDisability(
                    person: ResidentID.staged(r[o + c.personID]), name: r.string(o + c.name),
                    grade: r.string(o + c.grade), issued: d, review: review))
        case .civil:
            let type = r.string(o + c.aidType), change = r.string(o + c.change)
            if AidChangeTrigger.counts(aidType: type, change: change) {
                figures[entry(h)].aidChanges.append(
                    "民政救助：\(r.string(o + c.name)) \(type)\(change)（\(r.string(o + c.date))，金额 \(r.string(o + c.amount)) 元\(reviewNote(review))）"
                )
            }
        case .application:
            guard case .success(let d) = Day.parse(r[o + c.date]) else { return }
            let risks = r.string(o + c.risk).split(separator: "、").map(String.init)
            figures[entry(h)].declarations.append(
                Declaration(channel: r.string(o + c.channel), date: d, risks: risks, reportedBy: r.string(o + c.reportedBy)))
        case .education:
            guard case .success(let d) = Day.parse(r[o + c.date]) else { return }
            let record = SchoolRecord(
                person: ResidentID.staged(r[o + c.personID]), name: r.string(o + c.name),
                school: r.string(o + c.school), status: r.string(o + c.status), date: d)
            let e = entry(h)
            school[e].append(record)
        case .housing:
            guard case .success(let d) = Day.parse(r[o + c.ratedOn]) else { return }
            let record = HousingRecord(rating: r.string(o + c.rating), ratedOn: d, renovation: r.string(o + c.renovation))
            let e = entry(h)
            housing[e].append(record)
        case .water:
            guard case .success(let d) = Day.parse(r[o + c.date]) else { return }
            let record = WaterRecord(problem: r.string(o + c.problem), status: r.string(o + c.status), date: d)
            let e = entry(h)
            water[e].append(record)
        case .roster, .verification, .review:
            return
        }
    }

    /// Keeps the settlements kept for evidence of the households `keep` holds only (the medical feed).
    mutating func keepSettlements(of keep: Bitset) {
        guard feed == .medical else { return }
        let owners = self.owners
        settlements.keepOnly { keep.contains(Int(owners[$0])) }
    }

    /// The households this feed named, in the order of their entries.
    var households: LazyMapSequence<[Int32], Int> { owners.lazy.map { Int($0) } }

    /// The entry of household `h`, if this feed named it.
    func entryIfAny(_ h: Int) -> Int? {
        let e = entryOf[h]
        return e >= 0 ? Int(e) : nil
    }

    /// Every feed's share of the households' figures, merged household by household as detect asks for them:
    /// no array of a province's million and a half merged figures is made, and the records kept for
    /// evidence stay where the feeds keep them (each household's largest settlements and its disaster
    /// records, in the order the feeds' parts give them).
    public struct Merged: Sendable {
        let parts: [FeedFigures]
        let medical: [FeedFigures]
        let disaster: [FeedFigures]
        let basicNeeds: [FeedFigures]
        /// The roster's size.
        public let count: Int

        init(_ parts: [FeedFigures], households: Int) {
            self.parts = parts
            medical = parts.filter { $0.feed == .medical }
            disaster = parts.filter { $0.feed == .disaster }
            basicNeeds = parts.filter { FeedKind.basicNeeds.contains($0.feed) }
            count = households
        }

        /// Household `h`'s figures: the feeds' shares added in the parts' order.
        public subscript(h: Int) -> HouseholdFigures {
            var f = HouseholdFigures()
            for p in parts {
                guard let e = p.entryIfAny(h) else { continue }
                switch p.feed {
                case .income: f.absorb(p.income[e])
                case .medical: f.medicalOOP += p.medicalOOP[e]
                default: f.absorb(p.figures[e])
                }
            }
            return f
        }

        /// Household `h`'s out-of-pocket medical total: `self[h].medicalOOP` without the rest of its figures
        /// (only the medical feed's parts add to it).
        func medicalOutOfPocket(_ h: Int) -> Money {
            var total = Money.zero
            for p in medical { if let e = p.entryIfAny(h) { total += p.medicalOOP[e] } }
            return total
        }

        func settlements(_ h: Int) -> [SettlementRecord] {
            if medical.count == 1 { return medical[0].entryIfAny(h).map { medical[0].settlements.records($0) } ?? [] }
            return medical.flatMap { p in p.entryIfAny(h).map { p.settlements.records($0) } ?? [] }
        }

        func disasters(_ h: Int) -> [DisasterRecord] {
            if disaster.count == 1 { return disaster[0].entryIfAny(h).map { disaster[0].disasters[$0] } ?? [] }
            return disaster.flatMap { p in p.entryIfAny(h).map { p.disasters[$0] } ?? [] }
        }

        /// Household `h`'s records of the feeds of RULES.md §12 (none when they are not in use).
        func basicNeeds(_ h: Int) -> BasicNeedsRecords {
            var out = BasicNeedsRecords()
            for p in basicNeeds {
                guard let e = p.entryIfAny(h) else { continue }
                switch p.feed {
                case .education: out.school += p.school[e]
                case .housing: out.housing += p.housing[e]
                default: out.water += p.water[e]
                }
            }
            return out
        }
    }
}

/// The income feed's share of a household's figures (`HouseholdFigures`' three income fields).
struct IncomeShare: Sendable {
    var observed = Money.zero
    var recent = Money.zero
    var monthsDeclared: UInt32 = 0

    mutating func add(_ m: Money, monthBit: UInt32, recent isRecent: Bool) {
        observed += m
        monthsDeclared |= monthBit
        if isRecent { recent += m }
    }
}

extension HouseholdFigures {
    /// Adds the income feed's share (as `absorb` adds its three fields).
    mutating func absorb(_ o: IncomeShare) {
        incomeObserved += o.observed
        incomeRecent += o.recent
        monthsDeclared |= o.monthsDeclared
    }

    /// Adds another share of the same household's figures (from another feed).
    mutating func absorb(_ o: HouseholdFigures) {
        incomeObserved += o.incomeObserved
        incomeRecent += o.incomeRecent
        monthsDeclared |= o.monthsDeclared
        medicalOOP += o.medicalOOP
        disasterLoss += o.disasterLoss
        houseDestroyed = houseDestroyed || o.houseDestroyed
        newDisabilities += o.newDisabilities
        aidChanges += o.aidChanges
        declarations += o.declarations
    }
}
