import Foundation

/// How one feed's records reach households (person-keyed feeds through members' resident IDs, income and
/// applications by household number), and the key that makes a later version of a record replace it.
struct FeedJoin: @unchecked Sendable {
    let feed: FeedKind
    let schema: FeedSchema
    let roster: RosterIndex
    let dateIndex: Int
    let hhIndex: Int?
    let personIndex: Int?
    let keyFields: [Int]
    /// Feeds keyed by the household of the person named (FEEDS.md): the key's other fields (disaster: the event;
    /// housing: the rating date; water: the problem type and date), else nil.
    let householdKeyFields: [Int]?
    /// The feed's records confirmed by review (RULES.md §11), by their key as received.
    let confirmed: [UInt64: ReviewDecisions.Confirmed]

    init(feed: FeedKind, roster: RosterIndex, confirmed: [UInt64: ReviewDecisions.Confirmed] = [:]) {
        self.feed = feed
        self.roster = roster
        self.confirmed = confirmed
        let schema = feed.schema
        self.schema = schema
        dateIndex = schema.index(of: Linker.dateField(feed))!
        hhIndex = schema.index(of: "household_id")
        personIndex = schema.index(of: "person_id")
        keyFields = schema.key.map { schema.index(of: $0)! }
        switch feed {
        case .disaster: householdKeyFields = [schema.index(of: "event_id")!]
        case .housing: householdKeyFields = [schema.index(of: "rated_on")!]
        case .water: householdKeyFields = [schema.index(of: "problem")!, schema.index(of: "date")!]
        default: householdKeyFields = nil
        }
    }

    func household(_ r: CSVRecord) -> Int? { household(key: rosterKey(r)) }

    /// The number the roster knows the record by: its household's, or its person's.
    func rosterKey<R: RecordAccess>(_ r: R) -> UInt64 {
        Linker.byHousehold(feed) ? HouseholdID.staged(r[hhIndex!]).key : ResidentID.staged(r[personIndex!]).key
    }

    func household(key: UInt64) -> Int? {
        Linker.byHousehold(feed) ? roster.index(of: HouseholdID(key: key)) : roster.household(of: ResidentID(key: key))
    }

    /// Whether the record key needs the roster (the household of the person named).
    var keyedByHousehold: Bool { householdKeyFields != nil }

    /// disaster: the same household in the same event is one record, whoever of it is named; housing: the same
    /// household on the same rating date; water: the same household, problem type and date
    func key(_ r: CSVRecord, _ h: Int?) -> UInt64 {
        if let fields = householdKeyFields, let h {
            return recordKeyHash(fields) { r[$0] } ^ (roster.households.id(h).key &* 0x9E37_79B9_7F4A_7C15)
        }
        return recordKeyHash(keyFields) { r[$0] }
    }

    /// An unmatched record confirmed by review: its candidate's household, and the record as if its ID had been
    /// the candidate's, the review id after its fields.
    func confirmedRecord<R: RecordAccess>(_ r: R) -> (household: Int, record: CSVRecord)? {
        guard let c = confirmed[recordKeyHash(keyFields, r)], let p = personIndex,
            let h = roster.household(of: c.person)
        else { return nil }
        var fields = (0..<schema.fields.count).map { r.string($0) }
        fields[p] = c.person.description
        fields.append(c.reviewID)
        return (h, CSVRecord.make(fields))
    }

    /// The key of a record given as fields (as `key` for a staged record).
    func key(fields: [String], household h: Int?) -> UInt64 {
        if let keyed = householdKeyFields, let h {
            return recordKeyHash(keyed) { ArraySlice(fields[$0].utf8) } ^ (roster.households.id(h).key &* 0x9E37_79B9_7F4A_7C15)
        }
        return recordKeyHash(keyFields) { ArraySlice(fields[$0].utf8) }
    }
}
