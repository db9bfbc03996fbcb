/// alerts.jsonl written by hand: one object per line, keys sorted, the same document JSONEncoder
/// gives with `.sortedKeys` (nil fields left out), at a fraction of the cost for tens of thousands of alerts.
/// A province's 300,000 lines are written twice a run (detect's and emit's copy): the keys go out as whole
/// literals with their commas and colons, the values are scanned a word at a time, the numbers are written
/// as digits (no String made for them).
enum AlertJSON {
    /// Bytes written as they are: a key with its comma, quotes and colon (`,"category":`), brackets.
    @inline(__always)
    static func raw(_ out: inout [UInt8], _ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    static func string(_ out: inout [UInt8], _ s: String) {
        var s = s
        s.withUTF8 { u in
            out.append(0x22)
            // most values need no escape: scanned as memory, copied whole
            let i = firstToEscape(u)
            if i == u.count {
                out.append(contentsOf: u)
                out.append(0x22)
                return
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[..<i]))
            for b in u[i...] {
                switch b {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0xF)])
                default: out.append(b)
                }
            }
            out.append(0x22)
        }
    }

    /// The position of the first byte JSON escapes (a control character, quote or backslash), or the end:
    /// eight bytes at a time.
    @inline(__always)
    static func firstToEscape(_ u: UnsafeBufferPointer<UInt8>) -> Int {
        let n = u.count
        var i = 0
        if let base = u.baseAddress {
            while i + 8 <= n {
                let w = ByteWords.load(base, i)
                // a byte below 0x20, a quote, a backslash
                if ByteWords.below(w, 0x20) | ByteWords.has(w, 0x22) | ByteWords.has(w, 0x5C) != 0 { break }
                i += 8
            }
        }
        while i < n {
            let b = u[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return i }
            i += 1
        }
        return n
    }

    static func strings(_ out: inout [UInt8], _ list: [String]) {
        out.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(&out, s)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A whole number's decimal digits (as `String(v)` spells it).
    static func int<I: BinaryInteger>(_ out: inout [UInt8], _ v: I) {
        var m = Int64(v).magnitude
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 20 digits at most
        withUnsafeMutableBytes(of: &digits) { d in
            var at = d.count
            repeat {
                at -= 1
                d[at] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
            } while m > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[at...]))
        }
    }

    /// Keys in sorted order; absent optionals left out, as JSONEncoder does.
    static func evidence(_ out: inout [UInt8], _ e: Evidence) {
        out.append(UInt8(ascii: "{"))
        var first = true
        if let v = e.amount { raw(&out, #""amount":"#); string(&out, v); first = false }
        if let v = e.date { raw(&out, first ? #""date":"# : #","date":"#); string(&out, v); first = false }
        if let v = e.record { raw(&out, first ? #""record":"# : #","record":"#); string(&out, v); first = false }
        raw(&out, first ? #""source":"# : #","source":"#)
        string(&out, e.source)
        raw(&out, #","text":"#)
        string(&out, e.text)
        raw(&out, #","trigger":"#)
        string(&out, e.trigger)
        out.append(UInt8(ascii: "}"))
    }

    /// One alert and its line end, keys in sorted order.
    /// The alert's line; `overdueDays`, where given, in place of its `overdue_days`.
    static func line(_ out: inout [UInt8], _ a: Alert, overdueDays: Int? = nil) {
        raw(&out, #"{"alert_id":"#)
        string(&out, a.alert_id)
        raw(&out, #","category":"#)
        string(&out, a.category)
        raw(&out, #","channels":"#)
        strings(&out, a.channels)
        raw(&out, #","evidence":["#)
        for (i, e) in a.evidence.enumerated() {
            if i > 0 { out.append(0x2C) }
            evidence(&out, e)
        }
        raw(&out, #"],"head_id_masked":"#)
        string(&out, a.head_id_masked)
        raw(&out, #","head_name":"#)
        string(&out, a.head_name)
        raw(&out, #","household_id":"#)
        string(&out, a.household_id)
        raw(&out, #","household_type":"#)
        string(&out, a.household_type)
        raw(&out, #","income_projected":"#)
        string(&out, a.income_projected)
        raw(&out, #","level":"#)
        string(&out, a.level.rawValue)
        raw(&out, #","line":"#)
        string(&out, a.line)
        raw(&out, #","month":"#)
        string(&out, a.month)
        raw(&out, #","months_with_income":"#)
        int(&out, a.months_with_income)
        raw(&out, #","net_per_capita":"#)
        string(&out, a.net_per_capita)
        raw(&out, #","notes":"#)
        strings(&out, a.notes)
        raw(&out, #","npc_denominator":"#)
        int(&out, a.npc_denominator)
        raw(&out, #","npc_numerator":"#)
        int(&out, a.npc_numerator)
        if let d = overdueDays ?? a.overdue_days {
            raw(&out, #","overdue_days":"#)
            int(&out, d)
        }
        raw(&out, #","period_months":"#)
        int(&out, a.period_months)
        raw(&out, #","prev_income":"#)
        string(&out, a.prev_income)
        raw(&out, #","rigid":"#)
        string(&out, a.rigid)
        raw(&out, #","risk_types":"#)
        strings(&out, a.risk_types)
        raw(&out, #","size":"#)
        int(&out, a.size)
        raw(&out, #","suggested":"#)
        strings(&out, a.suggested)
        raw(&out, #","town":"#)
        string(&out, a.town)
        raw(&out, #","triggers":"#)
        strings(&out, a.triggers)
        raw(&out, #","village":"#)
        string(&out, a.village)
        out.append(UInt8(ascii: "}"))
        out.append(0x0A)
    }
}
