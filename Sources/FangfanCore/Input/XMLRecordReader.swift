import CFangfanXML

#if canImport(Glibc)
import Glibc
#endif

// Streaming reader for the record-shaped XML feeds (medical, civil, disaster).
//
// libxml2's xmlTextReader pulls bytes from a `ByteSource` (so a `.gz` file goes through the capped
// `InflateByteSource`) and hands out one node at a time; nodes already passed are freed, so memory
// stays flat whatever the file size. Hardening:
// - the parser options never include NOENT, DTDLOAD, DTDATTR, DTDVALID or XINCLUDE, and include NONET;
// - a `<!DOCTYPE` is refused before libxml2 sees it: the read callback scans the raw prolog bytes
//   (in both accepted encodings, UTF-8 and GB18030, the bytes of `<!DOCTYPE` can only mean those
//   characters) and stops the input there, so no entity declaration is ever parsed (billion laughs,
//   quadratic blowup, external entities). A DOCTYPE node that still arrives (e.g. in a UTF-16
//   file) is refused the moment the reader reports it, and so is any entity reference node;
// - element depth is bounded;
// - libxml2's messages are captured (first error, with line and column), never printed.

/// Which records and fields to take from a feed's XML.
public struct XMLRecordSpec: Sendable {
    /// Expected root element, e.g. "YBJSSJ"; another root is `.wrongRoot`.
    public var root: String
    /// Local name of the record element, e.g. "JL" or "SZH" (may be nested below other elements).
    public var record: String
    /// Path forms: "JSLSH" (child element of the record: its text; "A/B" for a deeper descendant),
    /// "@ATTR" (attribute of the record element), "ZHSJ/@BH" (attribute of the nearest enclosing
    /// element named ZHSJ, the record itself included — inherited by every record inside it).
    public var fields: [(name: String, path: String)]
    /// Root attribute holding the declared record count, e.g. "JLS" (optional in the file).
    public var countAttribute: String?

    public init(root: String, record: String, fields: [(name: String, path: String)], countAttribute: String? = nil) {
        self.root = root
        self.record = record
        self.fields = fields
        self.countAttribute = countAttribute
    }
}

public struct XMLRecord: Sendable, Equatable {
    /// 1-based index of the record in the file.
    public var number: Int
    /// Line of the record's start tag (where the start tag ends, if it spans several lines).
    public var line: Int
    /// Same order as `spec.fields`; nil = absent, "" = present but empty (`<YJSLSH/>`). Not trimmed.
    public var values: [String?]

    public init(number: Int, line: Int, values: [String?]) {
        self.number = number
        self.line = line
        self.values = values
    }
}

public enum XMLReadError: Error, Equatable, CustomStringConvertible {
    case malformed(line: Int, column: Int, message: String)
    case doctypeForbidden(line: Int)
    case wrongRoot(expected: String, found: String)
    case tooDeep(line: Int, limit: Int)
    case badDeclaredCount(String)
    /// An error thrown by the ByteSource (e.g. a gzip bomb), with its description.
    case source(String)

    public var description: String {
        switch self {
        case .malformed(let l, let c, let m):
            return "malformed XML at line \(l), column \(c): \(m)"
        case .doctypeForbidden(let l):
            return "the file has a <!DOCTYPE> declaration (line \(l)): refused, exports never need one and it is how entity attacks arrive"
        case .wrongRoot(let e, let f):
            return "the root element is <\(f)>, expected <\(e)>: not this feed"
        case .tooDeep(let l, let lim):
            return "elements are nested more than \(lim) levels deep (line \(l))"
        case .badDeclaredCount(let v):
            return "the declared record count \"\(v)\" is not a whole number"
        case .source(let m):
            return m
        }
    }
}

/// State shared with the C callbacks (passed as an unretained context pointer; owned by the reader).
final class XMLReaderInput {
    let source: ByteSource
    /// First error thrown by the source; the parser only sees a failed read.
    var sourceError: Error?
    /// Line of a `<!DOCTYPE` found in the prolog bytes.
    var doctypeLine: Int?
    /// First error libxml2 reported: line, column, message.
    var firstError: (line: Int, column: Int, message: String)?
    /// The parser had met a DOCTYPE when it failed. Only possible where the prolog scan cannot
    /// see one (an encoding other than UTF-8 and GB18030, e.g. UTF-16): libxml2 parses ahead of
    /// the node it hands out, so its own entity guards may stop it before the DOCTYPE node arrives.
    var parserSawDoctype = false
    var prolog = PrologScanner()
    var bytesRead = 0

