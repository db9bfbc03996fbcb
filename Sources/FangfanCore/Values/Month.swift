/// A calendar month `YYYY-MM`.
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard year >= 1 && year <= 9999 && month >= 1 && month <= 12 else { return nil }
        self.year = year
        self.month = month
    }

    /// Months since year 0: makes month arithmetic a subtraction.
    public var index: Int { year * 12 + (month - 1) }

    /// The `index` of a staged date or month (`YYYY-MM-DD` or `YYYY-MM`, trusted, at least 7 bytes),
    /// read from its digits without parsing the whole value (link and detect do it once per record).
    public static func stagedIndex<C: RandomAccessCollection>(_ d: C) -> Int where C.Element == UInt8, C.Index == Int {
        let s = d.startIndex
        let y = Int(d[s] - 48) * 1000 + Int(d[s + 1] - 48) * 100 + Int(d[s + 2] - 48) * 10 + Int(d[s + 3] - 48)
        return y * 12 + Int(d[s + 5] - 48) * 10 + Int(d[s + 6] - 48) - 1
    }

    public init(index: Int) {
        year = index / 12
        month = index % 12 + 1
    }

    public func adding(_ n: Int) -> Month { Month(index: index + n) }
    public static func < (a: Month, b: Month) -> Bool { a.index < b.index }
    public var description: String { pad(year, 4) + "-" + pad(month, 2) }
    /// `202105`, used in file names.
    public var compact: String { pad(year, 4) + pad(month, 2) }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard case .success(let m) = Month.parse(Array(s.utf8)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad month \(s)"))
        }
        self = m
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// The month before the one containing `day` (the default evaluation month).
    public static func before(_ day: Day) -> Month { day.monthValue.adding(-1) }

    /// Parses `2021-05`, `2021/05`, `202105`, `2021年5月`, `2021-5`.
    public static func parse<C: Collection>(_ raw: C) -> Result<Month, ValueError> where C.Element == UInt8 {
        let s = foldASCII(raw)
        let bad = ValueError(.badMonth, "年月无法识别，应为 2021-05、2021/05、202105 或 2021年5月 等写法")
        var y: Int?, m: Int?
        if s.count == 6, let v = parseDigits(s) {
            y = v / 100; m = v % 100
        } else if s.count >= 6, let yy = parseDigits(s[0..<4]) {
            let rest = Array(s[4...])
            let nian = Array("年".utf8), yue = Array("月".utf8)
            if rest.starts(with: nian), rest.count > nian.count + yue.count,
                Array(rest.suffix(yue.count)) == yue
            {
                let digits = rest[nian.count..<(rest.count - yue.count)]
                if digits.count <= 2 { y = yy; m = parseDigits(digits) }
            } else if let sep = rest.first, sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") {
                let digits = rest.dropFirst()
                if digits.count >= 1 && digits.count <= 2 { y = yy; m = parseDigits(digits) }
            }
        }
        guard let yv = y, let mv = m, let month = Month(year: yv, month: mv), yv >= 1900 else {
            return .failure(bad)
        }
        return .success(month)
    }
}
