/// The disaster sweep's rule (RULES.md §10) as pure functions over records already read, the roster and
/// the ledger's case states: which villages an event struck, which of their households are listed, and in
/// which order. No I/O here: `Sweeper` reads the state and writes the lists; the tests call this directly.
public enum SweepRule {
    /// House damage, worst first (倒塌, 严重损坏, 一般损坏, 无); anything else after them.
    public static let damages = ["倒塌", "严重损坏", "一般损坏", "无"]

    public static func damageRank(_ d: String) -> Int { damages.firstIndex(of: d) ?? damages.count }

    /// Case-state groups of the households without a record in the event: 监测中 and 风险已消除, then 预警,
    /// then no case. A 不予纳入 case (listed for its household type) sorts with "no case".
    public static func caseGroup(_ s: CaseState?) -> Int {
        switch s {
        case .monitored?, .eliminated?: return 0
        case .warned?: return 1
        case .rejected?, nil: return 2
        }
    }

    /// 监测户, 脱贫户, 一般农户.
    public static func typeRank(_ t: HouseholdType) -> Int {
        switch t {
        case .monitored: return 0
        case .lifted: return 1
        case .general: return 2
        }
    }

    /// (b) or (c) of §10: a fragile household of the roster, or one the ledger follows.
    public static func isFragile(_ t: HouseholdType, _ s: CaseState?) -> Bool {
        if t == .lifted || t == .monitored { return true }
        switch s {
        case .warned?, .monitored?, .eliminated?: return true
        case .rejected?, nil: return false
        }
    }

    /// One record of the event (its latest version), as the sweep needs it.
    public struct Record: Sendable {
        /// The household of its person in the roster (an index into `RosterIndex.households`), if any.
        public var household: Int?
        /// As the record states them (blank when it lacks them).
        public var town: String
        public var village: String
        public var damage: String
        public var loss: Money
        /// The record's staged fields, for the unmatched file.
        public var fields: [String]

        public init(household: Int?, town: String, village: String, damage: String, loss: Money, fields: [String] = []) {
            self.household = household
            self.town = town
            self.village = village
            self.damage = damage
            self.loss = loss
            self.fields = fields
        }
    }

    /// A listed household.
    public struct Row: Sendable {
        public var household: Int
        /// Where it is listed: the struck village of its record, else its roster village.
        public var town: String
        public var village: String
        public var caseState: CaseState?
        /// Its record in the event (本次受灾 是), if any.
        public var record: Record?
    }

    /// What the rule decides for one event.
    public struct Selection: Sendable {
        /// The listed households, in list order (all towns; `byTown` groups them).
        public var rows: [Row] = []
        /// The struck villages, sorted by town then village.
        public var villages: [Village] = []
        /// Records whose person is in no household of the roster, in record order.
        public var unmatched: [Record] = []
        /// Households with a record in the event.
        public var struck: Int { rows.reduce(0) { $0 + ($1.record == nil ? 0 : 1) } }
        /// The towns that hold a struck village, sorted.
        public var towns: [String] { Array(Set(villages.map(\.town))).sorted() }
    }

    /// A (town, village), hashed and compared on its UTF-8 bytes (a Swift String that is not ASCII hashes
    /// through its normalisation: the roster's 1.5 million households are checked against the set).
    public struct Village: Hashable, Sendable, Comparable {
        public let town: String
        public let village: String
        public init(_ town: String, _ village: String) {
            self.town = town
            self.village = village
        }
        public func hash(into hasher: inout Hasher) {
            var t = town, v = village
            t.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(0xFF as UInt8)  // never a byte of UTF-8
            v.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
        public static func == (a: Village, b: Village) -> Bool {
            a.town.utf8.elementsEqual(b.town.utf8) && a.village.utf8.elementsEqual(b.village.utf8)
        }
        public static func < (a: Village, b: Village) -> Bool {
            a.town != b.town ? a.town.utf8.lexicographicallyPrecedes(b.town.utf8) : a.village.utf8.lexicographicallyPrecedes(b.village.utf8)
        }
    }

    /// Where a record places its household: as it states, or, lacking town or village, both from its
    /// household's roster entry; nil when it lacks one and names no one in the roster.
    public static func place(_ r: Record, roster: RosterIndex) -> Village? {
        if !r.town.isEmpty && !r.village.isEmpty { return Village(r.town, r.village) }
        guard let h = r.household else { return nil }
        return Village(roster.households[h].town, roster.households[h].village)
    }

    /// The sweep of one event.
    /// - Parameters:
    ///   - records: the event's records, latest version of each, in ingest order (a household named twice
    ///     keeps its last record, as the record key (event, household) says).
    ///   - caseStates: the ledger's case states of these households (absent: no case); asked once, with
    ///     every roster household of the struck villages and every household with a record.
    public static func select(
        records: [Record], roster: RosterIndex,
        caseStates: ([Int]) throws -> [Int: CaseState]
    ) rethrows -> Selection {
        var sel = Selection()
        var villages = Set<Village>()
        var own: [Int: Record] = [:]  // household → its record in the event
        var ownPlace: [Int: Village] = [:]
        for r in records {
            let place = place(r, roster: roster)
            if let p = place { villages.insert(p) }
            if let h = r.household {
                own[h] = r
                ownPlace[h] = place  // a matched record always has a place
            } else {
                sel.unmatched.append(r)
            }
        }
        sel.villages = villages.sorted()
        // every roster household of a struck village, and every household with a record
        var candidates: [Int] = []
        if !villages.isEmpty {
            let hs = roster.households
            for i in hs.indices where own[i] != nil || villages.contains(Village(hs[i].town, hs[i].village)) {
                candidates.append(i)
            }
        } else {
            candidates = own.keys.sorted()
        }
        let states = try caseStates(candidates)
        for i in candidates {
            let h = roster.households[i]
            let state = states[i]
            if let r = own[i] {
                let p = ownPlace[i]!
                sel.rows.append(Row(household: i, town: p.town, village: p.village, caseState: state, record: r))
            } else if isFragile(h.type, state) {
                sel.rows.append(Row(household: i, town: h.town, village: h.village, caseState: state, record: nil))
            }
        }
        // (sorted on keys made once per row, not on rows compared through the roster)
        let keys = sel.rows.map { sortKey($0, roster.households[$0.household]) }
        sel.rows = keys.indices.sorted { keys[$0] < keys[$1] }.map { sel.rows[$0] }
        return sel
    }

    /// The list order of §10, as a key compared field by field: households with a record in the event
    /// first, by house damage then direct loss descending; then the others, by case-state group then
    /// household type; ties by household number (unique: the order is total).
    public static func sortKey(_ r: Row, _ h: Household) -> SortKey {
        if let rec = r.record {
            return SortKey(group: 0, first: damageRank(rec.damage), second: -rec.loss.fen, household: h.id.key)
        }
        return SortKey(group: 1, first: caseGroup(r.caseState), second: Int64(typeRank(h.type)), household: h.id.key)
    }

    public struct SortKey: Comparable, Sendable {
        var group: Int, first: Int, second: Int64, household: UInt64
        public static func < (a: SortKey, b: SortKey) -> Bool {
            (a.group, a.first, a.second, a.household) < (b.group, b.first, b.second, b.household)
        }
    }
}
