/// Speed only: tests on eight bytes at once (a word loaded unaligned), for the scans that look for a few byte
/// values in text: CSV's delimiters and specials, JSON's and XML's characters to escape. Each tells whether *any*
/// byte of the word is one looked for (a byte after a true hit may be marked too: scans that need the position
/// look at the word's bytes one by one).
enum ByteWords {
    /// Non-zero when a byte of `w` is zero.
    @inline(__always)
    static func zeroByte(_ w: UInt64) -> UInt64 { (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 }

    /// Non-zero when a byte of `w` is `b`.
    @inline(__always)
    static func has(_ w: UInt64, _ b: UInt8) -> UInt64 { zeroByte(w ^ (0x0101_0101_0101_0101 &* UInt64(b))) }

    /// Non-zero when a byte of `w` is below `n` (n ≤ 0x80).
    @inline(__always)
    static func below(_ w: UInt64, _ n: UInt8) -> UInt64 { (w &- 0x0101_0101_0101_0101 &* UInt64(n)) & ~w & 0x8080_8080_8080_8080 }

    /// Whether a byte of `w` is above 0x7F (not ASCII).
    @inline(__always)
    static func nonASCII(_ w: UInt64) -> Bool { w & 0x8080_8080_8080_8080 != 0 }

    /// Non-zero when a byte of `w` is a comma, quote, CR or LF: what makes a CSV value quoted.
    @inline(__always)
    static func csvSpecial(_ w: UInt64) -> UInt64 { has(w, 0x2C) | has(w, 0x22) | has(w, 0x0A) | has(w, 0x0D) }

    /// The word at `p + i`.
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64 { UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) }
}
