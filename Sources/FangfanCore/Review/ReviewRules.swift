/// RULES.md §11 as code: which rules say a damaged ID may be a roster member's ID. Pure functions of one
/// pair; the candidate index (ReviewCandidateIndex) only narrows which pairs are asked.
public enum ReviewRules {
    /// Most candidates proposed for one record; with more, the record is listed once as 候选过多.
    public static let maxCandidates = 5

    /// Every rule by which `d` may be `candidate` (an 18-character roster ID), in the table's order.
    public static func matches(_ d: DamagedID, _ candidate: String) -> [MatchRule] {
        let c = Array(candidate.utf8)
        guard c.count == 18, c[0..<17].allSatisfy(isDigit) else { return [] }
        var out: [MatchRule] = []
        if let b = d.body17, b.elementsEqual(c[0..<17]) { out.append(.checkChar) }
        if let v = d.value18, v % 1000 == 0, d.folded[0..<15].elementsEqual(c[0..<15]) { out.append(.excelPrecision) }
        if let s = d.scientific, c.allSatisfy(isDigit) {
            var n: UInt64 = 0
            for b in c { n = n * 10 + UInt64(b - 0x30) }
            if roundHalfUp(n, toDigits: s.digits) == s.mantissa { out.append(.scientific) }
        }
        if d.body17 != nil {
            let p = differingPositions(d, candidate)
            if p.count == 1 { out.append(.oneDigit) }
            if p.count == 2, p[1] == p[0] + 1, let b = d.body17, b[p[0]] == c[p[1]], b[p[1]] == c[p[0]] {
                out.append(.transposed)
            }
        }
        return out
    }

    /// An 18-digit number rounded half up to its first `digits` significant digits (as a number of that many digits,
    /// or one more when rounding carries, e.g. 999… → 1000…).
    public static func roundHalfUp(_ n: UInt64, toDigits digits: Int) -> UInt64 {
        guard digits < 18 else { return n }
        var p: UInt64 = 1
        for _ in 0..<(18 - digits) { p *= 10 }
        let q = n / p, r = n % p
        return r * 2 >= p ? q + 1 : q
    }

    /// Positions (0-based) among the first 17 where the damaged ID and the candidate differ.
    public static func differingPositions(_ d: DamagedID, _ candidate: String) -> [Int] {
        guard let b = d.body17 else { return [] }
        let c = Array(candidate.utf8)
        guard c.count >= 17 else { return [] }
        var out: [Int] = []
        for i in 0..<17 where b[i] != c[i] { out.append(i); if out.count > 2 { break } }
        return out
    }

    /// 依据: the codes joined by 、, then their sentences.
    public static func evidence(_ rules: [MatchRule], _ d: DamagedID, _ candidate: String) -> String {
        rules.map(\.rawValue).joined(separator: "、") + "：" + rules.map { $0.sentence(d, candidate) }.joined(separator: "；")
    }
}