    init(source: ByteSource) { self.source = source }

    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
        if sourceError != nil || doctypeLine != nil { return -1 }
        let n: Int
        do {
            n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: count))
        } catch {
            sourceError = error
            return -1
        }
        bytesRead += n
        if !prolog.done {
            prolog.scan(UnsafeRawBufferPointer(start: buffer, count: n))
            if let line = prolog.doctypeLine {
                doctypeLine = line
                return -1  // not one byte of the DOCTYPE reaches the parser
            }
        }
        return Int32(n)
    }

    func record(error: UnsafePointer<xmlError>) {
        let e = error.pointee
        guard firstError == nil, e.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        if e.domain == Int32(XML_FROM_PARSER.rawValue), let raw = e.ctxt {
            let ctxt = raw.assumingMemoryBound(to: xmlParserCtxt.self).pointee
            parserSawDoctype = ctxt.inSubset != 0 || ctxt.hasExternalSubset != 0
                || ctxt.myDoc?.pointee.intSubset != nil || ctxt.myDoc?.pointee.extSubset != nil
        }
        var message = e.message.map { String(cString: $0) } ?? "XML error \(e.code)"
        while let last = message.last, last.isWhitespace { message.removeLast() }
        message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        firstError = (Int(e.line), Int(e.int2), message)
    }
}

/// Scans the bytes before the root element for `<!DOCTYPE`, skipping the XML declaration,
/// processing instructions and comments. Works on the raw bytes: UTF-8 and GB18030 never use
/// bytes below 0x40 inside a multi-byte character except GB18030's 4-byte digits (0x30-0x39),
/// so `<`, `!`, `?`, `-`, `>` and newline bytes are always those characters.
struct PrologScanner {
    enum State { case text, open, pi, piQuestion, bang, comment, commentDash1, commentDash2 }
    private(set) var done = false
    private(set) var doctypeLine: Int?
    private var state = State.text
    private var line = 1
    private var bangBytes: [UInt8] = []
    private static let doctype = Array("DOCTYPE".utf8)
    private static let commentStart = Array("--".utf8)

    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
            if done { return }
            if b == 0x0A { line += 1 }
            switch state {
            case .text:
                if b == 0x3C { state = .open }  // <
            case .open:
                switch b {
                case 0x3F: state = .pi  // <?
                case 0x21: state = .bang; bangBytes.removeAll(keepingCapacity: true)  // <!
                default: done = true  // the root element (or something libxml2 will reject)
                }
            case .pi:
                if b == 0x3F { state = .piQuestion }
            case .piQuestion:
                state = b == 0x3E ? .text : (b == 0x3F ? .piQuestion : .pi)
            case .bang:
                bangBytes.append(b)
                if bangBytes == Self.commentStart {
                    state = .comment
                } else if bangBytes == Self.doctype {
                    doctypeLine = line
                    done = true
                } else if !Self.commentStart.starts(with: bangBytes) && !Self.doctype.starts(with: bangBytes) {
                    done = true  // e.g. <![CDATA[ before the root: malformed, libxml2 says so
                }
            case .comment:
                if b == 0x2D { state = .commentDash1 }
            case .commentDash1:
                state = b == 0x2D ? .commentDash2 : .comment
            case .commentDash2:
                state = b == 0x3E ? .text : (b == 0x2D ? .commentDash2 : .comment)
            }
        }
    }
}

/// Reads the records of one XML file, one at a time, in constant memory.
public final class XMLRecordReader {
    public let spec: XMLRecordSpec
    public let maxDepth: Int
    /// Attributes of the root element; available after the first `next()` call.
    public private(set) var rootAttributes: [String: String] = [:]
    public private(set) var recordsRead = 0
    /// Indexes of `spec.fields` that had a value (possibly empty) in at least one record, so the
    /// caller can reject a file that lacks a required element entirely.
    public private(set) var fieldsSeen: Set<Int> = []
    /// The declared record count (`spec.countAttribute` on the root), if the file has one.
    /// A value that is not a whole number ≥ 0 makes the first `next()` throw `.badDeclaredCount`.
    public private(set) var declaredCount: Int?

