import Foundation

/// A CSV row with more or fewer fields than the header (FEEDS.md: a bad row, `field_count`).
struct FieldCountProblem {
    var message: String
    var raw: String
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

    /// The rows of a piece of a file after its start (`CSVParallelParse`): no header, the columns of the file's,
    /// in an array of the piece's own (read a row, on the piece's thread: not a buffer two threads count).
    init(reader: CSVReader, sameColumnsAs first: CSVRowSource) {
        self.reader = reader
        (columns, fieldLabels, extraColumns, width) = (first.columns.ownCopy(), first.fieldLabels, first.extraColumns, first.width)
    }

    var consumedFileBytes: Int { reader.consumedFileBytes }

    func next(_ body: (Int, FieldCountProblem?, (Int) -> RawField?) throws -> Void) throws -> Bool {
        try columns.withUnsafeBufferPointer { columns in
            try reader.withNextFields { line, fields in try row(line, fields, columns, body) }
        }
    }

    /// Every row to the end in the reader's own loop (`CSVReader.forEachRecord`): the rows of plain lines in
    /// place in its buffer, and the columns held once for the file, not retained a row.
    func forEachRow(_ body: (Int, FieldCountProblem?, (Int) -> RawField?) throws -> Void, between: () -> Void) throws {
        try columns.withUnsafeBufferPointer { columns in
            try reader.forEachRecord({ line, fields in try row(line, fields, columns, body) }, between: between)
        }
    }

    /// A record as a row: its fields by canonical field, or the whole record as a field-count problem.
    @inline(__always)
    private func row(
        _ line: Int, _ fields: RecordFields, _ columns: UnsafeBufferPointer<Int?>,
        _ body: (Int, FieldCountProblem?, (Int) -> RawField?) throws -> Void
    ) throws {
        let count = fields.ends.count
        if count != width {
            var whole: [UInt8] = []
            for i in 0..<count {
                if i > 0 { whole.append(0x2C) }
                CSVOut.appendField(&whole, fields.field(i))
            }
            let problem = FieldCountProblem(
                message: "该行有 \(count) 个字段，表头有 \(width) 个（可能是未加引号的逗号或缺列）",
                raw: String(decoding: whole, as: UTF8.self))
            try body(line, problem, { _ in nil })
            return
        }
        try body(line, nil) { i in columns[i].map(fields.field) }
    }

    func finish() throws {}
}
