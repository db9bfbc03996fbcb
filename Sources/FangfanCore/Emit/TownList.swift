/// The early-warning list of one town (RULES.md §8), as CSV (UTF-8 with BOM) and XLSX.
public enum TownList {
    public enum Kind: Sendable {
        case text, money, number

        /// A non-empty cell of this kind in a sheet: text escaped against formulas, money with two decimals
        /// ("0.00"), a count of people or days as a whole number ("0").
        func xlsxCell(_ cell: String) -> XLSXCell {
            switch self {
            case .text: return .text(CSVOut.inert(cell))
            case .money: return .number(cell)
            case .number: return .integer(cell)
            }
        }
    }

    /// Columns, in order: Chinese headers, kind, XLSX width. 超期天数 (RULES.md §13) is blank unless the case is
    /// past the verification deadline. The last six are the verification fields cadres fill in and send back
    /// (feed `verification`).
    public static let columns: [(header: String, kind: Kind, width: Double)] = [
        ("预警编号", .text, 30), ("预警等级", .text, 20), ("类别", .text, 13), ("乡镇", .text, 10), ("行政村", .text, 10),
        ("户编号", .text, 19), ("户主姓名", .text, 9), ("户主身份证号", .text, 20), ("家庭人口", .number, 8),
        ("上年家庭纯收入", .money, 13), ("预计年收入", .money, 12), ("刚性支出", .money, 11), ("人均纯收入", .money, 11),
        ("监测线", .money, 9), ("风险类型", .text, 16), ("发现方式", .text, 10), ("预警依据", .text, 60), ("提示", .text, 22),
        ("建议帮扶措施", .text, 30), ("超期天数", .number, 8),
        ("核查结论", .text, 10), ("核查人", .text, 9), ("核查日期", .text, 11), ("帮扶措施", .text, 16), ("备注", .text, 20),
    ]

    /// The column of the head's (masked) resident ID.
    public static let headIDColumn = 7

    /// The values of 核查结论 (feed `verification`), offered as a drop-down on the XLSX list.
    public static let findingValues = ["确认纳入", "不予纳入", "风险已消除", "待核"]
    /// The measures of 帮扶措施, shown as an input message when a cell of that column is selected.
    public static let measures = ["产业帮扶", "就业帮扶", "综合保障", "扶志扶智", "其他帮扶"]
    /// Empty rows below the last listed one that still carry the drop-down and the message (rows a cadre adds).
    public static let validatedEmptyRows = 200

    /// The XLSX list's validations: the drop-down on 核查结论, the input message on 帮扶措施.
    public static let validations: [XLSXValidation] = [
        XLSXValidation(
            column: columns.firstIndex { $0.header == "核查结论" }!, values: findingValues,
            extraRows: validatedEmptyRows),
        XLSXValidation(
            column: columns.firstIndex { $0.header == "帮扶措施" }!, promptTitle: "帮扶措施",
            prompt: "一项或多项，以、分隔：" + measures.joined(separator: "、"), extraRows: validatedEmptyRows),
    ]

    /// A row of the list: an alert, or a monitored case for which risk elimination is suggested (§7).
    public struct Row: Sendable {
        public var cells: [String]
    }

    public static func row(_ a: Alert, eliminationSuggested: Bool, overdueDays: Int? = nil) -> Row {
        var suggested = a.suggested
        if eliminationSuggested { suggested.append("建议标注风险已消除") }
        return Row(cells: [
            a.alert_id, a.level.chinese + "（\(a.level.meaning)）", a.category, a.town, a.village, a.household_id,
            a.head_name, a.head_id_masked, String(a.size), a.prev_income, a.income_projected, a.rigid, a.net_per_capita,
            a.line, a.risk_types.joined(separator: "、"), a.channels.joined(separator: "、"),
            a.evidence.map(\.text).joined(separator: "；\n"), a.notes.joined(separator: "；"),
            suggested.joined(separator: "；"), overdueDays.map(String.init) ?? "", "", "", "", "", "",
        ])
    }

    /// A monitored case with no alert this month, listed only to suggest 风险已消除.
    public static func eliminationRow(
        alertId: String, household: String, town: String, village: String, headName: String,
        headMasked: String, size: Int, prev: String, projected: String, rigid: String,
        npc: String, line: String, reason: String
    ) -> Row {
        Row(cells: [
            alertId, "—", "在监测", town, village, household, headName, headMasked, String(size), prev, projected, rigid,
            npc, line, "", "", reason, "", "建议标注风险已消除", "",
            "", "", "", "", "",
        ])
    }

    /// The columns' kinds, looked up per cell.
    private static let kinds = columns.map(\.kind)

    public static func csv(_ rows: [Row]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&out, columns.map(\.header))
        let kinds = TownList.kinds
        for r in rows {
            for (i, cell) in r.cells.enumerated() {
                if i > 0 { out.append(0x2C) }
                // text made inert against formulas, from the cell's bytes (no String made for it)
                var c = cell
                c.withUTF8 { CSVOut.appendField(&out, $0, inert: kinds[i] == .text) }
            }
            out.append(0x0A)
        }
        return out
    }

    public static func xlsx(_ rows: [Row], town: String) throws -> [UInt8] {
        let kinds = TownList.kinds
        let spec = XLSXSheetSpec(
            name: town.isEmpty ? "预警名单" : town,
            columns: columns.map { XLSXColumn(header: $0.header, width: $0.width) },
            rows: rows.map { r in
                var cells: [XLSXCell] = []
                cells.reserveCapacity(r.cells.count)
                for (i, cell) in r.cells.enumerated() {
                    if cell.isEmpty { cells.append(.empty); continue }
                    cells.append(kinds[i].xlsxCell(cell))
                }
                return cells
            },
            freezeHeader: true, validations: validations, printSetup: true)
        return try XLSXWriter.data(spec)
    }

    /// A town name as a file name: no path separators or control characters.
    public static func fileName(_ town: String) -> String {
        let cleaned = town.unicodeScalars.map { s -> String in
            if s == "/" || s == "\\" || s.value < 0x20 || s == ":" { return "_" }
            return String(s)
        }.joined()
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "_" + cleaned : cleaned
    }
}
