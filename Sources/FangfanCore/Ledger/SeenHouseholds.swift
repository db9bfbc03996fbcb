/// A set of household ids: those a month's alerts or evaluations have named so far (`recordMonth` refuses one
/// named twice), and the households with a case as recordMonth begins. Ids that are digits of the first id's
/// length (detect's, always) are numbers in a `KeySet`, any other a String. A province's month names 1.5 million
/// households: a set of Strings hashed and compared each one's bytes, a tenth of the ledger's recording.
struct SeenHouseholds {
    private var numbers: KeySet
    private var others = Set<String>()
    private var length = -1

    /// (the table three quarters full at most: 25 MB for a province's 1.5 million households, where the Set of
    /// Strings it replaces took 32 MB, and the recording runs beside detect's and emit's peaks)
    init(minimumCapacity: Int) { numbers = KeySet(minimumCapacity: minimumCapacity, maxLoadQuarters: 3) }

    /// Adds the household; false if it was named already.
    mutating func insert(_ id: String) -> Bool {
        guard let (key, digits) = Self.number(id) else { return others.insert(id).inserted }
        if length < 0 { length = digits }
        // (equal numbers of one length are equal strings; "012" and "12" are not, and are kept apart)
        guard digits == length else { return others.insert(id).inserted }
        return numbers.insert(key)
    }

    /// Whether the household was inserted (the same id: as `insert` tells them apart).
    func contains(_ id: String) -> Bool {
        guard let (key, digits) = Self.number(id), digits == length else { return others.contains(id) }
        return numbers.contains(key)
    }

    /// The number an id spells and how many digits it has; nil unless it is 1 to 19 digits (the ledger compares
    /// and sorts detect's household ids, all 16 digits, as these numbers).
    static func number(_ id: String) -> (key: UInt64, digits: Int)? {
        var key: UInt64 = 0
        var n = 0
        for b in id.utf8 {
            guard b >= 0x30 && b <= 0x39 && n < 19 else { return nil }
            key = key &* 10 &+ UInt64(b - 0x30)
            n += 1
        }
        return n > 0 ? (key, n) : nil
    }
}