    private let input: XMLReaderInput
    private let reader: xmlTextReaderPtr
    /// The parse state; moved out while `next()` runs, so the hot loop works on a local value.
    private var parser: Parser?
    private var failure: XMLReadError?
    private var finished = false
    private var rootPublished = false

    private static let parserReady: Void = { xmlInitParser() }()
    /// Where libxml2's generic error channel writes while a reader runs (opened once, never closed).
    nonisolated(unsafe) private static let devNull: UnsafeMutableRawPointer? =
        fopen("/dev/null", "w").map { UnsafeMutableRawPointer($0) }

    /// NONET, no error printing. Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE.
    static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue)

    public init(source: ByteSource, spec: XMLRecordSpec, maxDepth: Int = 32) throws {
        _ = Self.parserReady
        self.spec = spec
        self.maxDepth = maxDepth
        let paths = try spec.fields.map { try FieldPath($0.path) }

        input = XMLReaderInput(source: source)
        let context = Unmanaged.passUnretained(input).toOpaque()
        let created = xmlReaderForIO(
            { context, buffer, length in
                guard let context, let buffer else { return -1 }
                if length <= 0 { return 0 }
                let input = Unmanaged<XMLReaderInput>.fromOpaque(context).takeUnretainedValue()
                return input.read(into: buffer, count: Int(length))
            },
            { _ in 0 },  // the caller owns the source
            context, nil, nil, Self.options)
        guard let created else {
            if let e = input.sourceError { throw XMLReadError.source(String(describing: e)) }
            if let l = input.doctypeLine { throw XMLReadError.doctypeForbidden(line: l) }
            throw XMLReadError.malformed(line: 1, column: 1, message: "the XML parser could not start on this input")
        }
        reader = created
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            Unmanaged<XMLReaderInput>.fromOpaque(context).takeUnretainedValue().record(error: error)
        }, context)
        parser = Parser(reader: reader, spec: spec, paths: paths, maxDepth: maxDepth)
    }

    deinit {
        xmlFreeTextReader(reader)
    }

    /// The next record, or nil at the end of the document. After an error every call rethrows it.
    /// Records before a fault may be handed out before the error: a caller that rejects bad files
    /// whole must read to the end (nil) before accepting any.
    public func next() throws -> XMLRecord? {
        if let failure { throw failure }
        if finished { return nil }
        // Errors libxml2 raises without a parser context (I/O, encoding conversion) go to the
        // thread's global handler: point it at this reader for the duration of the call.
        // A few messages go to the generic (printf-style) channel instead, e.g. "xmlParseChunk:
        // encoder error": send those to /dev/null (the structured error says the same, better).
        let savedHandler = __xmlStructuredError().pointee
        let savedContext = __xmlStructuredErrorContext().pointee
        let genericHandler = __xmlGenericError()
        let genericContext = __xmlGenericErrorContext()
        let savedGenericHandler = genericHandler?.pointee
        let savedGenericContext = genericContext?.pointee
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(input).toOpaque(), { context, error in
            guard let context, let error else { return }
            Unmanaged<XMLReaderInput>.fromOpaque(context).takeUnretainedValue().record(error: error)
        })
        if let sink = Self.devNull { xmlSetGenericErrorFunc(sink, nil) }  // nil: libxml2's fprintf handler
        var state = parser.take()!
        defer {
            parser = state
            xmlSetStructuredErrorFunc(savedContext, savedHandler)
            genericHandler?.pointee = savedGenericHandler ?? nil
            genericContext?.pointee = savedGenericContext ?? nil
        }
        do {
            let record = try state.step(input)
            if record == nil { finished = true }
            recordsRead = state.recordsRead
            if state.newFieldSeen {
                state.newFieldSeen = false
                fieldsSeen = Set(state.seen.indices.filter { state.seen[$0] })
            }
            publishRoot(state)
            return record
        } catch let error as XMLReadError {
            failure = error
            recordsRead = state.recordsRead
            publishRoot(state)
            throw error
        }
    }

    private func publishRoot(_ state: Parser) {
        if !rootPublished, let root = state.rootAttributes {
            rootPublished = true
            rootAttributes = root
            declaredCount = state.declaredCount
        }
    }
}

