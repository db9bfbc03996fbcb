/// The public notice 公示 of one town (RULES.md §13), as CSV (UTF-8 with BOM) and XLSX: the households a
/// finding moved into 监测中 or marked 风险已消除. No ID number, phone, bank account, amount, risk type or
/// evidence: nothing but the columns below.
public enum NoticeList {
    public static let columns: [(header: String, kind: TownList.Kind, width: Double)] = [
        ("乡镇", .text, 10), ("行政村", .text, 10), ("户主姓名", .text, 9), ("家庭人口", .number, 8), ("类别", .text, 13),
        ("事项", .text, 10), ("日期", .text, 11),
    ]

    /// A notice row: name and size from the month's evaluation of the household.
    public static func cells(_ e: NoticeEntry, headName: String, size: String) -> [String] {
        [e.town, e.village, headName, size, e.category, e.matter.rawValue, e.date]
    }

    public static func csv(_ rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&out, columns.map(\.header))
        for r in rows {
            CSVOut.appendRow(&out, r.enumerated().map { i, cell in columns[i].kind == .text ? CSVOut.inert(cell) : cell })
        }
        return out
    }

    public static func xlsx(_ rows: [[String]], town: String) throws -> [UInt8] {
        let spec = XLSXSheetSpec(
            name: town.isEmpty ? "公示" : town,
            columns: columns.map { XLSXColumn(header: $0.header, width: $0.width) },
            rows: rows.map { r in
                r.enumerated().map { i, cell -> XLSXCell in
                    if cell.isEmpty { return .empty }
                    return columns[i].kind.xlsxCell(cell)
                }
            },
            freezeHeader: true, printSetup: true)
        return try XLSXWriter.data(spec)
    }
}
