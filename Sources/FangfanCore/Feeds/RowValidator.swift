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
    /// The same pairs, for comparing in place (a handful per field): field i's are
    /// `choicePairs[choiceRanges[i]]`, their bytes in `constants`.
    private var choicePairs: [(spelling: RawField, canonical: RawField)] = []
    private var choiceRanges: [Range<Int>] = []
    /// The field whose requirement depends on an earlier one (`on`), and income's four components.
    private let conditional: (dependent: Int?, on: Int?, components: [Int])
    /// The value of `on` that makes `dependent` required (冲销, 干部排查), or that makes it optional (待核).
    private let conditionValue: [UInt8]
    /// medical: total and the four parts that must add up to it.
    private let total: Int?, parts: [Int]
    /// Per field, what the row loop needs without copying the field's spec (its listed values) per row.
    /// (plain old data: read per field and row without reference counting)
    private let plain: [PlainField]
    /// Per field: the normalised value of a blank (bytes in `constants`).
    private var blanks: [RawField] = []
    /// The bytes of the listed values, spellings and blanks, owned by the validator: the row loop reads
    /// them through plain pointers, with no reference counting per field and row.
    private let constants: UnsafeMutableBufferPointer<UInt8>
    /// Per field: whether its requirement depends on another field (`conditionallyRequired`).
    private let hasCondition: [Bool]
    /// The memory a row is drafted in (`RowDraft`), lent to one `validate` at a time: a validator is used on
    /// one thread (one per file, or per piece of a file).
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 1024
    private let draftEnds: UnsafeMutablePointer<Int>
    private let draftAmounts: UnsafeMutablePointer<Int64?>

    private enum PlainKind { case householdID, residentID, text, date, month, amount, choice, other }
    private struct PlainField {
        var kind: PlainKind
        var required: Bool
        var nonNegative: Bool
    }

    public init(feed: FeedConfig, today: Day) {
        let schema = feed.kind.schema
        self.schema = schema
        self.today = today
        scratch = .allocate(capacity: scratchCapacity)
        draftEnds = .allocate(capacity: max(schema.fields.count, 1))
        draftAmounts = .allocate(capacity: max(schema.fields.count, 1))
        draftAmounts.initialize(repeating: nil, count: max(schema.fields.count, 1))
        switch schema.kind {
        case .medical: conditional = (schema.index(of: "reverses"), schema.index(of: "kind"), [])
        case .verification: conditional = (schema.index(of: "verified_by"), schema.index(of: "finding"), [])
        case .application: conditional = (schema.index(of: "reported_by"), schema.index(of: "channel"), [])
        case .income:
            conditional = (nil, nil, ["wages", "business_net", "property_net", "transfer_net"].compactMap { schema.index(of: $0) })
        default: conditional = (nil, nil, [])
        }
        conditionValue = Array((schema.kind == .medical ? "冲销" : schema.kind == .verification ? "待核" : "干部排查").utf8)
        total = schema.kind == .medical ? schema.index(of: "total") : nil
        parts = ["fund_paid", "critical_paid", "assistance_paid", "out_of_pocket"].compactMap { schema.index(of: $0) }
        plain = schema.fields.map { spec in
            var f = PlainField(kind: .other, required: spec.required, nonNegative: false)
            switch spec.type {
            case .householdID: f.kind = .householdID
            case .residentID: f.kind = .residentID
            case .text: f.kind = .text
            case .date: f.kind = .date
            case .month: f.kind = .month
            case .amount(let n): f.kind = .amount; f.nonNegative = n
            case .choice: f.kind = .choice
            default: break
            }
            return f
        }
        let c = conditional
        hasCondition = schema.fields.indices.map { i in
            switch schema.kind {
            case .medical, .verification, .application: return i == c.dependent
            case .income: return i == c.components.first
            default: return false
            }
        }
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
        // every constant the row loop copies, in one block the validator owns
        let blankBytes = schema.fields.map { Array($0.blankValue.utf8) }
        let listed = choices.map { $0.map { ($0.key, $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) } }
        let total = blankBytes.reduce(0) { $0 + $1.count } + listed.joined().reduce(0) { $0 + $1.0.count + $1.1.count }
        constants = UnsafeMutableBufferPointer.allocate(capacity: max(total, 1))
        var at = 0
        func keep(_ b: [UInt8]) -> RawField {
            let range = at..<(at + b.count)
            _ = UnsafeMutableBufferPointer(rebasing: constants[range]).initialize(from: b)
            at += b.count
            return RawField(rebasing: constants[range])
        }
        // (blanks and listed values are the schema's own words: none needs quoting, they are copied unscanned)
        blanks = blankBytes.map(keep)
        precondition(!blanks.contains(where: CSVOut.hasSpecial), "a blank value needs quoting")
        for pairs in listed {
            let first = choicePairs.count
            for (spelling, canonical) in pairs { choicePairs.append((keep(spelling), keep(canonical))) }
            precondition(!pairs.contains { $0.1.withUnsafeBufferPointer(CSVOut.hasSpecial) }, "a listed value needs quoting")
            choiceRanges.append(first..<choicePairs.count)
        }
    }

    deinit {
        constants.deallocate()
        scratch.deallocate()
        draftEnds.deallocate()
        draftAmounts.deallocate()
    }

    /// `raw(i)` gives the raw bytes of canonical field i (nil when the file has no such column).
    /// On success the row holds the normalised values.
    ///
    /// Fields are checked in the feed's field order and the first failing one is reported, the
    /// requirements that depend on an earlier field (原结算流水号 for a 冲销, 核查人 unless 待核,
    /// 填报人 for 干部排查, one of the four income components) included, at their own field's place.
    public func validate(_ raw: (Int) -> RawField?, into row: inout NormalizedRow) -> RowProblem? {
        var draft = RowDraft(bytes: scratch, capacity: scratchCapacity, ends: draftEnds, amounts: draftAmounts, fieldCount: plain.count)
        defer {
            row.take(draft)
            (scratch, scratchCapacity) = (draft.bytes, draft.capacity)  // (a larger block, if the row needed one)
        }
        for i in 0..<plain.count {
            let value = raw(i) ?? RawField(start: nil, count: 0)
            if let e = normalize(value, i, &draft) ?? (hasCondition[i] ? conditionallyRequired(i, raw, draft) : nil) {
                return RowProblem(field: i, raw: String(decoding: value, as: UTF8.self), error: e)
            }
        }
        return feedCheck(raw, draft)
    }

    /// The listed value (or configured spelling) equal to the bytes, compared in place.
    @inline(__always)
    private func listedChoice(_ s: RawField, _ i: Int) -> RawField? {
        for k in choiceRanges[i] where sameBytes(choicePairs[k].spelling, s) { return choicePairs[k].canonical }
        return nil
    }

    /// A returned list's 户编号 that a spreadsheet turned into scientific notation (a town list's CSV opened in
    /// Excel and saved): what the cadres are to do differs from a department's re-export.
    static let returnedListDamaged = ValueError(
        .householdID,
        "户编号被电子表格改成了科学计数法，号码已损坏，本行核查结论未录入：请在预警名单的 XLSX 文件中填写后送回（CSV 用 Excel 打开会损坏户编号），或把该列设为文本格式后重新填写")

    private func missing(_ spec: FieldSpec) -> ValueError {
        ValueError(.missingRequired, "必填项为空")
    }

    private func normalize(_ value: RawField, _ i: Int, _ row: inout RowDraft) -> ValueError? {
        let slice = FastPath.trim(value)
        let f = plain[i]
        if slice.isEmpty {
            if f.required { return missing(schema.fields[i]) }
            if f.kind == .amount { row.amounts[i] = 0 }
            row.append(checked: blanks[i])
            return nil
        }
        // the plain spellings, checked and copied without allocating
        switch f.kind {
        case .householdID where FastPath.householdID(slice): row.append(checked: slice); return nil
        case .residentID where FastPath.residentID(slice, today: today): row.append(checked: slice); return nil
        case .date where FastPath.isoDate(slice): row.append(checked: slice); return nil
        case .month where FastPath.isoMonth(slice): row.append(checked: slice); return nil
        case .text:
            // (one pass over the bytes: NFC as they are, and whether they need quoting)
            switch Text.staging(slice) {
            case .plain: row.append(checked: slice); return nil
            case .quoted: row.append(slice); return nil
            case .normalised: break
            }
        case .choice:
            // (a listed value or a configured spelling's listed value: the listed values are plain words)
            if let canonical = listedChoice(slice, i) { row.append(checked: canonical); return nil }
        case .amount:
            if let (fen, normal) = FastPath.amount(slice), !(f.nonNegative && fen < 0) {
                row.amounts[i] = fen
                if normal { row.append(checked: slice) } else { row.append(Money(fen: fen).description.utf8) }
                return nil
            }
        default: break
        }
        let spec = schema.fields[i]
        let trimmed = Array(slice)
        switch spec.type {
        case .householdID:
            switch HouseholdID.parse(trimmed) {
            case .success(let h): row.append(h.description.utf8)
            case .failure(let e):
                // a returned list opened as CSV in a spreadsheet: the cadres' findings are in the XLSX's hands
                if schema.kind == .verification && looksScientific(foldASCII(trimmed)) { return Self.returnedListDamaged }
                return e
            }
        case .residentID:
            switch ResidentID.parse(trimmed, today: today) {
            case .success(let id): row.append(id.description.utf8)
            case .failure(let e): return e
            }
        case .text:
            if trimmed.withUnsafeBufferPointer(Text.staging) != .normalised {
                row.append(trimmed)
            } else {
                row.append(Text.nfc(trimmed).utf8)
            }
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
        case .multiChoice(let listed, let allowEmpty):
            var out: [UInt8] = []
            let parts = splitList(trimmed)
            // nothing but separators: as good as blank
            if parts.isEmpty {
                if spec.required || !allowEmpty { return missing(spec) }
                row.append(spec.blankValue.utf8)
                return nil
            }
            for part in parts {
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

    /// The requirement of field `i` that depends on an earlier field (FEEDS.md), checked once field `i`
    /// itself is valid; the fields before `i` are already normalised in `row`.
    private func conditionallyRequired(_ i: Int, _ raw: (Int) -> RawField?, _ row: RowDraft) -> ValueError? {
        let c = conditional
        switch schema.kind {
        case .medical where i == c.dependent:
            if let k = c.on, row.isBlank(i) && row.value(k).elementsEqual(conditionValue) {
                return ValueError(.missingRequired, "冲销记录必须填写原结算流水号")
            }
        case .verification where i == c.dependent:
            if let f = c.on, row.isBlank(i) && !row.value(f).elementsEqual(conditionValue) {
                return ValueError(.missingRequired, "核查结论不是“待核”时必须填写核查人")
            }
        case .application where i == c.dependent:
            if let ch = c.on, row.isBlank(i) && row.value(ch).elementsEqual(conditionValue) {
                return ValueError(.missingRequired, "干部排查必须填写填报人")
            }
        case .income where i == c.components.first:
            // all four components blank: nothing was declared (a blank one alone is 0)
            if c.components.allSatisfy({ FastPath.trim(raw($0) ?? RawField(start: nil, count: 0)).isEmpty }) {
                return ValueError(.missingRequired, "四项收入全部为空：至少填写一项（可填 0）")
            }
        default: break
        }
        return nil
    }

    /// The checks of FEEDS.md that look at several fields of an otherwise valid row.
    private func feedCheck(_ raw: (Int) -> RawField?, _ row: RowDraft) -> RowProblem? {
        guard let total else { return nil }
        var sum: Int64 = 0
        for p in parts { sum += row.amounts[p] ?? 0 }
        if sum != (row.amounts[total] ?? 0) {
            return RowProblem(
                field: total, raw: raw(total).map { String(decoding: $0, as: UTF8.self) } ?? "",
                error: ValueError(.amountsDoNotAddUp, "医疗总费用不等于 统筹基金+大病保险+医疗救助+个人自付（精确到分）"))
        }
        return nil
    }
}

extension Text {
    /// Unicode NFC of (trimmed) bytes. Unlike a check on combining classes, this also maps the singletons
    /// NFC replaces: CJK compatibility ideographs (U+F900 豈 → U+8C48 豈), U+212B Å → U+00C5, U+2000 → U+2002.
    public static func nfc<C: Collection>(_ b: C) -> String where C.Element == UInt8 {
        String(decoding: b, as: UTF8.self).precomposedStringWithCanonicalMapping
    }
}
