/// The sweep list of one town (RULES.md §10), as CSV (UTF-8 with BOM) and XLSX: the conventions of the
/// monthly lists (TownList) — IDs as text and masked, text cells escaped against formulas, money numeric —
/// and, at the end, empty columns the cadres fill in on their visit.
public enum SweepList {
    public static let columns: [(header: String, kind: TownList.Kind, width: Double)] = [
        ("灾害编号", .text, 12), ("灾害名称", .text, 24), ("乡镇", .text, 10), ("行政村", .text, 10), ("户编号", .text, 19),
        ("户主姓名", .text, 9), ("户主身份证号", .text, 20), ("户类型", .text, 9), ("家庭人口", .number, 8),
        ("台账状态", .text, 10), ("本次受灾", .text, 8), ("房屋损毁程度", .text, 12), ("直接经济损失", .money, 13),
        ("上年家庭纯收入", .money, 13), ("最近预警等级", .text, 11),
        ("排查结论", .text, 16), ("排查人", .text, 9), ("排查日期", .text, 11), ("备注", .text, 20),
    ]

    /// The column of the head's (masked) resident ID.
    public static let headIDColumn = 6

    /// The cells of a listed household.
    public static func cells(
        eventId: String, eventName: String, row: SweepRule.Row, household h: Household,
        level: Level?
    ) -> [String] {
        let head = h.head
        return [
            eventId, eventName, row.town, row.village, h.id.description, head?.name ?? "", head?.person.masked ?? "",
            h.type.rawValue, String(h.size), row.caseState?.rawValue ?? "", row.record == nil ? "否" : "是",
            row.record?.damage ?? "", row.record?.loss.description ?? "", h.prevIncome.description,
            level.map(\.chinese) ?? "", "", "", "", "",
        ]
    }

    private static let kinds = columns.map(\.kind)

    public static func csv(_ rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&out, columns.map(\.header))
        for r in rows {
            for (i, cell) in r.enumerated() {
                if i > 0 { out.append(0x2C) }
                CSVOut.appendField(&out, (kinds[i] == .text ? CSVOut.inert(cell) : cell).utf8)
            }
            out.append(0x0A)
        }
        return out
    }

    public static func xlsx(_ rows: [[String]], town: String) throws -> [UInt8] {
        let spec = XLSXSheetSpec(
            name: town.isEmpty ? "排查名单" : town,
            columns: columns.map { XLSXColumn(header: $0.header, width: $0.width) },
            rows: rows.map { r in
                r.enumerated().map { i, cell -> XLSXCell in
                    if cell.isEmpty { return .empty }
                    return kinds[i].xlsxCell(cell)
                }
            },
            freezeHeader: true)
        return try XLSXWriter.data(spec)
    }

    /// Headers of `unmatched.csv`: the disaster feed's reference headers (FEEDS.md), in its field order.
    public static let unmatchedHeaders = [
        "灾害编号", "灾种", "灾害名称", "发生日期", "户主身份证号", "户主姓名", "乡镇", "行政村",
        "房屋损毁程度", "农作物受灾面积(亩)", "直接经济损失(元)",
    ]

    public static func unmatchedCSV(_ records: [SweepRule.Record]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&out, unmatchedHeaders)
        for r in records { CSVOut.appendRow(&out, r.fields.map(CSVOut.inert)) }
        return out
    }
}
