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
    /// Calls `body` with every row to the end, and `between` after each. The default calls `next` row by row;
    /// a source may hand its rows out in a loop of its own (`CSVRowSource`).
    func forEachRow(
        _ body: (_ location: Int, _ fieldCountProblem: FieldCountProblem?, _ raw: (Int) -> RawField?) throws -> Void,
        between: () -> Void
    ) throws
    /// Checks made once the whole file was read (declared record counts).
    func finish() throws
}

extension RowSource {
    /// Calls `body` with every row to the end, and `between` after each. The closures are made once for
    /// the file, not once a row: what they capture is retained once. (Retained a row, an object shared
    /// with another piece's thread moved its cache line between the cores twice a row.)
    func forEachRow(
        _ body: (_ location: Int, _ fieldCountProblem: FieldCountProblem?, _ raw: (Int) -> RawField?) throws -> Void,
        between: () -> Void
    ) throws {
        while try next(body) { between() }
    }

    /// `forEachRow` with nothing between the rows.
    func forEachRow(_ body: (_ location: Int, _ fieldCountProblem: FieldCountProblem?, _ raw: (Int) -> RawField?) throws -> Void) throws {
        try forEachRow(body, between: {})
    }
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
            // a first row of one cell is a title above the header (every feed's header has several columns)
            let filled = trimmed.filter { !$0.isEmpty }
            if filled.count == 1 {
                throw FileRejection(
                    "第一行只有“\(filled[0])”一项，像是标题而不是表头：表头（\(names.first ?? f.name) 等列名）须在第一行，请删去表头上方的标题行后重新放入")
            }
            throw FileRejection("缺少必需的列“\(names.first ?? f.name)”（字段 \(f.name)）：请检查导出的表头，或在配置 [feeds.\(feed.kind.rawValue).csv] 中登记新的列名")
        }
        if let i = idx { used.insert(i) }
        columns.append(idx)
        labels.append(names.first ?? f.name)
    }
    let extra = trimmed.enumerated().filter { !used.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
    return (columns, labels, extra)
}
