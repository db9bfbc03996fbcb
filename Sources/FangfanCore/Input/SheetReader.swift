import CFangfanXML

#if canImport(Glibc)
import Glibc
#endif

/// The size of a worksheet in Excel and LibreOffice.
enum SheetBounds {
    static let maxRows = 1_048_576
    static let maxColumns = 16_384
}

/// Collects the text of an `<si>` or `<is>`: its `<t>` elements, plain or in runs `<r><t>`,
/// leaving out phonetic hints (`<rPh><t>`).
struct RichText {
    private var parts = ""
    private var inText = false
    private var phoneticDepth = 0

    var value: String { decodeEscapes(parts) }

    mutating func handle(_ event: XMLPullParser.Event) {
        switch event {
        case .start(let parser):
            if parser.localName == "rPh" { phoneticDepth += 1 }
            if parser.localName == "t" { inText = phoneticDepth == 0 }
        case .end(let name):
            if name == "rPh" { phoneticDepth -= 1 }
            if name == "t" { inText = false }
        case .text(let s):
            if inText { parts += s }
        }
    }
}

/// Reads `<row>` and `<c>` elements of a worksheet.
struct SheetReader {
    let part: String
    let sharedStrings: [String]
    let maxCells: Int
    private(set) var rows: [XLSXRow] = []
    private var cellSlots = 0

    private var rowNumber = 0
    private var cells: [XLSXValue?] = []
    private var column = -1
    private var cellReference = ""
    private var cellType = "n"
    private var value: String?
    private var inValue = false
    private var inline: RichText?

    init(part: String, sharedStrings: [String], maxCells: Int) {
        self.part = part
        self.sharedStrings = sharedStrings
        self.maxCells = maxCells
    }

    mutating func handle(_ event: XMLPullParser.Event) throws {
        switch event {
        case .start(let parser):
            try start(parser)
        case .end(let name):
            try end(name)
        case .text(let s):
            if inValue { value = (value ?? "") + s }
            inline?.handle(event)
        }
    }

    private mutating func start(_ parser: XMLPullParser) throws {
        switch parser.localName {
        case "row":
            if let r = parser.attribute("r") {
                guard let n = Int(r), n > rowNumber, n <= SheetBounds.maxRows else {
                    throw XLSXError.badRowNumber(part: part, value: r)
                }
                rowNumber = n
            } else if rowNumber < SheetBounds.maxRows {
                rowNumber += 1
            } else {
                throw XLSXError.badRowNumber(part: part, value: "\(rowNumber + 1)")
            }
            cells = []
            column = -1
        case "c":
            cellReference = parser.attribute("r") ?? ""
            if cellReference.isEmpty {
                column += 1
            } else {
                guard let c = cellColumnIndex(cellReference), c > column else {
                    throw XLSXError.badCellReference(part: part, reference: cellReference)
                }
                column = c
            }
            if column >= SheetBounds.maxColumns { throw XLSXError.badCellReference(part: part, reference: cellReference) }
            cellType = parser.attribute("t") ?? "n"
            value = nil
            inline = nil
        case "v":
            inValue = true
        case "is":
            inline = RichText()
        default:
            inline?.handle(.start(parser))
        }
    }

    private mutating func end(_ name: String) throws {
        switch name {
        case "v":
            inValue = false
        case "c":
            guard let cell = try cellValue() else { return }
            if column >= cells.count {
                cellSlots += column + 1 - cells.count
                if cellSlots > maxCells { throw XLSXError.tooManyCells(limit: maxCells) }
                cells += Array(repeating: nil, count: column + 1 - cells.count)
            }
            cells[column] = cell
        case "row":
            if !cells.isEmpty { rows.append(XLSXRow(number: rowNumber, cells: cells)) }
            cells = []
        default:
            inline?.handle(.end(name))
        }
    }

    /// nil when the cell holds nothing (a styled empty cell).
    private func cellValue() throws -> XLSXValue? {
        switch cellType {
        case "inlineStr":
            return inline.map { .text($0.value) } ?? value.map { .text(decodeEscapes($0)) }
        case "s":
            guard let value else { return nil }
            guard let i = Int(value.trimmingASCIISpaces), sharedStrings.indices.contains(i) else {
                throw XLSXError.sharedStringIndex(part: part, cell: cellReference, index: value)
            }
            return .text(sharedStrings[i])
        case "b":
            return value.map { .bool($0.trimmingASCIISpaces == "1" || $0.trimmingASCIISpaces == "true") }
        case "n":
            return value.map { .number($0.trimmingASCIISpaces) }
        default:
            // "str" (a formula's text result), "e" (an error such as #N/A), "d" (an ISO date): the text as stored.
            return value.map { .text(decodeEscapes($0)) }
        }
    }
}
