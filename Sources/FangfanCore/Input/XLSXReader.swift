import CFangfanXML

#if canImport(Glibc)
import Glibc
#endif

/// A cell value as the workbook stores it.
public enum XLSXValue: Equatable, Sendable {
    case text(String)
    /// The literal stored in `<v>`, e.g. "44321" (a date serial) or "1234.5": never converted to binary floating point.
    case number(String)
    case bool(Bool)
}

public struct XLSXRow: Sendable {
    /// 1-based row number, from `r=` (or the previous row's plus one).
    public var number: Int
    /// Index = column (A = 0); nil = an empty cell. Trailing empty cells are dropped.
    public var cells: [XLSXValue?]

    public init(number: Int, cells: [XLSXValue?]) {
        self.number = number
        self.cells = cells
    }
}

/// Why a workbook could not be read or written. Zip-level problems are thrown as `ZipError`.
public enum XLSXError: Error, Equatable, CustomStringConvertible {
    case legacyOrEncrypted
    case missingPart(String)
    case noSheet
    case notAWorksheet(String)
    case xml(part: String, line: Int, column: Int, message: String)
    case doctype(part: String)
    case tooDeep(part: String, limit: Int)
    case badCellReference(part: String, reference: String)
    case badRowNumber(part: String, value: String)
    case sharedStringIndex(part: String, cell: String, index: String)
    case tooManyCells(limit: Int)
    case invalidNumber(row: Int, column: Int)
    case tooManyRows(limit: Int)
    case tooManyColumns(limit: Int)
    case textTooLong(cell: String, limit: Int)
    case writeFailed(path: String, errno: Int32)
    case invalidValidation(column: String)

    public var description: String {
        switch self {
        case .legacyOrEncrypted:
            return "this is an old .xls workbook or a password-protected .xlsx: save it as .xlsx without a password"
        case .missingPart(let part):
            return "the workbook has no part \(part.debugDescription): not a valid .xlsx"
        case .noSheet:
            return "the workbook lists no sheet"
        case .notAWorksheet(let part):
            return "the first sheet (\(part)) is not a worksheet (a chart sheet?): move the data sheet first"
        case .xml(let part, let line, let column, let message):
            return "\(part) line \(line) column \(column): \(message)"
        case .doctype(let part):
            return "\(part) contains a DOCTYPE declaration: refused (entity expansion attack); an Excel file never has one"
        case .tooDeep(let part, let limit):
            return "\(part) nests elements deeper than \(limit) levels: refused"
        case .badCellReference(let part, let reference):
            return "\(part): invalid cell reference \(reference.debugDescription)"
        case .badRowNumber(let part, let value):
            return "\(part): invalid row number \(value.debugDescription)"
        case .sharedStringIndex(let part, let cell, let index):
            return "\(part) cell \(cell): shared string \(index.debugDescription) does not exist"
        case .tooManyCells(let limit):
            return "the sheet has more than \(limit) cells (counting empty cells left of the last one in each row): refused"
        case .invalidNumber(let row, let column):
            return "row \(row), column \(column): a number cell must be a decimal literal like -1234.50"
        case .tooManyRows(let limit):
            return "more than \(limit) rows: a worksheet cannot hold them"
        case .tooManyColumns(let limit):
            return "more than \(limit) columns: a worksheet cannot hold them"
        case .textTooLong(let cell, let limit):
            return "cell \(cell): more than \(limit) characters, more than a spreadsheet cell can hold"
        case .writeFailed(let path, let errno):
            return "cannot write \(path): \(String(cString: strerror(errno)))"
        case .invalidValidation(let column):
            return "column \(column): a drop-down's values must be non-empty, without comma or quote, 255 characters in all"
        }
    }
}

public struct XLSXReadLimits: Sendable {
    public var zip: ZipLimits
    /// Deepest element nesting accepted in any part.
    public var maxDepth: Int
    /// Most cell slots kept (per row: up to its last non-empty cell), to bound memory.
    public var maxCells: Int

    public init(zip: ZipLimits = ZipLimits(), maxDepth: Int = 64, maxCells: Int = 20_000_000) {
        self.zip = zip
        self.maxDepth = maxDepth
        self.maxCells = maxCells
    }
}

/// Reads the first worksheet of an .xlsx workbook into rows of cell values.
public enum XLSXReader {
    public static func firstSheetRows(path: String, limits: XLSXReadLimits = XLSXReadLimits()) throws -> [XLSXRow] {
        try firstSheetRows(bytes: try ZipArchive.readFile(path: path, limit: limits.zip.maxArchiveBytes), limits: limits)
    }

    public static func firstSheetRows(bytes: [UInt8], limits: XLSXReadLimits = XLSXReadLimits()) throws -> [XLSXRow] {
        // An .xls file and a password-protected .xlsx are both OLE compound files: say so rather than "not a zip".
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { throw XLSXError.legacyOrEncrypted }
        return try firstSheetRows(archive: try ZipArchive(bytes: bytes, limits: limits.zip), limits: limits)
    }

    private static func firstSheetRows(archive: ZipArchive, limits: XLSXReadLimits) throws -> [XLSXRow] {
        let (sheetPath, sharedStringsPath) = try firstSheetPaths(archive, limits: limits)
        var sharedStrings: [String] = []
        if let sst = part(sharedStringsPath, in: archive) {
            sharedStrings = try readSharedStrings(try archive.read(sst), part: sst.name, limits: limits)
        }
        guard let sheet = part(sheetPath, in: archive) else { throw XLSXError.missingPart(sheetPath) }
        var reader = SheetReader(part: sheet.name, sharedStrings: sharedStrings, maxCells: limits.maxCells)
        try XMLPullParser.parse(try archive.read(sheet), part: sheet.name, maxDepth: limits.maxDepth) { try reader.handle($0) }
        return reader.rows
    }