/// One compiled field path of an `XMLRecordSpec`.
enum FieldPath: Equatable {
    /// Text of the element at this path below the record ("JSLSH", "A/B").
    case child([String])
    /// Attribute of the record element ("@ID").
    case recordAttribute(String)
    /// Attribute of the nearest enclosing element with this name, the record included ("ZHSJ/@BH").
    case ancestorAttribute(element: String, attribute: String)

    /// A path that is none of the forms is a configuration error: `InputError.xml` naming it.
    init(_ path: String) throws {
        let bad = InputError.xml(
            "XML field path \"\(path)\" is not one of the forms NAME, NAME/NAME, @ATTR, ELEMENT/@ATTR")
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: { $0.isEmpty || $0 == "@" }) else { throw bad }
        let attributes = parts.filter { $0.hasPrefix("@") }
        if attributes.isEmpty {
            self = .child(parts)
        } else if parts.count == 1 {
            self = .recordAttribute(String(parts[0].dropFirst()))
        } else if parts.count == 2 && attributes.count == 1 && parts[1].hasPrefix("@") {
            self = .ancestorAttribute(element: parts[0], attribute: String(parts[1].dropFirst()))
        } else {
            throw bad
        }
    }
}

/// The reader's parse state. A value type, so the per-node work is free of the dynamic
/// exclusivity checks that class properties need.
struct Parser {
    typealias Name = UnsafePointer<xmlChar>

    let reader: xmlTextReaderPtr
    let maxDepth: Int
    let fieldCount: Int
    let root: Name
    let recordName: Name
    let countAttribute: String?
    /// Element names are interned in the parser's dictionary: compare pointers. (Checked on the
    /// root element; if a libxml2 ever stopped interning them, names are compared by content.)
    var interned = true

    // Compiled paths.
    let childNames: [Name]                                  // one-step paths: element names,
    let childFieldRanges: [Range<Int>]                      // their ranges in childFieldList
    let childFieldList: [Int]                               // (several fields may share a path)
    let deepFields: [(path: [Name], fields: [Int])]         // "A/B" paths
    let maxChildPathLength: Int
    let recordAttributeFields: [String: [Int]]
    let ancestorFields: [(element: Name, attributes: [(name: String, field: Int)])]
    let selfAttributeFields: [String: [Int]]                 // "REC/@X" on the record itself

    // Document state.
    var rootAttributes: [String: String]?
    var declaredCount: Int?
    var recordsRead = 0
    var seen: [Bool]
    var newFieldSeen = false
    var ancestors: [(depth: Int, values: [(field: Int, value: String)])] = []

    // The record being read.
    var inRecord = false
    var recordDepth = 0
    var recordLine = 0
    var values: [String?] = []
    var recordPath: [Name] = []
    /// Open field elements being captured (each an ancestor of the next) and where their text
    /// starts in `captured`, which holds the captured text of the record so far.
    var captures: [(field: Int, depth: Int, start: Int)] = []
    var captured: [UInt8] = []
    var childHint = 0

    // Line tracking: libxml2 keeps element lines in 16 bits, so past line 65534 the reader adds
    // the newlines of the text nodes seen since the last element whose line it knows.
    var syncedLine = 1
    var newlinesSinceSync = 0

