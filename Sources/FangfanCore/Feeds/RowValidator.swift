import Foundation

/// What is wrong with a row: the first failing field in the feed's field order.
public struct RowProblem: Error, Sendable {
    public var field: Int
    public var raw: String
    public var error: ValueError
}

/// Validates and normalises one row of a feed, field by field, on bytes (FEEDS.md "Values that appear in every feed").
public final class RowValidator {
    public let schema: FeedSchema
    let today: Day
    /// Per field: spelling → listed value (the listed values map to themselves).
    private var choices: [[[UInt8]: [UInt8]]]

    public init(feed: FeedConfig, today: Day) {
        schema = feed.kind.schema
        self.today = today
        choices = schema.fields.map { spec in
            var map: [[UInt8]: [UInt8]] = [:]
            var listed: [String] = []
            switch spec.type {
            case .choice(let v): listed = v
            case .multiChoice(let v, _): listed = v
            default: return map
            }
            for v in listed { map[Array(v.utf8)] = Array(v.utf8) }
            for (raw, canonical) in feed.values[spec.name] ?? [:] { map[Array(raw.utf8)] = Array(canonical.utf8) }
            return map
        }
    }

    /// `raw(i)` gives the raw bytes of canonical field i (nil when the file has no such column).
    /// On success the row holds the normalised values.
    public func validate(_ raw: (Int) -> ArraySlice<UInt8>?, into row: inout NormalizedRow) -> RowProblem? {
        row.reset(fieldCount: schema.fields.count)
        for (i, spec) in schema.fields.enumerated() {
            let value = raw(i) ?? []
            if let e = normalize(value, spec, i, &row) {
                return RowProblem(field: i, raw: String(decoding: value, as: UTF8.self), error: e)
            }
        }
        return feedCheck(&row)
    }

    private func missing(_ spec: FieldSpec) -> ValueError {
        ValueError(.missingRequired, "必填项为空")
    }

