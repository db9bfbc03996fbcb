/// alerts.jsonl written by hand: one object per line, keys sorted, the same document JSONEncoder
/// gives with `.sortedKeys` (nil fields left out), at a fraction of the cost for tens of thousands of alerts.
enum AlertJSON {
    static func string(_ out: inout [UInt8], _ s: String) {
        out.append(0x22)
        for b in s.utf8 {
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

    static func strings(_ out: inout [UInt8], _ list: [String]) {
        out.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(&out, s)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// An object from (key, writer) pairs already in key order.
    static func object(_ out: inout [UInt8], _ fields: [(String, (inout [UInt8]) -> Void)]) {
        out.append(UInt8(ascii: "{"))
        for (i, (k, write)) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(&out, k)
            out.append(UInt8(ascii: ":"))
            write(&out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func evidence(_ out: inout [UInt8], _ e: Evidence) {
        var f: [(String, (inout [UInt8]) -> Void)] = []
        if let v = e.amount { f.append(("amount", { string(&$0, v) })) }
        if let v = e.date { f.append(("date", { string(&$0, v) })) }
        if let v = e.record { f.append(("record", { string(&$0, v) })) }
        f.append(("source", { string(&$0, e.source) }))
        f.append(("text", { string(&$0, e.text) }))
        f.append(("trigger", { string(&$0, e.trigger) }))
        object(&out, f)
    }

    static func line(_ out: inout [UInt8], _ a: Alert) {
        func int<I: BinaryInteger>(_ v: I) -> (inout [UInt8]) -> Void { { $0 += Array(String(v).utf8) } }
        object(&out, [
            ("alert_id", { string(&$0, a.alert_id) }),
            ("category", { string(&$0, a.category) }),
            ("channels", { strings(&$0, a.channels) }),
            ("evidence", { o in
                o.append(UInt8(ascii: "["))
                for (i, e) in a.evidence.enumerated() {
                    if i > 0 { o.append(0x2C) }
                    evidence(&o, e)
                }
                o.append(UInt8(ascii: "]"))
            }),
            ("head_id_masked", { string(&$0, a.head_id_masked) }),
            ("head_name", { string(&$0, a.head_name) }),
            ("household_id", { string(&$0, a.household_id) }),
            ("household_type", { string(&$0, a.household_type) }),
            ("income_projected", { string(&$0, a.income_projected) }),
            ("level", { string(&$0, a.level.rawValue) }),
            ("line", { string(&$0, a.line) }),
            ("month", { string(&$0, a.month) }),
            ("months_with_income", int(a.months_with_income)),
            ("net_per_capita", { string(&$0, a.net_per_capita) }),
            ("notes", { strings(&$0, a.notes) }),
            ("npc_denominator", int(a.npc_denominator)),
            ("npc_numerator", int(a.npc_numerator)),
            ("period_months", int(a.period_months)),
            ("prev_income", { string(&$0, a.prev_income) }),
            ("rigid", { string(&$0, a.rigid) }),
            ("risk_types", { strings(&$0, a.risk_types) }),
            ("size", int(a.size)),
            ("suggested", { strings(&$0, a.suggested) }),
            ("town", { string(&$0, a.town) }),
            ("triggers", { strings(&$0, a.triggers) }),
            ("village", { string(&$0, a.village) }),
        ])
        out.append(0x0A)
    }
}