    init(reader: xmlTextReaderPtr, spec: XMLRecordSpec, paths: [FieldPath], maxDepth: Int) {
        func intern(_ s: String) -> Name { xmlTextReaderConstString(reader, s)! }
        self.reader = reader
        self.maxDepth = maxDepth
        fieldCount = paths.count
        root = intern(spec.root)
        recordName = intern(spec.record)
        countAttribute = spec.countAttribute
        var child: [(name: Name, fields: [Int])] = []
        var deep: [(path: [Name], fields: [Int])] = []
        var recordAttr: [String: [Int]] = [:]
        var selfAttr: [String: [Int]] = [:]
        var ancestor: [(element: Name, attributes: [(name: String, field: Int)])] = []
        var longest = 1
        for (i, path) in paths.enumerated() {
            switch path {
            case .child(let parts) where parts.count == 1:
                let name = intern(parts[0])
                if let k = child.firstIndex(where: { $0.name == name }) { child[k].fields.append(i) } else { child.append((name, [i])) }
            case .child(let parts):
                let names = parts.map(intern)
                longest = max(longest, names.count)
                if let k = deep.firstIndex(where: { $0.path == names }) { deep[k].fields.append(i) } else { deep.append((names, [i])) }
            case .recordAttribute(let a):
                recordAttr[a, default: []].append(i)
            case .ancestorAttribute(let element, let a):
                if element == spec.record { selfAttr[a, default: []].append(i); continue }
                let name = intern(element)
                if let k = ancestor.firstIndex(where: { $0.element == name }) { ancestor[k].attributes.append((a, i)) } else { ancestor.append((name, [(a, i)])) }
            }
        }
        childNames = child.map(\.name)
        var ranges: [Range<Int>] = []
        var list: [Int] = []
        for entry in child {
            ranges.append(list.count..<(list.count + entry.fields.count))
            list += entry.fields
        }
        childFieldRanges = ranges
        childFieldList = list
        deepFields = deep
        maxChildPathLength = longest
        recordAttributeFields = recordAttr
        selfAttributeFields = selfAttr
        ancestorFields = ancestor
        seen = Array(repeating: false, count: paths.count)
        captured.reserveCapacity(4096)
    }

