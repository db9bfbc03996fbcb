/// Byte-level helpers shared by the value parsers.
///
/// Department exports carry full-width characters (`４４０８２５`, `Ｘ`, the ideographic space)
/// and stray spaces. `foldASCII` trims ASCII and full-width spaces and maps the full-width
/// forms U+FF01...U+FF5E to their ASCII twins, leaving every other byte as it is.
@inlinable
func isSpaceByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

/// Returns the bytes with full-width ASCII variants folded and surrounding spaces trimmed.
/// Fast path: pure ASCII input is only trimmed.
public func foldASCII<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(input.count)
    var i = input.startIndex
    while i != input.endIndex {
        let b = input[i]
        if b == 0xEF {
            // U+FF01..U+FF3F = EF BC 81..BF ; U+FF40..U+FF5E = EF BD 80..9E
            let j = input.index(after: i)
            if j != input.endIndex {
                let k = input.index(after: j)
                if k != input.endIndex {
                    let b1 = input[j], b2 = input[k]
                    if b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF {
                        out.append(b2 - 0x81 + 0x21); i = input.index(after: k); continue
                    }
                    if b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E {
                        out.append(b2 - 0x80 + 0x60); i = input.index(after: k); continue
                    }
                }
            }
        } else if b == 0xE3 {
            // U+3000 ideographic space = E3 80 80 → ASCII space
            let j = input.index(after: i)
            if j != input.endIndex {
                let k = input.index(after: j)
                if k != input.endIndex, input[j] == 0x80, input[k] == 0x80 {
                    out.append(0x20); i = input.index(after: k); continue
                }
            }
        }
        out.append(b)
        i = input.index(after: i)
    }
    var lo = 0, hi = out.count
    while lo < hi && isSpaceByte(out[lo]) { lo += 1 }
    while hi > lo && isSpaceByte(out[hi - 1]) { hi -= 1 }
    if lo == 0 && hi == out.count { return out }
    return Array(out[lo..<hi])
}

@inlinable func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

/// Parses an unsigned decimal run of ASCII digits, nil if empty or not all digits or too long.
@inlinable
func parseDigits<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
    if bytes.isEmpty || bytes.count > 18 { return nil }
    var v = 0
    for b in bytes {
        guard isDigit(b) else { return nil }
        v = v * 10 + Int(b &- 0x30)
    }
    return v
}

/// True when the bytes look like a number a spreadsheet printed in scientific notation: `4.40825E+17`.
func looksScientific(_ s: [UInt8]) -> Bool {
    guard let e = s.firstIndex(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) else { return false }
    let mantissa = s[..<e]
    var exponent = s[(e + 1)...]
    if let f = exponent.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { exponent = exponent.dropFirst() }
    guard !mantissa.isEmpty, !exponent.isEmpty, exponent.allSatisfy(isDigit) else { return false }
    var dots = 0
    for b in mantissa {
        if b == UInt8(ascii: ".") { dots += 1; continue }
        if !isDigit(b) { return false }
    }
    return dots <= 1
}
