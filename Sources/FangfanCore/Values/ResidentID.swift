/// A resident identity number (居民身份证号), 18 characters with the ISO 7064 MOD 11-2 check char.
/// Held as the 17-digit body in a 64-bit integer: the check char follows from it,
/// so the integer alone is a compact join key.
public struct ResidentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The first 17 digits as a number (below 10^17).
    public let key: UInt64

    public init(key: UInt64) { self.key = key }

    static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkChars: [UInt8] = Array("10X98765432".utf8)

    /// The check char for 17 body digits.
    static func checkChar(_ body: [UInt8]) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += Int(body[i] - 0x30) * weights[i] }
        return checkChars[sum % 11]
    }

    public static func < (a: ResidentID, b: ResidentID) -> Bool { a.key < b.key }

    /// The 17 body digits as ASCII.
    var bodyDigits: [UInt8] {
        var out = [UInt8](repeating: 0x30, count: 17)
        var v = key
        for i in stride(from: 16, through: 0, by: -1) {
            out[i] = UInt8(v % 10) + 0x30
            v /= 10
        }
        return out
    }

    /// The normal form: 18 characters, upper-case X.
    public var description: String {
        let body = bodyDigits
        return String(decoding: body + [ResidentID.checkChar(body)], as: UTF8.self)
    }

    /// First 6 and last 4 characters kept, the rest as `*` (RULES.md §8).
    public var masked: String {
        let s = Array(description)
        return String(s[0..<6]) + String(repeating: "*", count: 8) + String(s[14..<18])
    }

    /// Date of birth, digits 7–14.
    public var birthDate: Day {
        let d = Int((key / 1000) % 100_000_000)
        return Day(year: d / 10000, month: (d / 100) % 100, day: d % 100)!
    }

    /// Parses an ID as departments send it. `today` bounds the birth date (no one is born after the run).
    public static func parse<C: Collection>(_ raw: C, today: Day) -> Result<ResidentID, ValueError>
    where C.Element == UInt8 {
        let s = foldASCII(raw)
        if s.isEmpty { return .failure(ValueError(.missingRequired, "身份证号为空")) }
        if looksScientific(s) {
            return .failure(
                ValueError(
                    .idScientificNotation,
                    "身份证号被电子表格改成了科学计数法（如 4.40825E+17），号码已损坏：请在原系统中把该列设为文本格式后重新导出"))
        }
        var body: [UInt8]
        if s.count == 15 {
            guard s.allSatisfy(isDigit) else {
                return .failure(ValueError(.idLength, "15 位旧身份证号只能由数字组成"))
            }
            body = Array(s[0..<6]) + Array("19".utf8) + Array(s[6..<15])
        } else if s.count == 18 {
            body = Array(s[0..<17])
            guard body.allSatisfy(isDigit) else {
                return .failure(ValueError(.idLength, "身份证号前 17 位应全为数字"))
            }
            var c = s[17]
            if c == UInt8(ascii: "x") { c = UInt8(ascii: "X") }
            if c != checkChar(body) {
                return .failure(ValueError(.idCheckChar, "身份证号校验位不符（第 18 位），可能录入有误"))
            }
        } else {
            return .failure(ValueError(.idLength, "身份证号应为 18 位（或 15 位旧号），实际为 \(String(decoding: s, as: UTF8.self).count) 个字符"))
        }
        let y = parseDigits(body[6..<10])!, m = parseDigits(body[10..<12])!, d = parseDigits(body[12..<14])!
        guard let birth = Day(year: y, month: m, day: d), y >= 1900, birth <= today else {
            return .failure(ValueError(.idBirthDate, "身份证号中的出生日期不存在或不合理（第 7–14 位）"))
        }
        var key: UInt64 = 0
        for b in body { key = key * 10 + UInt64(b - 0x30) }
        return .success(ResidentID(key: key))
    }

    /// Reads the normal form back from staged records (trusted).
    public static func staged<C: Collection>(_ s: C) -> ResidentID where C.Element == UInt8 {
        var key: UInt64 = 0
        var n = 0
        for b in s where n < 17 { key = key * 10 + UInt64(b &- 0x30); n += 1 }
        return ResidentID(key: key)
    }
}
