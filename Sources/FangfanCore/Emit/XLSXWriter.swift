#if canImport(Glibc)
import Glibc
#endif

public enum XLSXCell: Sendable {
    /// Written as an inline string with the text format "@": IDs and household numbers stay text.
    case text(String)
    /// A decimal literal like "-1234.50", written as a numeric cell with the "0.00" format.
    case number(String)
    /// A whole number like "5" (a count of people or days), written as a numeric cell with the "0" format.
    case integer(String)
    case empty
}

public struct XLSXColumn: Sendable {
    public var header: String
    /// In characters of the default font, as Excel measures column widths.
    public var width: Double

    public init(header: String, width: Double) {
        self.header = header
        self.width = width
    }
}

/// A data validation over one column's data rows (and `extraRows` empty rows below them, so that rows a cadre
/// adds get it too): a drop-down of fixed values, and/or an input message shown when a cell is selected.
public struct XLSXValidation: Sendable, Equatable {
    /// Zero-based column index.
    public var column: Int
    /// The drop-down's values (`type="list"`, the values inline); empty: no drop-down, only the message.
    public var values: [String]
    public var promptTitle: String
    public var prompt: String
    public var extraRows: Int

    public init(column: Int, values: [String] = [], promptTitle: String = "", prompt: String = "", extraRows: Int = 200) {
        self.column = column
        self.values = values
        self.promptTitle = promptTitle
        self.prompt = prompt
        self.extraRows = extraRows
    }
}

public struct XLSXSheetSpec: Sendable {
    /// Shown on the tab; made valid on writing (at most 31 characters, none of `[]:*?/\`).
    public var name: String
    public var columns: [XLSXColumn]
    public var rows: [[XLSXCell]]
    /// Keep the header row in view while scrolling.
    public var freezeHeader: Bool
    public var validations: [XLSXValidation]
    /// Print on A4 landscape, fitted to the page width, with the header row repeated on every page.
    public var printSetup: Bool

    public init(
        name: String, columns: [XLSXColumn], rows: [[XLSXCell]], freezeHeader: Bool = true,
        validations: [XLSXValidation] = [], printSetup: Bool = false
    ) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.freezeHeader = freezeHeader
        self.validations = validations
        self.printSetup = printSetup
    }
}

/// Writes a one-sheet .xlsx workbook: a bold, frozen header row with an autofilter, then the rows.
/// The same sheet always gives the same bytes (fixed timestamps, no dates in the properties).
public enum XLSXWriter {
    public static func data(_ sheet: XLSXSheetSpec) throws -> [UInt8] {
        let name = sheetName(sheet.name)
        var zip = ZipBuilder()
        try zip.add("[Content_Types].xml", contentTypes)
        try zip.add("_rels/.rels", packageRelationships)
        try zip.add("docProps/core.xml", coreProperties)
        try zip.add("docProps/app.xml", appProperties)
        try zip.add("xl/workbook.xml", Array(workbook(sheet, name: name).utf8))
        try zip.add("xl/_rels/workbook.xml.rels", workbookRelationships)
        try zip.add("xl/styles.xml", styles)
        try zip.addDeflating("xl/worksheets/sheet1.xml") { xml, flush in try worksheet(sheet, into: &xml, flush: flush) }
        return try zip.finish()
    }

