import Foundation

/// The first sheet of an XLSX (verification and application forms come back as spreadsheets).
final class XLSXRowSource: RowSource {
    let rows: [XLSXRow]
    var index = 1
    let columns: [Int?]
    let fieldLabels: [String]
    let extraColumns: [String]
    let dateFields: Set<Int>
    let size: Int

    /// `inflate`: the configured bomb limits (ingest.max_inflated_mb, max_inflate_ratio) apply to the
    /// spreadsheet's zip entries too, never above the reader's own cap (a sheet is read in memory).
    init(bytes: [UInt8], feed: FeedConfig, inflate: InflateLimits = InflateLimits()) throws {
        var zip = ZipLimits()
        zip.maxEntryBytes = min(zip.maxEntryBytes, inflate.maxInflatedBytes)
        zip.maxRatio = inflate.maxRatio
        zip.ratioGrace = min(zip.ratioGrace, inflate.ratioGrace)
        do { rows = try XLSXReader.firstSheetRows(bytes: bytes, limits: XLSXReadLimits(zip: zip)) } catch {
            throw FileRejection("XLSX 文件无法读取：\(error)")
        }
        size = bytes.count
        guard let header = rows.first else { throw FileRejection("表格为空：没有表头") }
        let names = header.cells.map { cell -> String in
            switch cell {
            case .text(let s)?: return s
            case .number(let s)?: return s
            case .bool(let b)?: return b ? "TRUE" : "FALSE"
            case nil: return ""
            }
        }
        (columns, fieldLabels, extraColumns) = try mapHeaders(names, feed: feed)
        dateFields = Set(feed.kind.schema.fields.enumerated().filter { $0.element.type == .date }.map(\.offset))
    }

    var consumedFileBytes: Int { size }

    func next(_ body: (Int, FieldCountProblem?, (Int) -> RawField?) throws -> Void) throws -> Bool {
        while index < rows.count {
            let r = rows[index]
            index += 1
            if r.cells.allSatisfy({ cell in
                if case .text(let s)? = cell { return s.trimmingCharacters(in: .whitespaces).isEmpty }
                return cell == nil
            }) {
                continue
            }
            let values: [ArraySlice<UInt8>?] = columns.enumerated().map { (field, col) in
                guard let c = col, c < r.cells.count, let cell = r.cells[c] else { return nil }
                switch cell {
                case .text(let s): return Array(s.utf8)[...]
                case .bool(let b): return Array((b ? "TRUE" : "FALSE").utf8)[...]
                case .number(let s):
                    // a date cell holds Excel's serial day number (1900 date system)
                    if dateFields.contains(field), let serial = Double(s), serial >= 1,
                        let d = Day(excelSerial: Int(serial))
                    {
                        return Array(d.description.utf8)[...]
                    }
                    return Array(s.utf8)[...]
                }
            }
            // the values one after another in one buffer, handed out in place
            var joined: [UInt8] = [], ranges: [Range<Int>?] = []
            for v in values {
                ranges.append(v.map { joined.count..<(joined.count + $0.count) })
                joined.append(contentsOf: v ?? [])
            }
            try joined.withUnsafeBufferPointer { b in
                try body(r.number, nil) { i in ranges[i].map { RawField(rebasing: b[$0]) } }
            }
            return true
        }
        return false
    }

    func finish() throws {}
}
