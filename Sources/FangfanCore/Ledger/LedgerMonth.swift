/// `YYYY-MM` arithmetic for the ledger.
public enum LedgerMonth {
    /// Calendar months from `from` to `to` (both `YYYY-MM`): 2021-05 − 2020-11 = 6. Nil if either is malformed.
    public static func between(_ from: String, _ to: String) -> Int? {
        guard let a = index(from), let b = index(to) else { return nil }
        return b - a
    }

    /// year × 12 + (month − 1) → `YYYY-MM`: the inverse of `index` (whose years have four digits).
    public static func text(_ index: Int) -> String {
        let year = index / 12, month = index % 12 + 1
        return "\(year)-" + (month < 10 ? "0" : "") + "\(month)"
    }

    /// `YYYY-MM` → year × 12 + (month − 1), or nil if not a valid month.
    public static func index(_ m: String) -> Int? {
        let u = Array(m.utf8)
        guard u.count == 7, u[4] == UInt8(ascii: "-") else { return nil }
        var year = 0
        for c in u[0..<4] {
            guard c >= 48 && c <= 57 else { return nil }
            year = year * 10 + Int(c - 48)
        }
        guard u[5] >= 48 && u[5] <= 57 && u[6] >= 48 && u[6] <= 57 else { return nil }
        let month = Int(u[5] - 48) * 10 + Int(u[6] - 48)
        guard (1...12).contains(month), year >= 1900 else { return nil }
        return year * 12 + month - 1
    }
}