    /// Part names are case-insensitive in the package format.
    private static func part(_ name: String, in archive: ZipArchive) -> ZipEntry? {
        archive.entry(named: name) ?? archive.entries.first { $0.name.lowercased() == name.lowercased() }
    }

    // MARK: - Workbook → first sheet

    /// The first sheet's part, and the shared strings' part (which may not exist).
    private static func firstSheetPaths(_ archive: ZipArchive, limits: XLSXReadLimits) throws
        -> (sheet: String, sharedStrings: String)
    {
        let workbookPath = try officeDocumentPath(archive, limits: limits)
        guard let workbook = part(workbookPath, in: archive) else { throw XLSXError.missingPart(workbookPath) }
        var firstID: String?
        try XMLPullParser.parse(try archive.read(workbook), part: workbook.name, maxDepth: limits.maxDepth) { event in
            if firstID == nil, case .start(let parser) = event, parser.localName == "sheet" {
                firstID = parser.namespacedAttribute("id") ?? ""
            }
        }
        guard let id = firstID else { throw XLSXError.noSheet }
        let relsPath = relationshipsPath(of: workbookPath)
        guard let rels = part(relsPath, in: archive) else { throw XLSXError.missingPart(relsPath) }
        let all = try relationships(try archive.read(rels), part: rels.name, limits: limits).filter { !$0.external }
        guard let sheet = all.first(where: { $0.id == id }) else {
            throw XLSXError.missingPart("\(relsPath) relationship \(id)")
        }
        guard sheet.type.hasSuffix("/worksheet") else { throw XLSXError.notAWorksheet(sheet.target) }
        let sharedStrings = all.first { $0.type.hasSuffix("/sharedStrings") }
        return (
            resolve(sheet.target, from: workbookPath),
            sharedStrings.map { resolve($0.target, from: workbookPath) } ?? "xl/sharedStrings.xml"
        )
    }

    /// The workbook part named by the package relationships, or the usual xl/workbook.xml.
    private static func officeDocumentPath(_ archive: ZipArchive, limits: XLSXReadLimits) throws -> String {
        guard let rels = part("_rels/.rels", in: archive) else { return "xl/workbook.xml" }
        let office = try relationships(try archive.read(rels), part: rels.name, limits: limits)
            .first { $0.type.hasSuffix("/officeDocument") && !$0.external }
        return office.map { resolve($0.target, from: "") } ?? "xl/workbook.xml"
    }

    private struct Relationship {
        var id = "", type = "", target = "", external = false
    }

    private static func relationships(_ bytes: [UInt8], part: String, limits: XLSXReadLimits) throws -> [Relationship] {
        var out: [Relationship] = []
        try XMLPullParser.parse(bytes, part: part, maxDepth: limits.maxDepth) { event in
            if case .start(let parser) = event, parser.localName == "Relationship" {
                out.append(
                    Relationship(
                        id: parser.attribute("Id") ?? "", type: parser.attribute("Type") ?? "",
                        target: parser.attribute("Target") ?? "", external: parser.attribute("TargetMode") == "External"))
            }
        }
        return out
    }

    /// "xl/workbook.xml" → "xl/_rels/workbook.xml.rels"
    static func relationshipsPath(of part: String) -> String {
        let slash = part.lastIndex(of: "/")
        let folder = slash.map { String(part[...$0]) } ?? ""
        let file = slash.map { String(part[part.index(after: $0)...]) } ?? part
        return folder + "_rels/" + file + ".rels"
    }

    /// A relationship target: absolute ("/xl/worksheets/sheet1.xml") or relative to the source part's folder.
    static func resolve(_ target: String, from source: String) -> String {
        var segments: [Substring]
        if target.hasPrefix("/") {
            segments = []
        } else {
            segments = source.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        }
        for segment in target.split(separator: "/") {
            if segment == ".." {
                _ = segments.popLast()
            } else if segment != "." {
                segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }

    // MARK: - Shared strings

    private static func readSharedStrings(_ bytes: [UInt8], part: String, limits: XLSXReadLimits) throws -> [String] {
        var strings: [String] = []
        var text = RichText()
        try XMLPullParser.parse(bytes, part: part, maxDepth: limits.maxDepth) { event in
            switch event {
            case .start(let parser) where parser.localName == "si":
                text = RichText()
            case .end(let name) where name == "si":
                strings.append(text.value)
            default:
                text.handle(event)
            }
        }
        return strings
    }
}

/// "AA12" → 26; nil when the reference is not letters then digits.
func cellColumnIndex(_ reference: String) -> Int? {
    var column = 0, letters = 0, digits = 0
    for b in reference.utf8 {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
            column = column * 26 + Int(b - UInt8(ascii: "A")) + 1
            letters += 1
        case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
            digits += 1
        default:
            return nil
        }
        if letters > 3 { return nil }
    }
    return letters > 0 && digits > 0 ? column - 1 : nil
}

/// Decodes the `_xHHHH_` escapes that Office uses for characters XML cannot hold (e.g. `_x000D_`).
func decodeEscapes(_ s: String) -> String {
    guard s.utf8.contains(UInt8(ascii: "_")) else { return s }
    var out = String.UnicodeScalarView()
    let scalars = Array(s.unicodeScalars)
    var i = 0
    while i < scalars.count {
        if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
            let code = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16),
            let scalar = Unicode.Scalar(code)
        {
            out.append(scalar)
            i += 7
        } else {
            out.append(scalars[i])
            i += 1
        }
    }
    return String(out)
}

extension String {
    var trimmingASCIISpaces: String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

// MARK: - libxml2