    private static let elementType = Int32(XML_READER_TYPE_ELEMENT.rawValue)
    private static let endElementType = Int32(XML_READER_TYPE_END_ELEMENT.rawValue)
    private static let textType = Int32(XML_READER_TYPE_TEXT.rawValue)
    private static let cdataType = Int32(XML_READER_TYPE_CDATA.rawValue)
    private static let whitespaceType = Int32(XML_READER_TYPE_WHITESPACE.rawValue)
    private static let significantWhitespaceType = Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue)
    private static let commentType = Int32(XML_READER_TYPE_COMMENT.rawValue)
    private static let piType = Int32(XML_READER_TYPE_PROCESSING_INSTRUCTION.rawValue)
    private static let doctypeType = Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue)
    private static let entityReferenceType = Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue)
    private static let entityType = Int32(XML_READER_TYPE_ENTITY.rawValue)

    mutating func step(_ input: XMLReaderInput) throws -> XMLRecord? {
        while true {
            let rc = xmlTextReaderRead(reader)
            if rc != 1 {
                // A failed read or a refused DOCTYPE stops the input; libxml2 then sees an early end.
                if let e = input.sourceError { throw XMLReadError.source(String(describing: e)) }
                if let l = input.doctypeLine { throw XMLReadError.doctypeForbidden(line: l) }
                if rc < 0 || input.firstError != nil || input.bytesRead == 0 { throw malformed(input) }
                if rootAttributes == nil {
                    throw XMLReadError.malformed(line: 1, column: 1, message: "the document has no root element")
                }
                return nil
            }
            switch xmlTextReaderNodeType(reader) {
            case Self.elementType:
                if let record = try startElement() { return record }
            case Self.endElementType:
                if inRecord, let record = endElement() { return record }
            case Self.textType, Self.cdataType, Self.whitespaceType, Self.significantWhitespaceType:
                text()
            case Self.commentType, Self.piType:
                if let value = xmlTextReaderConstValue(reader) {
                    countNewlines(UnsafeBufferPointer(start: value, count: strlen(value)))
                }
            case Self.doctypeType:
                throw XMLReadError.doctypeForbidden(line: currentLine())
            case Self.entityReferenceType, Self.entityType:
                let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? "?"
                throw XMLReadError.malformed(
                    line: currentLine(), column: Int(xmlTextReaderGetParserColumnNumber(reader)),
                    message: "entity reference &\(name); is not allowed")
            default:
                break
            }
        }
    }

    func malformed(_ input: XMLReaderInput) -> XMLReadError {
        if input.bytesRead == 0 {
            return .malformed(line: 1, column: 1, message: "the file is empty")
        }
        let parserLine = Int(xmlTextReaderGetParserLineNumber(reader))
        let parserColumn = Int(xmlTextReaderGetParserColumnNumber(reader))
        guard let e = input.firstError else {
            if input.parserSawDoctype { return .doctypeForbidden(line: parserLine) }
            return .malformed(line: parserLine, column: parserColumn,
                              message: "the XML parser stopped (malformed or undecodable input)")
        }
        if input.parserSawDoctype { return .doctypeForbidden(line: e.line > 0 ? e.line : parserLine) }
        if e.line <= 0 {  // raised without a position (e.g. encoding conversion): the parser's own
            return .malformed(line: parserLine, column: parserColumn, message: e.message)
        }
        return .malformed(line: e.line, column: e.column, message: e.message)
    }

    /// Line of the current element: libxml2's own when it fits in 16 bits, else counted.
    mutating func elementLine() -> Int {
        if let node = xmlTextReaderCurrentNode(reader), node.pointee.line < UInt16.max {
            syncedLine = Int(node.pointee.line)
            newlinesSinceSync = 0
            return syncedLine
        }
        return syncedLine + newlinesSinceSync
    }

    func currentLine() -> Int {
        if let node = xmlTextReaderCurrentNode(reader), node.pointee.line > 0, node.pointee.line < UInt16.max {
            return Int(node.pointee.line)
        }
        return max(syncedLine + newlinesSinceSync, Int(xmlTextReaderGetParserLineNumber(reader)))
    }

    mutating func countNewlines(_ bytes: UnsafeBufferPointer<xmlChar>) {
        guard var p = UnsafeRawPointer(bytes.baseAddress) else { return }
        var left = bytes.count
        while left > 0, let found = memchr(p, 0x0A, left) {
            let hit = UnsafeRawPointer(found)
            newlinesSinceSync += 1
            left -= p.distance(to: hit) + 1
            p = hit + 1
        }
    }

    @inline(__always)
    func same(_ a: Name, _ b: Name) -> Bool {
        a == b || (!interned && strcmp(a, b) == 0)
    }

    /// Calls `body(name, value)` for each attribute of the current element (namespace declarations
    /// skipped), then moves back to the element.
    func forEachAttribute(_ body: (String, String) throws -> Void) rethrows {
        guard xmlTextReaderHasAttributes(reader) == 1 else { return }
        defer { xmlTextReaderMoveToElement(reader) }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            if xmlTextReaderIsNamespaceDecl(reader) == 1 { continue }
            let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
            let value = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
            try body(name, value)
        }
    }

    mutating func startElement() throws -> XMLRecord? {
        let depth = Int(xmlTextReaderDepth(reader))
        let line = elementLine()
        if depth > maxDepth { throw XMLReadError.tooDeep(line: line, limit: maxDepth) }
        guard let name = xmlTextReaderConstLocalName(reader) else { return nil }
        let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1

        if inRecord {
            matchChild(name, depth: depth, isEmpty: isEmpty)
            return nil
        }
        if rootAttributes == nil {
            try startRoot(name, depth: depth)
            return nil
        }
        while let last = ancestors.last, last.depth >= depth { ancestors.removeLast() }
        if same(name, recordName) {
            return startRecord(depth: depth, line: line, isEmpty: isEmpty)
        }
        pushAncestor(name, depth: depth)
        return nil
    }

    mutating func startRoot(_ name: Name, depth: Int) throws {
        if name != root {
            guard strcmp(name, root) == 0 else {
                throw XMLReadError.wrongRoot(expected: String(cString: root), found: String(cString: name))
            }
            interned = false
        }
        var attributes: [String: String] = [:]
        forEachAttribute { attributes[$0] = $1 }
        if let countName = countAttribute, let raw = attributes[countName] {
            let trimmed = raw.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed()
            guard let n = Int(String(trimmed)), n >= 0 else { throw XMLReadError.badDeclaredCount(raw) }
            declaredCount = n
        }
        rootAttributes = attributes
        pushAncestor(name, depth: depth)
    }

    mutating func pushAncestor(_ name: Name, depth: Int) {
        guard let k = ancestorFields.firstIndex(where: { same($0.element, name) }) else { return }
        let wanted = ancestorFields[k].attributes
        var found: [(field: Int, value: String)] = []
        forEachAttribute { attribute, value in
            for (a, f) in wanted where a == attribute { found.append((f, value)) }
        }
        ancestors.append((depth, found))  // an empty <ZHSJ/> encloses nothing; its next sibling pops it
    }

    mutating func startRecord(depth: Int, line: Int, isEmpty: Bool) -> XMLRecord? {
        inRecord = true
        recordDepth = depth
        recordLine = line
        values = Array(repeating: nil, count: fieldCount)
        recordPath.removeAll(keepingCapacity: true)
        captures.removeAll(keepingCapacity: true)
        captured.removeAll(keepingCapacity: true)  // the record's field text, one field after another
        for ancestor in ancestors {  // outermost first: the nearest enclosing element wins
            for (f, v) in ancestor.values { values[f] = v }
        }
        if !recordAttributeFields.isEmpty || !selfAttributeFields.isEmpty {
            var found: [(Int, String)] = []
            forEachAttribute { attribute, value in
                for f in recordAttributeFields[attribute] ?? [] { found.append((f, value)) }
                for f in selfAttributeFields[attribute] ?? [] { found.append((f, value)) }
            }
            for (f, v) in found { values[f] = v }
        }
        return isEmpty ? finishRecord() : nil
    }

    mutating func matchChild(_ name: Name, depth: Int, isEmpty: Bool) {
        let relative = depth - recordDepth
        if maxChildPathLength > 1 {
            if recordPath.count >= relative { recordPath.removeLast(recordPath.count - relative + 1) }
            recordPath.append(name)
        }
        if relative == 1 {
            let n = childNames.count
            var i = childHint
            for _ in 0..<n {  // fields usually come in spec order: start after the last match
                if i >= n { i = 0 }
                if same(childNames[i], name) {
                    childHint = i + 1
                    for k in childFieldRanges[i] { open(childFieldList[k], depth: depth, isEmpty: isEmpty) }
                    return
                }
                i += 1
            }
        } else if relative <= maxChildPathLength {
            for entry in deepFields where entry.path.count == relative
                && zip(entry.path, recordPath).allSatisfy({ same($0, $1) }) {
                for f in entry.fields { open(f, depth: depth, isEmpty: isEmpty) }
            }
        }
    }

    /// Starts capturing field `f` (the first occurrence in a record wins).
    mutating func open(_ f: Int, depth: Int, isEmpty: Bool) {
        if values[f] != nil { return }
        for c in captures where c.field == f { return }
        if isEmpty {
            values[f] = ""
        } else {
            captures.append((f, depth, captured.count))
        }
    }

    mutating func endElement() -> XMLRecord? {
        let depth = Int(xmlTextReaderDepth(reader))
        if depth == recordDepth { return finishRecord() }
        var j = captures.count - 1
        while j >= 0 {  // several fields may capture the same element
            if captures[j].depth == depth {
                let c = captures[j]
                values[c.field] = String(decoding: captured[c.start...], as: UTF8.self)
                captures.remove(at: j)
            }
            j -= 1
        }
        return nil
    }

    mutating func text() {
        guard let start = xmlTextReaderConstValue(reader) else { return }
        let bytes = UnsafeBufferPointer(start: start, count: strlen(start))
        countNewlines(bytes)
        if inRecord && !captures.isEmpty { captured.append(contentsOf: bytes) }
    }

    mutating func finishRecord() -> XMLRecord {
        inRecord = false
        captures.removeAll(keepingCapacity: true)
        recordsRead += 1
        for f in 0..<fieldCount where !seen[f] && values[f] != nil {
            seen[f] = true
            newFieldSeen = true
        }
        return XMLRecord(number: recordsRead, line: recordLine, values: values)
    }
}

/// strlen and strcmp for libxml2's unsigned strings.
private func strlen(_ s: UnsafePointer<xmlChar>) -> Int {
    Glibc.strlen(UnsafeRawPointer(s).assumingMemoryBound(to: CChar.self))
}

private func strcmp(_ a: UnsafePointer<xmlChar>, _ b: UnsafePointer<xmlChar>) -> Int32 {
    Glibc.strcmp(UnsafeRawPointer(a).assumingMemoryBound(to: CChar.self),
                 UnsafeRawPointer(b).assumingMemoryBound(to: CChar.self))
}
