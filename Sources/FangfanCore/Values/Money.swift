/// An exact amount of money in fen (0.01 yuan). Never a binary floating point number.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var fen: Int64
    public init(fen: Int64) { self.fen = fen }
    public static let zero = Money(fen: 0)
    public init(yuan: Int64) { fen = yuan * 100 }

    public static func + (a: Money, b: Money) -> Money { Money(fen: a.fen + b.fen) }
    public static func - (a: Money, b: Money) -> Money { Money(fen: a.fen - b.fen) }
    public static func += (a: inout Money, b: Money) { a.fen += b.fen }
    public static prefix func - (a: Money) -> Money { Money(fen: -a.fen) }
    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// `-1234.50`: two decimals, no grouping, the form staged records and alerts.jsonl use.
    public var description: String {
        // written right to left into a buffer on the stack, then made a String once: the small form (no
        // allocation) for every amount below a trillion yuan, as short Strings joined together gave
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { out in
            var rest = fen.magnitude
            var at = out.count
            func put(_ b: UInt8) {
                at -= 1
                out[at] = b
            }
            func digit() {
                put(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            digit()
            digit()
            put(UInt8(ascii: "."))
            repeat { digit() } while rest > 0
            if fen < 0 { put(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: out[at...]), as: UTF8.self)
        }
    }

    public enum Sign: Sendable { case nonNegative, any }

    /// Parses `1234.5`, `1,234.50`, `¥1,234.50`, `￥1234.50`, `1234.50元`, full-width digits.
    /// Blank returns `nil` (the caller decides whether blank means 0 or missing).
    public static func parse<C: Collection>(_ raw: C, sign: Sign = .any) -> Result<Money?, ValueError>
    where C.Element == UInt8 {
        var s = foldASCII(raw)
        if s.isEmpty { return .success(nil) }
        let bad = ValueError(.badAmount, "金额无法识别，应为 1234.50、1,234.50、¥1234.50 或 1234.50元 等写法，最多两位小数")
        // strip currency marks: ¥ (C2 A5), ￥ (EF BF A5), 元 (E5 85 83) at the end
        let yen1: [UInt8] = [0xC2, 0xA5], yen2: [UInt8] = [0xEF, 0xBF, 0xA5], yuan: [UInt8] = [0xE5, 0x85, 0x83]
        var negative = false
        if let f = s.first, f == UInt8(ascii: "-") { negative = true; s.removeFirst() }
        if s.starts(with: yen1) { s.removeFirst(2) } else if s.starts(with: yen2) { s.removeFirst(3) }
        if s.count >= 3 && Array(s.suffix(3)) == yuan { s.removeLast(3) }
        if !negative, let f = s.first, f == UInt8(ascii: "-") { negative = true; s.removeFirst() }
        guard !s.isEmpty else { return .failure(bad) }
        var intPart: ArraySlice<UInt8> = s[...]
        var fracPart: ArraySlice<UInt8> = []
        if let dot = s.firstIndex(of: UInt8(ascii: ".")) {
            intPart = s[..<dot]
            fracPart = s[(dot + 1)...]
            if fracPart.contains(UInt8(ascii: ".")) {
                return .failure(ValueError(.badAmount, "金额中有多个小数点"))
            }
            if fracPart.count > 2 {
                return .failure(ValueError(.badAmount, "金额超过两位小数（精确到分）"))
            }
            if fracPart.isEmpty || !fracPart.allSatisfy(isDigit) { return .failure(bad) }
        }
        // integer part: plain digits, or digits grouped by commas in threes
        var digits = [UInt8]()
        if intPart.contains(UInt8(ascii: ",")) {
            let groups = intPart.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            for (k, g) in groups.enumerated() {
                let ok = k == 0 ? (g.count >= 1 && g.count <= 3) : g.count == 3
                if !ok || !g.allSatisfy(isDigit) { return .failure(bad) }
                digits += g
            }
        } else {
            if intPart.isEmpty || !intPart.allSatisfy(isDigit) { return .failure(bad) }
            digits = Array(intPart)
        }
        if digits.count > 15 { return .failure(bad) }
        var fen: Int64 = 0
        for d in digits { fen = fen * 10 + Int64(d - 0x30) }
        fen *= 100
        if fracPart.count >= 1 { fen += Int64(fracPart[fracPart.startIndex] - 0x30) * 10 }
        if fracPart.count == 2 { fen += Int64(fracPart[fracPart.startIndex + 1] - 0x30) }
        if negative {
            if sign == .nonNegative && fen != 0 {
                return .failure(ValueError(.badAmount, "金额不能为负数"))
            }
            fen = -fen
        }
        return .success(Money(fen: fen))
    }

    /// Parses the staged form written by `description` (trusted input, fast).
    public static func staged<C: Collection>(_ s: C) -> Money where C.Element == UInt8 {
        var neg = false, fen: Int64 = 0
        for b in s {
            if b == UInt8(ascii: "-") { neg = true } else if isDigit(b) { fen = fen * 10 + Int64(b - 0x30) }
        }
        return Money(fen: neg ? -fen : fen)
    }
}