    /// Writes the workbook through `AtomicFile` (beside `path`, synced, renamed over it: a reader never sees half a
    /// file), then syncs the folder so that the rename itself is durable (best effort).
    public static func write(_ sheet: XLSXSheetSpec, to path: String) throws {
        let bytes = try data(sheet)
        do {
            try AtomicFile.write(bytes, to: path, mode: 0o644)
        } catch let e as IOFailure {
            throw XLSXError.writeFailed(path: e.path, errno: e.errno ?? EIO)
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        syncDirectory(folder.isEmpty ? "/" : folder)
    }

    // MARK: - Worksheet

    static let maxTextLength = 32_767

    /// Style indexes into `cellXfs` of styles.xml.
    private enum Style {
        static let header = 1, text = 2, number = 3, integer = 4
    }

    /// The sheet's XML, built as bytes (a county's list has tens of thousands of cells).
    static func worksheet(_ sheet: XLSXSheetSpec) throws -> [UInt8] {
        var whole: [UInt8] = []
        var xml: [UInt8] = []
        try worksheet(sheet, into: &xml) { part in
            whole += part
            part.removeAll(keepingCapacity: true)
        }
        return whole + xml
    }

    /// The sheet's XML appended to `xml`, handed to `flush` about a megabyte at a time (between rows; `flush`
    /// empties it) and the rest left in `xml`: the writer deflates it as it comes (`ZipBuilder.addDeflating`).
    static func worksheet(
        _ sheet: XLSXSheetSpec, into xml: inout [UInt8], flush: (inout [UInt8]) throws -> Void
    ) throws {
        let flushAt = 1 << 20
        let width = max(sheet.columns.count, sheet.rows.map(\.count).max() ?? 0)
        let lastRow = sheet.rows.count + 1
        if lastRow > SheetBounds.maxRows { throw XLSXError.tooManyRows(limit: SheetBounds.maxRows) }
        if width > SheetBounds.maxColumns { throw XLSXError.tooManyColumns(limit: SheetBounds.maxColumns) }
        let names = (0..<max(width, 1)).map { Array(columnName($0).utf8) }

        xml.reserveCapacity(min(256 + sheet.rows.count * max(width, 1) * 48, flushAt + (64 << 10)))
        func put(_ s: String) { xml.append(contentsOf: s.utf8) }
        /// A fixed piece of markup, appended as bytes (the cells' pieces: millions of them in a province's lists).
        func raw(_ s: StaticString) { s.withUTF8Buffer { xml.append(contentsOf: $0) } }
        put(declaration)
        put(
            #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
                + #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#)
        // CT_Worksheet's order: sheetPr, dimension, sheetViews, sheetFormatPr, cols, sheetData, …, autoFilter, …,
        // mergeCells, …, dataValidations, …, pageMargins, pageSetup.
        if sheet.printSetup { put(#"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#) }
        put(width == 0 ? #"<dimension ref="A1"/>"# : #"<dimension ref="A1:\#(columnName(width - 1))\#(lastRow)"/>"#)
        if sheet.freezeHeader {
            put(
                #"<sheetViews><sheetView tabSelected="1" workbookViewId="0">"#
                    + #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
                    + #"<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>"#)
        } else {
            put(#"<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>"#)
        }
        put(#"<sheetFormatPr defaultRowHeight="15"/>"#)
        if !sheet.columns.isEmpty {
            put("<cols>")
            for (i, column) in sheet.columns.enumerated() {
                let w = column.width.isFinite ? min(max(column.width, 0), 255) : 10
                put(#"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(w)" customWidth="1"/>"#)
            }
            put("</cols>")
        }
        put("<sheetData>")
        var rowDigits: [UInt8] = []
        /// `<c r="B12" s="2"`: the cell's opening, without its end.
        func openCell(_ column: Int, style: Int) {
            raw(#"<c r=""#)
            xml.append(contentsOf: names[column])
            xml.append(contentsOf: rowDigits)
            raw(#"" s=""#)
            xml.append(UInt8(ascii: "0") + UInt8(style))
            xml.append(0x22)
        }
        func text(_ s: String, column: Int, row: Int, style: Int) throws {
            openCell(column, style: style)
            if s.isEmpty { raw("/>"); return }
            // Nearly every cell: text with nothing to escape that neither begins nor ends with a space,
            // decided in one pass over its UTF-8 and copied as it is. (The lead bytes of the whitespace
            // characters above ASCII are C2, E1, E2 and E3; such a first or last character, and any
            // U+FFFE/U+FFFF, is left to the general path below.)
            let plain = s.utf8.withContiguousStorageIfAvailable { u -> Bool in
                let n = u.count
                guard n <= maxTextLength else { return false }
                /// Whether the character at `i` may be whitespace: ASCII space and controls, and the characters
                /// whose lead byte is C2, E1, E2 or E3, decoded and asked (CJK punctuation 、。 is E3 too).
                func maybeSpace(_ i: Int) -> Bool {
                    let lead = u[i]
                    if lead <= 0x20 { return true }
                    if lead == 0xC2, i + 1 < n {
                        return isWhitespace(Unicode.Scalar(UInt32(lead & 0x1F) << 6 | UInt32(u[i + 1] & 0x3F))!)
                    }
                    if lead >= 0xE1 && lead <= 0xE3, i + 2 < n {
                        let v = UInt32(lead & 0x0F) << 12 | UInt32(u[i + 1] & 0x3F) << 6 | UInt32(u[i + 2] & 0x3F)
                        return Unicode.Scalar(v).map(isWhitespace) ?? true
                    }
                    return lead == 0xC2 || (lead >= 0xE1 && lead <= 0xE3)
                }
                var last = n - 1
                while last > 0 && u[last] & 0xC0 == 0x80 { last -= 1 }
                if maybeSpace(0) || maybeSpace(last) { return false }
                // (eight bytes at a time while none is one of those looked at below, nor the EF of U+FFFE/U+FFFF)
                var i = plainPrefix(u)
                while i < n {
                    let b = u[i]
                    if b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x5F { return false }
                    if b == 0xEF && i + 2 < n && u[i + 1] == 0xBF && (u[i + 2] == 0xBE || u[i + 2] == 0xBF) { return false }
                    i += 1
                }
                raw(#" t="inlineStr"><is><t>"#)
                xml.append(contentsOf: u)
                raw("</t></is></c>")
                return true
            }
            if plain == true { return }
            // (UTF-16 is never longer than UTF-8: counting it is needed only for long text)
            if s.utf8.count > maxTextLength && s.utf16.count > maxTextLength {
                throw XLSXError.textTooLong(cell: columnName(column) + String(row), limit: maxTextLength)
            }
            let preserve =
                isWhitespace(s.unicodeScalars.first!) || isWhitespace(s.unicodeScalars.last!)
                || s.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            xml.append(contentsOf: #" t="inlineStr"><is>"#.utf8)
            xml.append(contentsOf: (preserve ? #"<t xml:space="preserve">"# : "<t>").utf8)
            appendEscaped(s, to: &xml)
            xml.append(contentsOf: "</t></is></c>".utf8)
        }
        if !sheet.columns.isEmpty {
            rowDigits = [UInt8(ascii: "1")]
            put(#"<row r="1">"#)
            for (i, column) in sheet.columns.enumerated() {
                try text(column.header, column: i, row: 1, style: Style.header)
            }
            put("</row>")
        }
        for (index, cells) in sheet.rows.enumerated() {
            let r = index + 2
            rowDigits = Array(String(r).utf8)
            raw(#"<row r=""#)
            xml.append(contentsOf: rowDigits)
            raw(#"">"#)
            for (i, cell) in cells.enumerated() {
                switch cell {
                case .text(let s):
                    try text(s, column: i, row: r, style: Style.text)
                case .number(let literal), .integer(let literal):
                    guard isDecimalLiteral(literal) else { throw XLSXError.invalidNumber(row: r, column: i + 1) }
                    if case .integer = cell { openCell(i, style: Style.integer) } else { openCell(i, style: Style.number) }
                    raw("><v>")
                    xml.append(contentsOf: literal.utf8)
                    raw("</v></c>")
                case .empty:
                    // Styled as text, so that an ID typed in later stays text.
                    openCell(i, style: Style.text)
                    raw("/>")
                }
            }
            put("</row>")
            if xml.count >= flushAt { try flush(&xml) }
        }
        put("</sheetData>")
        if !sheet.columns.isEmpty {
            put(#"<autoFilter ref="\#(filterRange(sheet))"/>"#)
        }
        put(try dataValidations(sheet))
        put(#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>"#)
        if sheet.printSetup {
            put(#"<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>"#)
        }
        put("</worksheet>")
    }

    /// How many leading bytes of `u` are none of the bytes a text cell's plain path looks at one by one (below
    /// 0x20, `&` `<` `>` `"` `_`, and EF, the lead byte of U+FFFE and U+FFFF), in whole words of eight: where
    /// that path's byte loop may start.
    @inline(__always)
    static func plainPrefix(_ u: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = u.baseAddress else { return 0 }
        var i = 0
        while i + 8 <= u.count {
            let w = ByteWords.load(base, i)
            let hit =
                ByteWords.below(w, 0x20) | ByteWords.has(w, 0x26) | ByteWords.has(w, 0x3C) | ByteWords.has(w, 0x3E)
                | ByteWords.has(w, 0x22) | ByteWords.has(w, 0x5F) | ByteWords.has(w, 0xEF)
            if hit != 0 { break }
            i += 8
        }
        return i
    }

    /// `<dataValidations>`, or nothing. Each range runs from row 2 to the last data row plus `extraRows`
    /// (within the sheet's bounds). A drop-down's values are inline (`"a,b,c"`, at most 255 characters, no comma
    /// or quote in a value); the message is cut to Excel's limits (title 32, text 255 characters).
    static func dataValidations(_ sheet: XLSXSheetSpec) throws -> String {
        guard !sheet.validations.isEmpty else { return "" }
        var out = #"<dataValidations count="\#(sheet.validations.count)">"#
        for v in sheet.validations {
            let last = min(sheet.rows.count + 1 + max(v.extraRows, 0), SheetBounds.maxRows)
            let column = columnName(v.column)
            var attributes = ""
            if !v.values.isEmpty {
                let list = v.values.joined(separator: ",")
                guard list.utf16.count <= 255, !v.values.contains(where: { $0.isEmpty || $0.contains(",") || $0.contains("\"") }) else {
                    throw XLSXError.invalidValidation(column: column)
                }
                attributes += #" type="list" allowBlank="1" showErrorMessage="1""#
            } else {
                attributes += #" allowBlank="1""#
            }
            if !v.prompt.isEmpty {
                attributes += #" showInputMessage="1""#
                if !v.promptTitle.isEmpty { attributes += #" promptTitle="\#(escapeText(clip(v.promptTitle, 32), attribute: true))""# }
                attributes += #" prompt="\#(escapeText(clip(v.prompt, 255), attribute: true))""#
            }
            out += "<dataValidation" + attributes + #" sqref="\#(column)2:\#(column)\#(max(last, 2))""#
            if v.values.isEmpty {
                out += "/>"
            } else {
                out += "><formula1>" + escapeText("\"" + v.values.joined(separator: ",") + "\"") + "</formula1></dataValidation>"
            }
        }
        return out + "</dataValidations>"
    }

    /// At most `limit` UTF-16 units, cut between characters.
    private static func clip(_ s: String, _ limit: Int) -> String {
        var out = ""
        for character in s {
            if out.utf16.count + character.utf16.count > limit { break }
            out.append(character)
        }
        return out
    }

    /// Unicode White_Space, with the ASCII letters, digits and CJK ideographs of most cells answered at once.
    private static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c == " " || (c.value >= 0x09 && c.value <= 0x0D) }
        if c.value >= 0x4E00 && c.value <= 0x9FFF { return false }
        return c.properties.isWhitespace
    }

    /// The header and every row, over the header's columns.
    private static func filterRange(_ sheet: XLSXSheetSpec) -> String {
        "A1:\(columnName(sheet.columns.count - 1))\(sheet.rows.count + 1)"
    }

    /// 0 → "A", 25 → "Z", 26 → "AA".
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// `-?digits(.digits)?`: what a money amount formats to. Anything else would make Excel repair the file.
    static func isDecimalLiteral(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { u in
            // one pass, no array made: digits, then at most one "." followed by digits
            var i = u.first == UInt8(ascii: "-") ? 1 : 0
            var digits = 0
            var sawPoint = false
            while i < u.count {
                let b = u[i]
                if b >= 0x30 && b <= 0x39 {
                    digits += 1
                } else if b == UInt8(ascii: "."), !sawPoint, digits > 0 {
                    sawPoint = true
                    digits = 0
                } else {
                    return false
                }
                i += 1
            }
            return digits > 0
        }
    }

    // MARK: - Escaping

    /// XML text: `& < > "` as entities, CR as `&#13;` (a parser would turn a raw CR into LF), characters
    /// XML 1.0 cannot hold as Office's `_xHHHH_`, and a literal `_xHHHH_` protected as `_x005F_xHHHH_`.
    /// In an attribute, tab and LF too become references, as a parser would normalise them to spaces.
    static func escapeText(_ s: String, attribute: Bool = false) -> String {
        var out: [UInt8] = []
        appendEscaped(s, attribute: attribute, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `escapeText(s)`'s bytes appended to `out`, worked out on the UTF-8 bytes: every character it changes is
    /// ASCII or U+FFFE/U+FFFF (EF BF BE/BF), and what makes `_` the start of an escape (`x`, four hex digits,
    /// `_`) is ASCII too, so the next six bytes are the next six characters whenever it matters.
    static func appendEscaped(_ s: String, attribute: Bool = false, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            let n = u.count
            out.reserveCapacity(out.count + n)
            var from = 0  // the start of the bytes not yet copied
            func put(_ i: Int, _ replacement: StaticString, skip: Int = 1) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: u[from..<i]))
                out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                from = i + skip
            }
            func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66) }
            var i = 0
            while i < n {
                let b = u[i]
                switch b {
                case 0x26: put(i, "&amp;")
                case 0x3C: put(i, "&lt;")
                case 0x3E: put(i, "&gt;")
                case 0x22: put(i, "&quot;")
                case 0x0D: put(i, "&#13;")
                case 0x09: if attribute { put(i, "&#9;") }
                case 0x0A: if attribute { put(i, "&#10;") }
                case 0x5F:
                    if i + 6 < n && u[i + 1] == UInt8(ascii: "x") && u[i + 6] == 0x5F && isHex(u[i + 2]) && isHex(u[i + 3])
                        && isHex(u[i + 4]) && isHex(u[i + 5])
                    {
                        put(i, "_x005F_")
                    }
                case 0xEF where i + 2 < n && u[i + 1] == 0xBF && u[i + 2] == 0xBE:
                    put(i, "_xFFFE_", skip: 3)
                    i += 2
                case 0xEF where i + 2 < n && u[i + 1] == 0xBF && u[i + 2] == 0xBF:
                    put(i, "_xFFFF_", skip: 3)
                    i += 2
                default:
                    if b < 0x20 {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: u[from..<i]))
                        out.append(contentsOf: "_x00".utf8)
                        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
                        out.append(digits[Int(b >> 4)])
                        out.append(digits[Int(b & 0x0F)])
                        out.append(0x5F)
                        from = i + 1
                    }
                }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[from..<n]))
        }
    }

    /// Excel's rules for a tab name: 1 to 31 characters, none of `[]:*?/\`, not starting or ending with `'`,
    /// not "History". Forbidden characters become `_`, control characters are dropped.
    static func sheetName(_ raw: String) -> String {
        var name = String(
            String.UnicodeScalarView(
                raw.unicodeScalars.compactMap { c -> Unicode.Scalar? in
                    if "[]:*?/\\".unicodeScalars.contains(c) { return "_" }
                    return c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value >= 0xFFFE && c.value <= 0xFFFF ? nil : c
                }))
        while name.hasPrefix("'") { name.removeFirst() }
        while name.hasSuffix("'") { name.removeLast() }
        var short = ""
        for character in name {
            if short.utf16.count + character.utf16.count > 31 { break }
            short.append(character)
        }
        while short.hasSuffix("'") { short.removeLast() }
        if short.isEmpty { return "Sheet1" }
        return short.lowercased() == "history" ? "History_" : short
    }

    // MARK: - Fixed parts

    private static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    private static let contentTypes = Array(
        (declaration + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
            <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
            </Types>
            """).utf8)

    private static let packageRelationships = Array(
        (declaration + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
            <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
            </Relationships>
            """).utf8)

    /// No creation date: the output must not depend on when it was written.
    private static let coreProperties = Array(
        (declaration + """
            <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
            xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>fangfan</dc:creator></cp:coreProperties>
            """).utf8)

    private static let appProperties = Array(
        (declaration + """
            <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
            <Application>fangfan</Application></Properties>
            """).utf8)

    private static func workbook(_ sheet: XLSXSheetSpec, name: String) -> String {
        var definedNames = ""
        if !sheet.columns.isEmpty {
            // Excel keeps an autofilter's range in this hidden name too.
            let quoted = "'" + name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
            let range = filterRange(sheet).split(separator: ":").map { ref -> String in
                let letters = ref.prefix { $0.isLetter }
                return "$\(letters)$\(ref.dropFirst(letters.count))"
            }.joined(separator: ":")
            definedNames =
                #"<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">"#
                + escapeText(quoted + "!" + range) + "</definedName>"
            if sheet.printSetup {
                // The header row printed at the top of every page.
                definedNames +=
                    #"<definedName name="_xlnm.Print_Titles" localSheetId="0">"#
                    + escapeText(quoted + "!$1:$1") + "</definedName>"
            }
            definedNames += "</definedNames>"
        }
        return declaration + """
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <bookViews><workbookView activeTab="0"/></bookViews>\
            <sheets><sheet name="\(escapeText(name, attribute: true))" sheetId="1" r:id="rId1"/></sheets>\
            \(definedNames)</workbook>
            """
    }

    private static let workbookRelationships = Array(
        (declaration + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """).utf8)

    /// cellXfs: 0 default, 1 header (bold, text "@"), 2 text "@" (numFmt 49), 3 number "0.00" (built-in numFmt 2),
    /// 4 whole number "0" (built-in numFmt 1).
    private static let styles = Array(
        (declaration + """
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
            <font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>\
            <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            <dxfs count="0"/><tableStyles count="0"/></styleSheet>
            """).utf8)
}
