import Foundation

/// The review list of RULES.md §11, `out/<M>/review/疑似匹配.xlsx` and `.csv`: one row per record and candidate
/// (or one row 候选过多), from link's `review.csv`; candidates' IDs masked as on the lists (full only with
/// `--unmasked`), the damaged original as received; empty 复核结论, 复核人, 复核日期 for the data officer.
public enum ReviewList {
    public static let headers = [
        "复核编号", "部门数据", "文件", "行号", "原始身份证号", "姓名", "候选户编号", "候选身份证号",
        "候选姓名", "依据", "金额", "复核结论", "复核人", "复核日期",
    ]
    static let widths: [Double] = [16, 10, 24, 6, 22, 10, 20, 22, 10, 60, 12, 10, 10, 12]
    public static let fileName = "疑似匹配"

    /// Link's rows (ReviewSearch.header), read back; none when link wrote no file.
    public static func read(_ path: String) throws -> [[String]] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let reader = CSVReader(
            try DecodedSource(try FileByteSource(path: path), encoding: .utf8),
            limits: CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64))
        guard let header = try reader.next(), header.count == ReviewSearch.header.count else {
            throw IOFailure(path: path, message: "link's review file has an unexpected header: run fangfan-link again")
        }
        var out: [[String]] = []
        while let r = try reader.next() { if r.count == ReviewSearch.header.count { out.append(r.strings) } }
        return out
    }

    static func column(_ name: String) -> Int { ReviewSearch.header.firstIndex(of: name)! }

    /// The list's rows (the printed columns) for link's rows.
    public static func rows(_ link: [[String]], unmasked: Bool) -> [[String]] {
        link.map { r in
            let feed = FeedKind(rawValue: r[column("feed")])?.title ?? r[column("feed")]
            let person = r[column("person_id")]
            let shown = person.isEmpty || unmasked ? person : ResidentID.staged(Array(person.utf8)).masked
            return [
                r[column("review_id")], feed, r[column("file")], r[column("line")], r[column("raw_id")], r[column("name")],
                r[column("household_id")], shown, r[column("candidate_name")], r[column("evidence")], r[column("amount")],
                "", "", "",
            ]
        }
    }

    /// The pairs to register as pending (rows with a candidate).
    public static func proposals(_ link: [[String]]) -> [ReviewProposal] {
        link.compactMap { r in
            guard !r[column("review_id")].isEmpty, let feed = FeedKind(rawValue: r[column("feed")]),
                let h = UInt64(r[column("record_hash")], radix: 16), let l = UInt64(r[column("linked_hash")], radix: 16)
            else { return nil }
            return ReviewProposal(
                reviewID: r[column("review_id")], feed: feed, record: r[column("record")], recordHash: h,
                linkedHash: l, person: r[column("person_id")], household: r[column("household_id")])
        }
    }

    /// Records on the list per feed (a record with several candidates counts once).
    public static func pendingRecords(_ link: [[String]]) -> [String: Int] {
        var seen: [String: Set<String>] = [:]
        for r in link { seen[r[column("feed")], default: []].insert(r[column("record")]) }
        return seen.mapValues(\.count)
    }

    public static func csv(_ rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSVOut.appendRow(&out, headers)
        for r in rows { CSVOut.appendRow(&out, r.map(CSVOut.inert)) }
        return out
    }

    public static func xlsx(_ rows: [[String]]) throws -> [UInt8] {
        let amount = headers.firstIndex(of: "金额")!
        let spec = XLSXSheetSpec(
            name: "疑似匹配复核",
            columns: zip(headers, widths).map { XLSXColumn(header: $0, width: $1) },
            rows: rows.map { r in
                r.enumerated().map { i, cell -> XLSXCell in
                    if cell.isEmpty { return .empty }
                    return i == amount && XLSXWriter.isDecimalLiteral(cell) ? .number(cell) : .text(CSVOut.inert(cell))
                }
            },
            freezeHeader: true)
        return try XLSXWriter.data(spec)
    }
}
