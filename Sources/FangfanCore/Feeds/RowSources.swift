import Foundation

/// A file refused whole (FEEDS.md "A bad file"): the reason goes to NAME.reason.txt and the summary.
public struct FileRejection: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Rows of one department file, whatever its format, as raw bytes per canonical field.
protocol RowSource: AnyObject {
    /// Per canonical field: the header or element it was read from (for quarantine lines).
    var fieldLabels: [String] { get }
    var extraColumns: [String] { get }
    var consumedFileBytes: Int { get }
    /// Calls `body` with the next row; false at the end.
    /// `fieldCountProblem` is non-nil when a CSV row has the wrong number of fields: a message, and the
    /// whole row as its raw value (its fields joined by commas, quoted where needed). `raw(i)` is field i's
    /// bytes (nil when the file has no such field), valid during `body` only.
    func next(_ body: (_ location: Int, _ fieldCountProblem: FieldCountProblem?, _ raw: (Int) -> RawField?) throws -> Void) throws -> Bool
    /// Checks made once the whole file was read (declared record counts).
    func finish() throws
}

/// A CSV row with more or fewer fields than the header (FEEDS.md: a bad row, `field_count`).
struct FieldCountProblem {
    var message: String
    var raw: String
}

/// Maps a header row to canonical fields; a missing required column rejects the file.
func mapHeaders(_ headers: [String], feed: FeedConfig) throws -> (columns: [Int?], labels: [String], extra: [String]) {
    let schema = feed.kind.schema
    let trimmed = headers.map { Text.nfc(Text.trimSpaces(Array($0.utf8))) }
    var columns: [Int?] = []
    var labels: [String] = []
    var used = Set<Int>()
    for f in schema.fields {
        let names = feed.headers[f.name] ?? []
        let idx = trimmed.firstIndex { names.contains($0) }
        if idx == nil && f.required {
            throw FileRejection("缺少必需的列“\(names.first ?? f.name)”（字段 \(f.name)）：请检查导出的表头，或在配置 [feeds.\(feed.kind.rawValue).csv] 中登记新的列名")
        }
        if let i = idx { used.insert(i) }
        columns.append(idx)
        labels.append(names.first ?? f.name)
    }
    let extra = trimmed.enumerated().filter { !used.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
    return (columns, labels, extra)
}

final class CSVRowSource: RowSource {
    let reader: CSVReader
    let columns: [Int?]
    let fieldLabels: [String]
    let extraColumns: [String]
    let width: Int

    init(reader: CSVReader, feed: FeedConfig) throws {
        self.reader = reader
        guard let header = try reader.next() else { throw FileRejection("文件为空：没有表头") }
        let names = header.strings
        (columns, fieldLabels, extraColumns) = try mapHeaders(names, feed: feed)
        width = names.count
    }

    var consumedFileBytes: Int { reader.consumedFileBytes }

    func next(_ body: (Int, FieldCountProblem?, (Int) -> RawField?) throws -> Void) throws -> Bool {
        guard let r = try reader.next() else { return false }
        if r.count != width {
            var whole: [UInt8] = []
            for i in 0..<r.count {
                if i > 0 { whole.append(0x2C) }
                CSVOut.appendField(&whole, r[i])
            }
            let problem = FieldCountProblem(message: "该行有 \(r.count) 个字段，表头有 \(width) 个（可能是未加引号的逗号或缺列）",
                                            raw: String(decoding: whole, as: UTF8.self))
            try body(r.line, problem, { _ in nil })
            return true
        }
        let columns = self.columns
        try r.withFields { fields in
            try body(r.line, nil) { i in columns[i].map(fields.field) }
        }
        return true
    }

    func finish() throws {}
}

final class XMLRowSource: RowSource {
    let reader: XMLRecordReader
    let spec: XMLRecordSpec
    let fieldLabels: [String]
    let extraColumns: [String] = []
    let feed: FeedConfig
    let source: ByteSource
    /// canonical field index → index in spec.fields
    let slots: [Int?]

    /// `reopen`: the file again from its start, so that it can be parsed on both cores
    /// (`XMLRecordReader`); nil parses it on one thread.
    init(source: ByteSource, reopen: (() throws -> ByteSource)? = nil, feed: FeedConfig) throws {
        guard let x = feed.xml else { throw FileRejection("该数据项不接受 XML 文件（配置中没有 [feeds.\(feed.kind.rawValue).xml]）") }
        self.feed = feed
        self.source = source
        let schema = feed.kind.schema
        var fields: [(name: String, path: String)] = []
        var slots: [Int?] = []
        var labels: [String] = []
        for f in schema.fields {
            if let p = x.fields[f.name] {
                slots.append(fields.count)
                fields.append((f.name, p))
                labels.append(p)
            } else {
                if f.required {
                    throw FileRejection("配置中没有为必需字段 \(f.name) 指定 XML 元素")
                }
                slots.append(nil)
                labels.append(f.name)
            }
        }
        self.slots = slots
        fieldLabels = labels
        spec = XMLRecordSpec(root: x.root, record: x.record, fields: fields, countAttribute: x.countAttribute)
        do { reader = try XMLRecordReader(source: source, spec: spec, reopen: reopen) } catch { throw XMLRowSource.rejection(error) }
    }

    /// As of the records read so far (the source is read on the XML reader's parse thread).
    var consumedFileBytes: Int { reader.consumedFileBytes }

    static func rejection(_ e: Error) -> Error {
        if let x = e as? XMLReadError {
            switch x {
            case .malformed(let l, let c, let m): return FileRejection("XML 格式错误（第 \(l) 行第 \(c) 列）：\(m)")
            case .doctypeForbidden(let l): return FileRejection("XML 含有 DOCTYPE 声明（第 \(l) 行）：正常导出不需要，按安全规则拒收")
            case .wrongRoot(let exp, let found): return FileRejection("XML 根元素是 <\(found)>，该数据项应为 <\(exp)>：不是该部门的数据文件")
            case .tooDeep(let l, let lim): return FileRejection("XML 嵌套超过 \(lim) 层（第 \(l) 行）：拒收")
            case .badDeclaredCount(let s): return FileRejection("XML 根元素声明的记录数无法识别：\(s)")
            case .source(let s): return FileRejection("文件无法读取：\(s)")
            }
        }
        if let i = e as? InputError { return FileRejection("文件无法读取：\(i.description)") }
        return e
    }

    func next(_ body: (Int, FieldCountProblem?, (Int) -> RawField?) throws -> Void) throws -> Bool {
        // the values are slices of the reader's buffer (no String per field), valid during `body`
        do { guard try reader.advance() else { return false } } catch { throw XMLRowSource.rejection(error) }
        let slots = self.slots
        let number = reader.currentNumber
        try reader.withValues { fields in
            try body(number, nil) { i in slots[i].flatMap(fields.value) }
        }
        return true
    }

    func finish() throws {
        let schema = feed.kind.schema
        if reader.recordsRead > 0 {
            for (i, f) in schema.fields.enumerated() where f.required {
                if let s = slots[i], !reader.fieldsSeen.contains(s) {
                    throw FileRejection("缺少必需的元素 <\(spec.fields[s].path)>（字段 \(f.name)）：没有一条记录含有它")
                }
            }
        }
        if let declared = reader.declaredCount, declared != reader.recordsRead {
            throw FileRejection("根元素声明 \(spec.countAttribute ?? "JLS")=\(declared) 条记录，实际只有 \(reader.recordsRead) 条：传输不完整，整个文件拒收，请重新发送")
        }
    }
}

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
            }) { continue }
            let values: [ArraySlice<UInt8>?] = columns.enumerated().map { (field, col) in
                guard let c = col, c < r.cells.count, let cell = r.cells[c] else { return nil }
                switch cell {
                case .text(let s): return Array(s.utf8)[...]
                case .bool(let b): return Array((b ? "TRUE" : "FALSE").utf8)[...]
                case .number(let s):
                    // a date cell holds Excel's serial day number (1900 date system)
                    if dateFields.contains(field), let serial = Double(s), serial >= 1,
                       let d = Day(excelSerial: Int(serial)) {
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
