/// alerts.jsonl written by hand: one object per line, keys sorted, the same document JSONEncoder
/// gives with `.sortedKeys` (nil fields left out), at a fraction of the cost for tens of thousands of alerts.
enum AlertJSON {
    static func string(_ out: inout [UInt8], _ s: String) {
        var s = s
        s.withUTF8 { u in
            out.append(0x22)
            // most values need no escape: scanned as memory, copied whole
            var i = 0
            while i < u.count {
                let b = u[i]
                if b < 0x20 || b == 0x22 || b == 0x5C { break }
                i += 1
            }
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

    static func strings(_ out: inout [UInt8], _ list: [String]) {
        out.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(&out, s)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `"key":` (or `,"key":` after the first), for keys that need no escape.
    static func key(_ out: inout [UInt8], _ k: StaticString, first: Bool = false) {
        if !first { out.append(0x2C) }
        out.append(0x22)
        k.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x22)
        out.append(UInt8(ascii: ":"))
    }

    static func int<I: BinaryInteger>(_ out: inout [UInt8], _ v: I) { out.append(contentsOf: String(v).utf8) }

    /// Keys in sorted order; absent optionals left out, as JSONEncoder does.
    static func evidence(_ out: inout [UInt8], _ e: Evidence) {
        out.append(UInt8(ascii: "{"))
        var first = true
        if let v = e.amount { key(&out, "amount", first: first); string(&out, v); first = false }
        if let v = e.date { key(&out, "date", first: first); string(&out, v); first = false }
        if let v = e.record { key(&out, "record", first: first); string(&out, v); first = false }
        key(&out, "source", first: first); string(&out, e.source)
        key(&out, "text"); string(&out, e.text)
        key(&out, "trigger"); string(&out, e.trigger)
        out.append(UInt8(ascii: "}"))
    }

    /// One alert and its line end, keys in sorted order.
    /// The alert's line; `overdueDays`, where given, in place of its `overdue_days`.
    static func line(_ out: inout [UInt8], _ a: Alert, overdueDays: Int? = nil) {
        out.append(UInt8(ascii: "{"))
        key(&out, "alert_id", first: true); string(&out, a.alert_id)
        key(&out, "category"); string(&out, a.category)
        key(&out, "channels"); strings(&out, a.channels)
        key(&out, "evidence")
        out.append(UInt8(ascii: "["))
        for (i, e) in a.evidence.enumerated() {
            if i > 0 { out.append(0x2C) }
            evidence(&out, e)
        }
        out.append(UInt8(ascii: "]"))
        key(&out, "head_id_masked"); string(&out, a.head_id_masked)
        key(&out, "head_name"); string(&out, a.head_name)
        key(&out, "household_id"); string(&out, a.household_id)
        key(&out, "household_type"); string(&out, a.household_type)
        key(&out, "income_projected"); string(&out, a.income_projected)
        key(&out, "level"); string(&out, a.level.rawValue)
        key(&out, "line"); string(&out, a.line)
        key(&out, "month"); string(&out, a.month)
        key(&out, "months_with_income"); int(&out, a.months_with_income)
        key(&out, "net_per_capita"); string(&out, a.net_per_capita)
        key(&out, "notes"); strings(&out, a.notes)
        key(&out, "npc_denominator"); int(&out, a.npc_denominator)
        key(&out, "npc_numerator"); int(&out, a.npc_numerator)
        if let d = overdueDays ?? a.overdue_days { key(&out, "overdue_days"); int(&out, d) }
        key(&out, "period_months"); int(&out, a.period_months)
        key(&out, "prev_income"); string(&out, a.prev_income)
        key(&out, "rigid"); string(&out, a.rigid)
        key(&out, "risk_types"); strings(&out, a.risk_types)
        key(&out, "size"); int(&out, a.size)
        key(&out, "suggested"); strings(&out, a.suggested)
        key(&out, "town"); string(&out, a.town)
        key(&out, "triggers"); strings(&out, a.triggers)
        key(&out, "village"); string(&out, a.village)
        out.append(UInt8(ascii: "}"))
        out.append(0x0A)
    }
}
