import Foundation

/// Free text from a feed: surrounding ASCII and full-width spaces trimmed, Unicode NFC.
public enum Text {
    public static func normalize<C: Collection>(_ raw: C) -> String where C.Element == UInt8 {
        let bytes = trimSpaces(raw)
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let s = String(decoding: bytes, as: UTF8.self)
        // Precomposed CJK text is already NFC; only strings with combining marks change.
        if s.unicodeScalars.allSatisfy({ $0.properties.canonicalCombiningClass == .notReordered && !isDecomposable($0) }) {
            return s
        }
        return s.precomposedStringWithCanonicalMapping
    }

    /// Scalars that NFC may compose with a following mark: only Latin/Greek/Cyrillic/Hangul jamo ranges matter here.
    private static func isDecomposable(_ u: Unicode.Scalar) -> Bool {
        (u.value >= 0x1100 && u.value <= 0x11FF) || (u.value >= 0x3099 && u.value <= 0x309A)
    }

    /// Trims ASCII whitespace and U+3000 at both ends, on bytes.
    public static func trimSpaces<C: Collection>(_ raw: C) -> [UInt8] where C.Element == UInt8 {
        var s = Array(raw)
        var lo = 0, hi = s.count
        while true {
            if lo < hi && isSpaceByte(s[lo]) { lo += 1; continue }
            if lo + 3 <= hi && s[lo] == 0xE3 && s[lo + 1] == 0x80 && s[lo + 2] == 0x80 { lo += 3; continue }
            break
        }
        while true {
            if hi > lo && isSpaceByte(s[hi - 1]) { hi -= 1; continue }
            if hi - 3 >= lo && s[hi - 3] == 0xE3 && s[hi - 2] == 0x80 && s[hi - 1] == 0x80 { hi -= 3; continue }
            break
        }
        if lo > 0 || hi < s.count { s = Array(s[lo..<hi]) }
        return s
    }
}
