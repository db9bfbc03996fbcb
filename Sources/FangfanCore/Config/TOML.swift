// A parser for the commonly used subset of TOML 1.0.
//
// Supported: comments, bare / quoted / dotted keys, tables, arrays of tables,
// inline tables, (multi-line) arrays, basic / literal / multi-line strings,
// integers (decimal, 0x, 0o, 0b), floats and booleans.
// Not supported (rejected with an error): dates and times, inf and nan.
//
// Floats are never converted to Double: they are kept as their literal text
// (minus '_' separators) so that money and ratio rules can use exact decimals.
// Every key remembers its insertion order and the line it was defined on.
// Error columns are 1-based and counted in Unicode scalars.

public indirect enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    /// A float literal exactly as written, minus '_' separators, e.g. "0.5", "-3.25e2".
    case decimal(String)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    /// Human-readable type name, used in error messages.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .decimal: return "decimal"
        case .bool: return "boolean"
        case .array: return "array"
        case .table: return "inline table"
        }
    }

    /// The type name with an indefinite article ("an integer", "a string").
    fileprivate var typeNameWithArticle: String {
        switch self {
        case .integer, .array, .table: return "an " + typeName
        default: return "a " + typeName
        }
    }
}

public struct TOMLTable: Equatable, Sendable {
    /// Entries in the order they were defined, with the line each key was defined on.
    public var entries: [(key: String, value: TOMLValue, line: Int)]

    public init(entries: [(key: String, value: TOMLValue, line: Int)] = []) {
        self.entries = entries
    }

    public subscript(key: String) -> TOMLValue? {
        entries.first(where: { $0.key == key })?.value
    }

    public func line(of key: String) -> Int? {
        entries.first(where: { $0.key == key })?.line
    }

    public var keys: [String] { entries.map(\.key) }

    /// Compares keys and values in order; line numbers are metadata and are ignored.
    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

public struct TOMLError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "TOML error at line \(line), column \(column): \(message)" }
}

public enum TOML {
    public static func parse(_ text: String) throws -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.parseDocument()
    }
}

// MARK: - Implementation

/// Mutable table used while parsing; tracks how each table came into existence.
private final class TOMLTableBuilder {
    enum Item {
        case value(TOMLValue)
        case table(TOMLTableBuilder)
        case tableArray([TOMLTableBuilder])
    }

    let path: [String]
    var definedByHeader = false  // [a.b]
    var definedByDottedKeys = false  // a.b.c = 1 defines a and a.b
    private(set) var items: [(key: String, item: Item, line: Int)] = []
    private var index: [String: Int] = [:]

    init(path: [String]) { self.path = path }

    func get(_ key: String) -> Item? { index[key].map { items[$0].item } }
    func line(of key: String) -> Int? { index[key].map { items[$0].line } }

    func set(_ key: String, _ item: Item, line: Int) {
        if let i = index[key] {
            items[i].item = item
            items[i].line = line
        } else {
            index[key] = items.count
            items.append((key, item, line))
        }
    }

    func build() -> TOMLTable {
        TOMLTable(
            entries: items.map { entry in
                let value: TOMLValue
                switch entry.item {
                case .value(let v): value = v
                case .table(let t): value = .table(t.build())
                case .tableArray(let ts): value = .array(ts.map { .table($0.build()) })
                }
                return (entry.key, value, entry.line)
            })
    }
}

private struct TOMLKeyPart {
    var name: String
    var line: Int
    var column: Int
}

private func tomlDisplayKey(_ parts: [String]) -> String {
    parts.map { part -> String in
        let bare = !part.isEmpty && part.unicodeScalars.allSatisfy(TOMLParser.isBareKeyScalar)
        if bare { return part }
        var quoted = "\""
        for c in part.unicodeScalars {
            if c == "\"" || c == "\\" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(c)
        }
        return quoted + "\""
    }.joined(separator: ".")
}

private struct TOMLParser {
    let s: [Unicode.Scalar]
    var pos = 0
    var line = 1
    var lineStart = 0
    let root = TOMLTableBuilder(path: [])
    var current: TOMLTableBuilder

    init(_ text: String) {
        s = Array(text.unicodeScalars)
        current = root
        if s.first == "\u{FEFF}" { pos = 1; lineStart = 1 }  // byte-order mark
    }

    // MARK: Low-level scanning

    var peek: Unicode.Scalar? { pos < s.count ? s[pos] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? { pos + offset < s.count ? s[pos + offset] : nil }
    var column: Int { pos - lineStart + 1 }

    mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where pos < s.count {
            if s[pos] == "\n" { line += 1; lineStart = pos + 1 }
            pos += 1
        }
    }

