import Foundation

/// Free text from a feed: surrounding ASCII and full-width spaces trimmed, Unicode NFC.
public enum Text {
    public static func normalize<C: Collection>(_ raw: C) -> String where C.Element == UInt8 {
        let bytes = trimSpaces(raw)
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let s = String(decoding: bytes, as: UTF8.self)
        // Most feed text (CJK, CJK punctuation, full-width forms, Latin-1) is already NFC; anything else,
        // including compatibility ideographs such as U+F92C and singletons such as U+212B, goes through NFC.
        if s.unicodeScalars.allSatisfy({ isStableStarter($0.value) }) { return s }
        return s.precomposedStringWithCanonicalMapping
    }

    /// Scalars that NFC leaves unchanged (NFC_Quick_Check = Yes), that are starters (combining class 0)
    /// and that never compose with a scalar before them: a string made only of these is already NFC.
    @inline(__always)
    static func isStableStarter(_ v: UInt32) -> Bool {
        if v < 0x300 { return true }  // ASCII, Latin-1, Latin Extended, IPA, spacing modifiers
        if v >= 0x4E00 && v <= 0x9FFF { return true }  // CJK Unified Ideographs
        if v >= 0x3400 && v <= 0x4DBF { return true }  // CJK Extension A
        if v >= 0x20000 && v <= 0x2A6DF { return true }  // CJK Extension B
        if v >= 0x3000 && v <= 0x3029 { return true }  // CJK punctuation (U+302A..302F are combining)
        if v >= 0x3030 && v <= 0x303F { return true }
        if v >= 0xFF01 && v <= 0xFFEF { return true }  // full-width and half-width forms
        if v >= 0x2010 && v <= 0x2027 { return true }  // dashes, quotes, bullets (U+2000/2001 are singletons)
        if v >= 0x2030 && v <= 0x205E { return true }
        return false
    }

    /// Trims ASCII whitespace and U+3000 at both ends, on bytes.
    public static func trimSpaces<C: Collection>(_ raw: C) -> [UInt8] where C.Element == UInt8 {
        Array(raw).withUnsafeBufferPointer { Array(FastPath.trim($0)) }
    }
}
