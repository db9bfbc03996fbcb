/// Fast paths for the plain spellings that make up nearly every row (`2021-05-03`, `1234.50`, an
/// 18-character ID): they check and copy the bytes without allocating. Anything else falls back to the
/// full parsers in Values/, which give the same result (the fast paths accept a subset of their input).
/// They work on the field's bytes in place (`RawField`), so checking a field costs no reference counting.
enum FastPath {
    /// Trims ASCII whitespace and U+3000 at both ends, without copying.
    @inline(__always)
    static func trim(_ s: RawField) -> RawField {
        var lo = s.startIndex, hi = s.endIndex
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
        return RawField(rebasing: s[lo..<hi])
    }

    @inline(__always)
    static func digit(_ s: RawField, _ i: Int) -> Int? {
        let d = s[i] &- 0x30
        return d < 10 ? Int(d) : nil
    }

    /// `dddd-dd-dd`, a real calendar day.
    static func isoDate(_ s: RawField) -> Bool {
        guard s.count == 10, s[4] == 0x2D, s[7] == 0x2D else { return false }
        var y = 0, m = 0, d = 0
        for i in 0..<4 { guard let x = digit(s, i) else { return false }; y = y * 10 + x }
        for i in 5..<7 { guard let x = digit(s, i) else { return false }; m = m * 10 + x }
        for i in 8..<10 { guard let x = digit(s, i) else { return false }; d = d * 10 + x }
        return Day(year: y, month: m, day: d) != nil
    }

    /// `dddd-dd`, month 01–12, year ≥ 1900.
    static func isoMonth(_ s: RawField) -> Bool {
        guard s.count == 7, s[4] == 0x2D else { return false }
        var y = 0, m = 0
        for i in 0..<4 { guard let d = digit(s, i) else { return false }; y = y * 10 + d }
        for i in 5..<7 { guard let d = digit(s, i) else { return false }; m = m * 10 + d }
        return y >= 1900 && m >= 1 && m <= 12
    }

    /// Sixteen digits.
    static func householdID(_ s: RawField) -> Bool {
        s.count == 16 && s.allSatisfy(isDigit)
    }

    /// 17 digits and an upper-case check char that matches, with a possible birth date not after `today`.
    static func residentID(_ s: RawField, today: Day) -> Bool {
        guard s.count == 18 else { return false }
        var sum = 0
        let b = s.startIndex
        for i in 0..<17 {
            let d = s[b + i] &- 0x30
            guard d < 10 else { return false }
            sum += Int(d) * ResidentID.weights[i]
        }
        guard s[b + 17] == ResidentID.checkChars[sum % 11] else { return false }
        var y = 0, m = 0, d = 0
        for i in 6..<10 { y = y * 10 + Int(s[b + i] - 0x30) }
        for i in 10..<12 { m = m * 10 + Int(s[b + i] - 0x30) }
        for i in 12..<14 { d = d * 10 + Int(s[b + i] - 0x30) }
        guard y >= 1900, let birth = Day(year: y, month: m, day: d), birth <= today else { return false }
        return true
    }

    /// `-?digits(.d{1,2})?` with at most 15 integer digits: the amount in fen, and whether the bytes are
    /// already the normal form (exactly two decimals, no leading zeros to drop, no `-0`).
    static func amount(_ s: RawField) -> (fen: Int64, normal: Bool)? {
        var i = s.startIndex
        let end = s.endIndex
        var negative = false
        if i < end && s[i] == 0x2D { negative = true; i += 1 }
        let intStart = i
        var v: Int64 = 0
        while i < end, s[i] &- 0x30 < 10 { v = v * 10 + Int64(s[i] - 0x30); i += 1 }
        let intDigits = i - intStart
        guard intDigits >= 1 && intDigits <= 15 else { return nil }
        var decimals = 0
        v *= 100
        if i < end {
            guard s[i] == 0x2E else { return nil }
            i += 1
            var scale: Int64 = 10
            while i < end, s[i] &- 0x30 < 10, decimals < 3 {
                v += Int64(s[i] - 0x30) * scale
                scale /= 10
                decimals += 1
                i += 1
            }
            guard i == end, decimals >= 1, decimals <= 2 else { return nil }
        }
        let normal = decimals == 2 && (intDigits == 1 || s[intStart] != 0x30) && !(negative && v == 0)
        return (negative ? -v : v, normal)
    }
}

extension Text {
    /// How a text value is staged, decided in one pass over its bytes (`RowValidator`).
    enum Staging {
        /// Made only of scalars NFC leaves as they are (`Text.isStableStarter`: already NFC), with no comma,
        /// quote, CR or LF: copied as it is, not scanned again.
        case plain
        /// Trivially NFC, but a comma, quote or line break makes it quoted in CSV.
        case quoted
        /// A scalar NFC may change (or bytes that are not a whole scalar): normalised (`Text.nfc`).
        case normalised
    }

    /// The NFC check and `CSVOut.hasSpecial` in one pass: ASCII eight bytes at a time, the CJK Unified
    /// Ideographs U+5000–U+9FFF (lead bytes E5–E9, stable starters) without decoding, every other scalar
    /// decoded and put to `isStableStarter`.
    static func staging(_ p: UnsafeBufferPointer<UInt8>) -> Staging {
        guard let b = p.baseAddress else { return .plain }
        let n = p.count
        var special = false
        var i = 0
        while i < n {
            if i + 8 <= n {
                let w = ByteWords.load(b, i)
                if !ByteWords.nonASCII(w) {
                    if ByteWords.csvSpecial(w) != 0 { special = true }
                    i += 8
                    continue
                }
            }
            let c = b[i]
            if c < 0x80 {
                if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { special = true }
                i += 1
                continue
            }
            var v: UInt32
            if c >= 0xE5 && c <= 0xE9 && i + 2 < n {
                i += 3  // U+5000–U+9FFF whatever the continuation bytes: a stable starter
                continue
            } else if c >= 0xC2 && c < 0xE0 && i + 1 < n {
                v = (UInt32(c & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)
                i += 2
            } else if c >= 0xE0 && c < 0xF0 && i + 2 < n {
                v = (UInt32(c & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6) | UInt32(b[i + 2] & 0x3F)
                i += 3
            } else if c >= 0xF0 && c < 0xF5 && i + 3 < n {
                v = (UInt32(c & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12) | (UInt32(b[i + 2] & 0x3F) << 6) | UInt32(b[i + 3] & 0x3F)
                i += 4
            } else {
                return .normalised  // (a stray byte, or a sequence cut short at the end)
            }
            if !isStableStarter(v) { return .normalised }
        }
        return special ? .quoted : .plain
    }
}