    func error(_ message: String) -> TOMLError { TOMLError(line: line, column: column, message: message) }
    func error(_ message: String, at line: Int, _ column: Int) -> TOMLError {
        TOMLError(line: line, column: column, message: message)
    }
    func error(_ message: String, at part: TOMLKeyPart) -> TOMLError {
        TOMLError(line: part.line, column: part.column, message: message)
    }

    static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    static func isControl(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\t") || c.value == 0x7F
    }

    static func describe(_ c: Unicode.Scalar?) -> String {
        guard let c else { return "end of input" }
        switch c {
        case "\n", "\r": return "end of line"
        case "\t": return "a tab"
        default:
            if isControl(c) { return "control character U+" + String(c.value, radix: 16, uppercase: true) }
            return "'\(c)'"
        }
    }

    mutating func skipWhitespace() {
        while let c = peek, c == " " || c == "\t" { advance() }
    }

    mutating func skipComment() {
        guard peek == "#" else { return }
        while let c = peek, c != "\n", c != "\r" { advance() }
    }

    /// Skips whitespace, comments and newlines (used inside arrays).
    mutating func skipBlank() throws {
        while let c = peek {
            switch c {
            case " ", "\t", "\n": advance()
            case "#": skipComment()
            case "\r" where peek(1) == "\n": advance(2)
            case "\r": throw error("carriage return must be followed by a line feed")
            default: return
            }
        }
    }

    /// After a key/value pair or header only whitespace and a comment may follow on the line.
    mutating func expectLineEnd(after what: String) throws {
        skipWhitespace()
        skipComment()
        switch peek {
        case nil: return
        case "\n": advance()
        case "\r" where peek(1) == "\n": advance(2)
        case "\r": throw error("carriage return must be followed by a line feed")
        case let c: throw error("expected end of line after \(what), found \(Self.describe(c))")
        }
    }

    // MARK: Document structure

    mutating func parseDocument() throws -> TOMLTable {
        while true {
            try skipBlank()
            guard let c = peek else { break }
            if c == "[" {
                try parseHeader()
            } else {
                try parseKeyValue(into: current)
                try expectLineEnd(after: "value")
            }
        }
        return root.build()
    }

    mutating func parseKey() throws -> [TOMLKeyPart] {
        var parts: [TOMLKeyPart] = []
        while true {
            skipWhitespace()
            let (l, col) = (line, column)
            let name: String
            switch peek {
            case "\"":
                if peek(1) == "\"" && peek(2) == "\"" { throw error("multi-line strings cannot be used as keys") }
                name = try parseBasicString()
            case "'":
                if peek(1) == "'" && peek(2) == "'" { throw error("multi-line strings cannot be used as keys") }
                name = try parseLiteralString()
            case let c? where Self.isBareKeyScalar(c):
                var scalars = String.UnicodeScalarView()
                while let c = peek, Self.isBareKeyScalar(c) { scalars.append(c); advance() }
                name = String(scalars)
            case let c? where c.value > 0x7F && !c.properties.isWhitespace:
                throw error("invalid character '\(c)' in bare key; keys with non-ASCII characters must be quoted, e.g. \"\(c)\"")
            case let c:
                throw error("expected a key, found \(Self.describe(c))")
            }
            parts.append(TOMLKeyPart(name: name, line: l, column: col))
            skipWhitespace()
            guard peek == "." else { return parts }
            advance()
        }
    }

