/// A household number 户编号: 16 digits (county 6 + town 3 + village 3 + sequence 4).
public struct HouseholdID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let key: UInt64
    public init(key: UInt64) { self.key = key }
    public static func < (a: HouseholdID, b: HouseholdID) -> Bool { a.key < b.key }
    public var description: String { pad(Int(key), 16) }

    /// The 16 digits of `description`, appended without making a String (link writes one per record).
    public func appendDigits(to out: inout [UInt8]) {
        var digits: (UInt64, UInt64) = (0, 0)  // 16 bytes
        withUnsafeMutableBytes(of: &digits) { d in
            var v = key
            for i in stride(from: 15, through: 0, by: -1) {
                d[i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
            }
            out.append(contentsOf: d)
        }
    }

    public static func parse<C: Collection>(_ raw: C) -> Result<HouseholdID, ValueError> where C.Element == UInt8 {
        let s = foldASCII(raw)
        if s.isEmpty { return .failure(ValueError(.missingRequired, "户编号为空")) }
        if looksScientific(s) {
            return .failure(
                ValueError(
                    .householdID,
                    "户编号被电子表格改成了科学计数法，号码已损坏：请把该列设为文本格式后重新导出"))
        }
        guard s.count == 16, let v = parseDigits(s[0..<8]), let w = parseDigits(s[8..<16]) else {
            return .failure(ValueError(.householdID, "户编号应为 16 位数字"))
        }
        return .success(HouseholdID(key: UInt64(v) * 100_000_000 + UInt64(w)))
    }

    public static func staged<C: Collection>(_ s: C) -> HouseholdID where C.Element == UInt8 {
        var key: UInt64 = 0
        for b in s { key = key * 10 + UInt64(b &- 0x30) }
        return HouseholdID(key: key)
    }
}