    private func normalize(_ value: ArraySlice<UInt8>, _ spec: FieldSpec, _ i: Int, _ row: inout NormalizedRow) -> ValueError? {
        let trimmed = Text.trimSpaces(value)
        if trimmed.isEmpty {
            if spec.required { return missing(spec) }
            if case .amount = spec.type { row.amounts[i] = 0 }
            row.append(spec.blankValue.utf8)
            return nil
        }
        switch spec.type {
        case .householdID:
            switch HouseholdID.parse(trimmed) {
            case .success(let h): row.append(h.description.utf8)
            case .failure(let e): return e
            }
        case .residentID:
            switch ResidentID.parse(trimmed, today: today) {
            case .success(let id): row.append(id.description.utf8)
            case .failure(let e): return e
            }
        case .text:
            if Text.isTriviallyNFC(trimmed) { row.append(trimmed) } else { row.append(Text.normalize(trimmed).utf8) }
        case .date:
            switch Day.parse(trimmed) {
            case .success(let d): row.append(d.description.utf8)
            case .failure(let e): return e
            }
        case .month:
            switch Month.parse(trimmed) {
            case .success(let m): row.append(m.description.utf8)
            case .failure(let e): return e
            }
        case .amount(let nonNegative):
            switch Money.parse(trimmed, sign: nonNegative ? .nonNegative : .any) {
            case .success(let m?):
                row.amounts[i] = m.fen
                row.append(m.description.utf8)
            case .success(nil): row.append(spec.blankValue.utf8)
            case .failure(let e): return e
            }
        case .integer(let min):
            let s = foldASCII(trimmed)
            guard let v = parseDigits(s), v >= min else {
                return ValueError(.badNumber, "应为不小于 \(min) 的整数")
            }
            row.append(String(v).utf8)
        case .decimal:
            let s = foldASCII(trimmed)
            let parts = s.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isDigit) }) else {
                return ValueError(.badNumber, "应为不小于 0 的数字")
            }
            row.append(s)
        case .choice(let listed):
            let key = Array(foldedChoice(trimmed))
            guard let canonical = choices[i][key] else {
                return ValueError(.badEnum, "取值不在规定范围内（应为：\(listed.joined(separator: "、"))）")
            }
            row.append(canonical)
        case .multiChoice(let listed, _):
            var out: [UInt8] = []
            for part in splitList(trimmed) {
                guard let canonical = choices[i][Array(part)] else {
                    return ValueError(.badEnum, "取值不在规定范围内（可选：\(listed.joined(separator: "、"))，多项用“、”分隔）")
                }
                if !out.isEmpty { out += Array("、".utf8) }
                out += canonical
            }
            row.append(out)
        }
        return nil
    }

    /// Choices are compared after folding full-width digits (`１` → `1`), so grade `２` reads as `2`.
    private func foldedChoice(_ b: [UInt8]) -> [UInt8] {
        b.contains(where: { $0 >= 0x80 }) && b.allSatisfy({ $0 != 0xEF }) ? b : foldASCII(b)
    }

    /// Splits `因病、因学`, `因病,因学`, `因病;因学` (and `，` `；`) into trimmed parts.
    private func splitList(_ b: [UInt8]) -> [[UInt8]] {
        let s = String(decoding: b, as: UTF8.self)
        return s.split(whereSeparator: { "、,;，；".contains($0) })
            .map { Text.trimSpaces(Array($0.utf8)) }
            .filter { !$0.isEmpty }
    }

    /// The checks of FEEDS.md that look at several fields of a row.
    private func feedCheck(_ row: inout NormalizedRow) -> RowProblem? {
        func field(_ name: String) -> Int { schema.index(of: name)! }
        switch schema.kind {
        case .income:
            // all four components blank: nothing was declared
            let comps = ["wages", "business_net", "property_net", "transfer_net"].map(field)
            if comps.allSatisfy({ row.amounts[$0] == 0 && blankRaw.contains($0) }) {
                return RowProblem(field: comps[0], raw: "", error: ValueError(.missingRequired, "四项收入全部为空：至少填写一项（可填 0）"))
            }
        case .medical:
            let kind = field("kind"), reverses = field("reverses")
            if row.string(kind) == "冲销" && row.isBlank(reverses) {
                return RowProblem(field: reverses, raw: "", error: ValueError(.missingRequired, "冲销记录必须填写原结算流水号"))
            }
            let total = row.amounts[field("total")] ?? 0
            let parts = ["fund_paid", "critical_paid", "assistance_paid", "out_of_pocket"].map { row.amounts[field($0)] ?? 0 }
            if parts.reduce(0, +) != total {
                return RowProblem(field: field("total"), raw: row.string(field("total")),
                    error: ValueError(.amountsDoNotAddUp, "医疗总费用不等于 统筹基金+大病保险+医疗救助+个人自付（精确到分）"))
            }
        case .verification:
            if row.string(field("finding")) != "待核" && row.isBlank(field("verified_by")) {
                return RowProblem(field: field("verified_by"), raw: "", error: ValueError(.missingRequired, "核查结论不是“待核”时必须填写核查人"))
            }
        case .application:
            if row.string(field("channel")) == "干部排查" && row.isBlank(field("reported_by")) {
                return RowProblem(field: field("reported_by"), raw: "", error: ValueError(.missingRequired, "干部排查必须填写填报人"))
            }
        default: break
        }
        return nil
    }

    /// Field indexes whose raw value was blank in the row just validated (for income's all-blank rule).
    private var blankRaw: Set<Int> = []

    /// Like `validate`, but remembers which fields were blank (used by the all-blank income rule).
    public func check(_ raw: (Int) -> ArraySlice<UInt8>?, into row: inout NormalizedRow) -> RowProblem? {
        blankRaw.removeAll(keepingCapacity: true)
        if schema.kind == .income {
            for i in 2..<6 where Text.trimSpaces(raw(i) ?? []).isEmpty { blankRaw.insert(i) }
        }
        return validate(raw, into: &row)
    }
}

extension Text {
    /// True when the bytes are ASCII or scalars (CJK, CJK punctuation, full-width forms, Latin-1 letters)
    /// that NFC leaves unchanged and that no following mark can combine with.
    public static func isTriviallyNFC<C: Collection>(_ b: C) -> Bool where C.Element == UInt8 {
        var it = b.makeIterator()
        while let c = it.next() {
            if c < 0x80 { continue }
            if c >= 0xE0 && c < 0xF0 {
                guard let c1 = it.next(), let c2 = it.next() else { return false }
                let v = (UInt32(c & 0x0F) << 12) | (UInt32(c1 & 0x3F) << 6) | UInt32(c2 & 0x3F)
                if (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x3000 && v <= 0x303F)
                    || (v >= 0xFF00 && v <= 0xFFEF) || (v >= 0x2000 && v <= 0x206F) { continue }
                return false
            }
            if c >= 0xC2 && c < 0xE0 {
                guard let c1 = it.next() else { return false }
                let v = (UInt32(c & 0x1F) << 6) | UInt32(c1 & 0x3F)
                if v < 0x300 { continue }
                return false
            }
            return false
        }
        return true
    }
}