    mutating func parseHeader() throws {
        let headerLine = line
        advance()  // '['
        let isArray = peek == "["
        if isArray { advance() }
        let parts = try parseKey()
        let path = parts.map(\.name)
        let shown = isArray ? "[[\(tomlDisplayKey(path))]]" : "[\(tomlDisplayKey(path))]"
        guard peek == "]" else {
            throw error("expected '\(isArray ? "]]" : "]")' to close table header, found \(Self.describe(peek))")
        }
        advance()
        if isArray {
            guard peek == "]" else { throw error("expected ']]' to close array-of-tables header, found \(Self.describe(peek))") }
            advance()
        }
        try expectLineEnd(after: "table header \(shown)")

        // Walk (and implicitly create) the parent tables.
        var table = root
        for (i, part) in parts.dropLast().enumerated() {
            switch table.get(part.name) {
            case nil:
                let sub = TOMLTableBuilder(path: Array(path[...i]))
                table.set(part.name, .table(sub), line: headerLine)
                table = sub
            case .table(let sub)?:
                table = sub
            case .tableArray(let subs)?:
                table = subs[subs.count - 1]
            case .value(let v)?:
                throw error(
                    "cannot define table \(shown): key '\(tomlDisplayKey(Array(path[...i])))' is already \(v.typeNameWithArticle) value (line \(table.line(of: part.name)!))",
                    at: part)
            }
        }

        let last = parts[parts.count - 1]
        let existingLine = table.line(of: last.name).map { " (line \($0))" } ?? ""
        switch (table.get(last.name), isArray) {
        case (nil, false):
            let sub = TOMLTableBuilder(path: path)
            sub.definedByHeader = true
            table.set(last.name, .table(sub), line: headerLine)
            current = sub
        case (nil, true):
            let sub = TOMLTableBuilder(path: path)
            table.set(last.name, .tableArray([sub]), line: headerLine)
            current = sub
        case (.table(let sub)?, false):
            if sub.definedByHeader {
                throw error("table \(shown) is defined more than once (first definition on line \(table.line(of: last.name)!))", at: last)
            }
            if sub.definedByDottedKeys {
                throw error("cannot define table \(shown): it was already defined with dotted keys\(existingLine)", at: last)
            }
            sub.definedByHeader = true
            table.set(last.name, .table(sub), line: headerLine)
            current = sub
        case (.tableArray(var subs)?, true):
            let sub = TOMLTableBuilder(path: path)
            subs.append(sub)
            table.set(last.name, .tableArray(subs), line: table.line(of: last.name)!)
            current = sub
        case (.tableArray?, false):
            throw error("cannot define table \(shown): '\(tomlDisplayKey(path))' is already an array of tables\(existingLine)", at: last)
        case (.table?, true):
            throw error("cannot define array of tables \(shown): '\(tomlDisplayKey(path))' is already a table\(existingLine)", at: last)
        case (.value(.array)?, true):
            throw error("cannot append to static array '\(tomlDisplayKey(path))'\(existingLine) with \(shown)", at: last)
        case (.value(let v)?, _):
            throw error(
                "cannot define \(shown): key '\(tomlDisplayKey(path))' is already \(v.typeNameWithArticle) value\(existingLine)", at: last)
        }
    }

    /// Parses `key = value` and stores it in `table` (the current table or an inline table).
    mutating func parseKeyValue(into table: TOMLTableBuilder) throws {
        let keyLine = line
        let parts = try parseKey()
        guard peek == "=" else {
            throw error("expected '=' after key '\(tomlDisplayKey(parts.map(\.name)))', found \(Self.describe(peek))")
        }
        advance()
        skipWhitespace()

        // Resolve the dotted prefix, creating tables as needed.
        var target = table
        for part in parts.dropLast() {
            let here = target.path + [part.name]
            switch target.get(part.name) {
            case nil:
                let sub = TOMLTableBuilder(path: here)
                sub.definedByDottedKeys = true
                target.set(part.name, .table(sub), line: keyLine)
                target = sub
            case .table(let sub)? where sub.definedByDottedKeys:
                target = sub
            case .table?:
                throw error(
                    "cannot add to table '\(tomlDisplayKey(here))' with dotted keys: it is defined by a table header (line \(target.line(of: part.name)!))",
                    at: part)
            case .tableArray?:
                throw error("cannot add to array of tables '\(tomlDisplayKey(here))' with dotted keys", at: part)
            case .value(let v)?:
                throw error(
                    "key '\(tomlDisplayKey(here))' is already \(v.typeNameWithArticle) value (line \(target.line(of: part.name)!)) and cannot be used as a table",
                    at: part)
            }
        }
        let last = parts[parts.count - 1]
        if let firstLine = target.line(of: last.name) {
            throw error("duplicate key '\(tomlDisplayKey(target.path + [last.name]))' (first defined on line \(firstLine))", at: last)
        }
        let value = try parseValue()
        target.set(last.name, .value(value), line: keyLine)
    }

    // MARK: Values

    mutating func parseValue() throws -> TOMLValue {
        guard let c = peek else { throw error("expected a value, found end of input") }
        switch c {
        case "\"":
            return .string(peek(1) == "\"" && peek(2) == "\"" ? try parseMultilineString(literal: false) : try parseBasicString())
        case "'":
            return .string(peek(1) == "'" && peek(2) == "'" ? try parseMultilineString(literal: true) : try parseLiteralString())
        case "[":
            return try parseArray()
        case "{":
            return try parseInlineTable()
        case "0"..."9", "+", "-", ".":
            return try parseNumber()
        case "A"..."Z", "a"..."z", "_":
            let (l, col) = (line, column)
            let word = readToken()
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            if word == "inf" || word == "nan" {
                throw error("'\(word)' is not supported: decimals must be finite and exact", at: l, col)
            }
            if word.contains(":") {
                throw error("dates and times are not supported; write the value as a quoted string", at: l, col)
            }
            throw error("invalid value '\(word)': strings must be quoted and booleans are lower-case 'true' or 'false'", at: l, col)
        default:
            throw error("expected a value, found \(Self.describe(c))")
        }
    }

    /// Reads a run of characters that may form a number, date or keyword.
    mutating func readToken() -> String {
        var scalars = String.UnicodeScalarView()
        while let c = peek, Self.isBareKeyScalar(c) || c == "." || c == "+" || c == ":" {
            scalars.append(c)
            advance()
        }
        return String(scalars)
    }

    mutating func parseNumber() throws -> TOMLValue {
        let (l, col) = (line, column)
        let token = readToken()
        let chars = Array(token.unicodeScalars)
        func fail(_ why: String) -> TOMLError { error("invalid number '\(token)': \(why)", at: l, col) }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

        if token.contains(":") || (chars.count >= 5 && chars[0..<4].allSatisfy(isDigit) && chars[4] == "-") {
            throw error("dates and times are not supported; write the value as a quoted string", at: l, col)
        }
        if ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(token) {
            throw error("'\(token)' is not supported: decimals must be finite and exact", at: l, col)
        }
        if token.isEmpty { throw error("expected a value, found \(Self.describe(peek))") }

        // Hexadecimal, octal and binary integers.
        if chars.count >= 2, chars[0] == "0", let radix = ["x": 16, "o": 8, "b": 2][String(chars[1])] {
            var digits = ""
            var previous: Unicode.Scalar = "_"
            for c in chars[2...] {
                if c == "_" {
                    if previous == "_" { throw fail("'_' must be between digits") }
                } else if Int(String(c), radix: radix) != nil {
                    digits.unicodeScalars.append(c)
                } else {
                    throw fail("'\(c)' is not a valid base-\(radix) digit")
                }
                previous = c
            }
            if digits.isEmpty || previous == "_" { throw fail("'_' must be between digits") }
            guard let v = Int64(digits, radix: radix) else { throw fail("out of range for a 64-bit integer") }
            return .integer(v)
        }

        // Decimal integers and floats: [+-] int [. digits] [e [+-] digits]
        var i = 0
        var text = ""
        func digits(_ what: String) throws -> String {
            var run = ""
            var previous: Unicode.Scalar? = nil
            while i < chars.count, isDigit(chars[i]) || chars[i] == "_" {
                if chars[i] == "_" && (previous == nil || previous == "_") { throw fail("'_' must be between digits") }
                if chars[i] != "_" { run.unicodeScalars.append(chars[i]) }
                previous = chars[i]
                i += 1
            }
            if previous == "_" { throw fail("'_' must be between digits") }
            if run.isEmpty { throw fail(what.isEmpty ? "expected digits" : "expected digits \(what)") }
            return run
        }
        if chars[0] == "+" || chars[0] == "-" { text.unicodeScalars.append(chars[0]); i = 1 }
        let integerPart = try digits(i < chars.count && chars[i] == "." ? "before the decimal point" : "")
        if integerPart.count > 1 && integerPart.hasPrefix("0") { throw fail("leading zeros are not allowed") }
        text += integerPart
        var isFloat = false
        if i < chars.count && chars[i] == "." {
            i += 1
            text += "." + (try digits("after the decimal point"))
            isFloat = true
        }
        if i < chars.count && (chars[i] == "e" || chars[i] == "E") {
            text.unicodeScalars.append(chars[i])
            i += 1
            if i < chars.count && (chars[i] == "+" || chars[i] == "-") { text.unicodeScalars.append(chars[i]); i += 1 }
            text += try digits("in the exponent")
            isFloat = true
        }
        if i < chars.count { throw fail("unexpected '\(chars[i])'") }
        if isFloat { return .decimal(text) }
        guard let v = Int64(text) else { throw fail("out of range for a 64-bit integer") }
        return .integer(v)
    }

    mutating func parseArray() throws -> TOMLValue {
        let (l, col) = (line, column)
        advance()  // '['
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek == "]" { advance(); return .array(items) }
            if peek == nil { throw error("unterminated array (opened at line \(l), column \(col))") }
            items.append(try parseValue())
            try skipBlank()
            switch peek {
            case ",": advance()
            case "]": advance(); return .array(items)
            case nil: throw error("unterminated array (opened at line \(l), column \(col))")
            case let c: throw error("expected ',' or ']' after array element, found \(Self.describe(c))")
            }
        }
    }

    mutating func parseInlineTable() throws -> TOMLValue {
        let (l, col) = (line, column)
        advance()  // '{'
        let table = TOMLTableBuilder(path: [])
        skipWhitespace()
        if peek == "}" { advance(); return .table(table.build()) }
        while true {
            skipWhitespace()
            switch peek {
            case "\n", "\r": throw error("newlines are not allowed inside inline tables")
            case "}": throw error("trailing comma is not allowed in an inline table")
            case nil: throw error("unterminated inline table (opened at line \(l), column \(col))")
            default: break
            }
            try parseKeyValue(into: table)
            skipWhitespace()
            switch peek {
            case ",": advance()
            case "}": advance(); return .table(table.build())
            case "\n", "\r": throw error("newlines are not allowed inside inline tables")
            case nil: throw error("unterminated inline table (opened at line \(l), column \(col))")
            case let c: throw error("expected ',' or '}' in inline table, found \(Self.describe(c))")
            }
        }
    }

    // MARK: Strings

    mutating func parseLiteralString() throws -> String {
        let (l, col) = (line, column)
        advance()  // '
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek, c != "\n", c != "\r" else {
                throw error("unterminated string (opened at line \(l), column \(col)); use ''' for multi-line strings", at: l, col)
            }
            advance()
            if c == "'" { return String(out) }
            if Self.isControl(c) { throw error("control characters are not allowed in literal strings", at: line, column - 1) }
            out.append(c)
        }
    }

    mutating func parseBasicString() throws -> String {
        let (l, col) = (line, column)
        advance()  // "
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek, c != "\n", c != "\r" else {
                throw error("unterminated string (opened at line \(l), column \(col)); use \"\"\" for multi-line strings", at: l, col)
            }
            if c == "\\" { out.append(try parseEscape()); continue }
            if Self.isControl(c) { throw error("control character \(Self.describe(c)) must be escaped in a string") }
            advance()
            if c == "\"" { return String(out) }
            out.append(c)
        }
    }

    mutating func parseEscape() throws -> Unicode.Scalar {
        let (l, col) = (line, column)
        advance()  // backslash
        guard let c = peek else { throw error("unterminated escape sequence", at: l, col) }
        advance()
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = c == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<count {
                guard let h = peek, h.properties.isASCIIHexDigit else {
                    throw error("escape \\\(c) needs exactly \(count) hexadecimal digits", at: l, col)
                }
                hex.unicodeScalars.append(h)
                advance()
            }
            guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                throw error("escape \\\(c)\(hex) is not a valid Unicode scalar value", at: l, col)
            }
            return scalar
        default:
            throw error("invalid escape sequence '\\\(c)' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)", at: l, col)
        }
    }

    /// Parses `"""..."""` (basic) or `'''...'''` (literal).
    mutating func parseMultilineString(literal: Bool) throws -> String {
        let (l, col) = (line, column)
        let quote: Unicode.Scalar = literal ? "'" : "\""
        advance(3)
        // A newline immediately after the opening delimiter is trimmed.
        if peek == "\n" { advance() } else if peek == "\r" && peek(1) == "\n" { advance(2) }
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else {
                throw error("unterminated multi-line string (opened at line \(l), column \(col))", at: l, col)
            }
            if c == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    if run > 5 { throw error("too many quotes at the end of a multi-line string") }
                    for _ in 0..<(run - 3) { out.append(quote) }
                    advance(run)
                    return String(out)
                }
                for _ in 0..<run { out.append(quote) }
                advance(run)
            } else if c == "\\" && !literal {
                // Line-ending backslash: trims the newline and all following whitespace.
                var k = 1
                while peek(k) == " " || peek(k) == "\t" { k += 1 }
                if peek(k) == "\n" || (peek(k) == "\r" && peek(k + 1) == "\n") {
                    advance(k)
                    while let w = peek, w == " " || w == "\t" || w == "\n" || (w == "\r" && peek(1) == "\n") { advance() }
                } else {
                    out.append(try parseEscape())
                }
            } else if c == "\r" {
                guard peek(1) == "\n" else { throw error("carriage return must be followed by a line feed") }
                out.append("\n")
                advance(2)
            } else if c == "\n" {
                out.append(c)
                advance()
            } else if Self.isControl(c) {
                throw error("control character \(Self.describe(c)) must be escaped in a string")
            } else {
                out.append(c)
                advance()
            }
        }
    }
}
