/// A record's resident ID as a department sent it, damaged (quarantined for an ID reason) or valid but in no
/// household, in the forms the rules of RULES.md §11 compare: the first 17 characters, the 18-digit value,
/// and the digits of a spreadsheet's scientific notation.
public struct DamagedID: Sendable, Equatable {
    /// As received (the quarantine's raw value, or the staged ID of an unmatched record).
    public let raw: String
    /// Full-width folded to ASCII, spaces trimmed, `x` upper-cased.
    public let folded: [UInt8]
    /// The first 17 characters when the ID has 17 or 18 characters (a typist's letter among them is kept: it
    /// is one differing position like any other).
    public let body17: [UInt8]?
    /// The 18-digit value, when all 18 characters are digits.
    public let value18: UInt64?
    /// A value like `4.40825196401E+17`: its significant digits as a number, and how many there are.
    public let scientific: (mantissa: UInt64, digits: Int)?

    public static func == (a: DamagedID, b: DamagedID) -> Bool { a.raw == b.raw }

    public init(_ raw: String) {
        self.raw = raw
        var f = foldASCII(Array(raw.utf8))
        while let l = f.last, l == 0x20 || l == 0x09 { f.removeLast() }
        while let l = f.first, l == 0x20 || l == 0x09 { f.removeFirst() }
        f = f.map { $0 == UInt8(ascii: "x") ? UInt8(ascii: "X") : $0 }
        folded = f
        scientific = DamagedID.parseScientific(f)
        if (f.count == 17 || f.count == 18) && scientific == nil {
            body17 = Array(f[0..<17])
        } else {
            body17 = nil
        }
        if f.count == 18 && f.allSatisfy(isDigit) {
            var v: UInt64 = 0
            for b in f { v = v * 10 + UInt64(b - 0x30) }
            value18 = v
        } else {
            value18 = nil
        }
    }

    /// `d[.ddd]E[+]17` with a first digit that is not 0: the digits shown and how many (at most 18).
    static func parseScientific(_ s: [UInt8]) -> (mantissa: UInt64, digits: Int)? {
        guard let e = s.firstIndex(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) else { return nil }
        var exponent = s[(e + 1)...]
        if exponent.first == UInt8(ascii: "+") { exponent = exponent.dropFirst() }
        guard exponent.elementsEqual("17".utf8) else { return nil }
        let mantissa = s[..<e]
        guard let first = mantissa.first, isDigit(first), first != 0x30 else { return nil }
        var digits: [UInt8] = [first]
        var rest = mantissa.dropFirst()
        if !rest.isEmpty {
            guard rest.first == UInt8(ascii: ".") else { return nil }
            rest = rest.dropFirst()
            guard !rest.isEmpty, rest.allSatisfy(isDigit) else { return nil }
            digits += rest
        }
        guard digits.count <= 18 else { return nil }
        var m: UInt64 = 0
        for b in digits { m = m * 10 + UInt64(b - 0x30) }
        return (m, digits.count)
    }
}
