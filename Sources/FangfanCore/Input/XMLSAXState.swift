import CFangfanXML
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The parse state and the SAX callbacks that drive it.
///
/// Records are collected one block of input at a time: the text of every field of every record of
/// the block goes into `bytes`, and `records` holds per record its number, its line, and the start
/// and end of each field's value in `bytes` (-1 for an absent field). The parse thread hands both
/// over to the reader after each block of input (keeping a record that is still being read).
struct SAXState {
    typealias Name = UnsafePointer<xmlChar>

    let spec: XMLRecordSpec
    let paths: [FieldPath]
    let maxDepth: Int
    let fieldCount: Int
    /// Entries of `records` per record: number, line, then start and end per field.
    let stride: Int
    /// A record's field entries before any is read: every field absent (-1).
    let absentFields: [Int]
    let countAttribute: String?
    /// Records numbered up to this are parsed but not kept: a parse that takes over after the first
    /// `skip` records were already handed out (see `XMLParallelParse`).
    let skip: Int

    // Compiled paths: element and attribute names interned in the parser's dictionary, compared
    // as pointers. (Checked on the root element; if a libxml2 ever stopped interning names, they
    // are compared by content.)
    var ctxt: xmlParserCtxtPtr?
    var interned = true
    var root: Name?
    var recordName: Name?
    var childNames: [Name] = []  // one-step paths: element names,
    var childFieldRanges: [Range<Int>] = []  // their ranges in childFieldList
    var childFieldList: [Int] = []  // (several fields may share a path)
    var deepFields: [(path: [Name], fields: [Int])] = []  // "A/B" paths
    var maxChildPathLength = 1
    var recordAttributeFields: [(name: Name, field: Int)] = []  // "@X" and "REC/@X" on the record itself
    var ancestorFields: [(element: Name, attributes: [(name: Name, field: Int)])] = []

    // Document state.
    /// Depth of the next element to start (the root is at depth 0).
    var depth = 0
    var rootAttributes: [String: String]?
    var declaredCount: Int?
    /// Lines where the root's start tag ends and where its end tag is (for a piece of a document,
    /// parsed inside a copy of the document's head: where the piece starts and ends).
    var rootStartLine = 0
    var rootEndLine: Int?
    var ancestors: [(depth: Int, values: [(field: Int, value: [UInt8])])] = []
    var recordsDone = 0
    /// Raised by a callback; the parser was stopped there.
    var failure: XMLReadError?
    /// First error libxml2 reported: line, column, message.
    var firstError: (line: Int, column: Int, message: String)?
    /// The parser had met a DOCTYPE when it failed. Only possible where the prolog scan cannot
    /// see one (an encoding other than UTF-8 and GB18030, e.g. UTF-16).
    var parserSawDoctype = false

    // The record being read.
    var inRecord = false
    var recordDepth = 0
    /// Its entry in `records`, and where its bytes start in `bytes`.
    var slot = 0
    var recordStart = 0
    var recordPath: [Name] = []
    /// Open field elements being captured (each an ancestor of the next) and where their text
    /// starts in `bytes`: the first `openCaptures` entries. Text is appended to `bytes` while any is open.
    var captures: [(field: Int, depth: Int, start: Int)] = []
    var openCaptures = 0
    var childHint = 0

    // The block's records.
    var bytes = RawBuffer<UInt8>()
    var records = RawBuffer<Int>()
    var ready = 0

    init(spec: XMLRecordSpec, paths: [FieldPath], maxDepth: Int, skip: Int = 0) {
        self.spec = spec
        self.paths = paths
        self.maxDepth = maxDepth
        self.skip = skip
        fieldCount = paths.count
        stride = 2 + 2 * paths.count
        absentFields = Array(repeating: -1, count: 2 * paths.count)
        countAttribute = spec.countAttribute
    }

    /// Interns the configured names in the new parser's dictionary.
    mutating func bind(_ ctxt: xmlParserCtxtPtr) {
        self.ctxt = ctxt
        let dict = ctxt.pointee.dict
        func intern(_ s: String) -> Name { xmlDictLookup(dict, s, -1)! }
        root = intern(spec.root)
        recordName = intern(spec.record)
        var child: [(name: Name, fields: [Int])] = []
        var deep: [(path: [Name], fields: [Int])] = []
        var recordAttr: [(name: Name, field: Int)] = []
        var ancestor: [(element: Name, attributes: [(name: Name, field: Int)])] = []
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
                recordAttr.append((intern(a), i))
            case .ancestorAttribute(let element, let a):
                if element == spec.record { recordAttr.append((intern(a), i)); continue }
                let name = intern(element)
                if let k = ancestor.firstIndex(where: { $0.element == name }) {
                    ancestor[k].attributes.append((intern(a), i))
                } else {
                    ancestor.append((name, [(intern(a), i)]))
                }
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
        ancestorFields = ancestor
    }

    var parserLine: Int {
        guard let input = ctxt?.pointee.input else { return 1 }
        return Int(input.pointee.line)
    }

    var parserColumn: Int {
        guard let input = ctxt?.pointee.input else { return 1 }
        return Int(input.pointee.col)
    }

    /// Hands over the complete records: `freshBytes` and `freshRecords` (empty, reused buffers)
    /// take the state's place, and a record still being read moves into them. Returns how many
    /// records the buffers handed over hold (at their front).
    mutating func swapBuffers(_ freshBytes: inout RawBuffer<UInt8>, _ freshRecords: inout RawBuffer<Int>) -> Int {
        let count = ready
        ready = 0
        if inRecord {
            let shift = recordStart
            freshBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes.buffer[shift...]))
            freshRecords.append(contentsOf: UnsafeBufferPointer(rebasing: records.buffer[slot..<(slot + stride)]))
            for i in 2..<stride where freshRecords[i] >= 0 { freshRecords[i] -= shift }
            for k in 0..<openCaptures { captures[k].start -= shift }
            slot = 0
            recordStart = 0
        }
        swap(&bytes, &freshBytes)
        swap(&records, &freshRecords)
        return count
    }

    mutating func fail(_ error: XMLReadError) {
        if failure == nil { failure = error }
        if let ctxt { xmlStopParser(ctxt) }
    }

    @inline(__always)
    func same(_ a: Name, _ b: Name) -> Bool {
        a == b || (!interned && strcmp(a, b) == 0)
    }

    // MARK: - Elements

    @inline(__always)
    mutating func startElement(_ name: Name, _ attributes: Attributes) {
        let depth = self.depth
        self.depth = depth + 1
        if inRecord {
            if depth > maxDepth { return fail(.tooDeep(line: parserLine, limit: maxDepth)) }
            return matchChild(name, depth: depth)
        }
        startOther(name, depth: depth, attributes)
    }

    mutating func startOther(_ name: Name, depth: Int, _ attributes: Attributes) {
        let line = parserLine
        if depth > maxDepth { return fail(.tooDeep(line: line, limit: maxDepth)) }
        if rootAttributes == nil { return startRoot(name, depth: depth, attributes) }
        while let last = ancestors.last, last.depth >= depth { ancestors.removeLast() }
        if same(name, recordName!) { return startRecord(depth: depth, line: line, attributes) }
        pushAncestor(name, depth: depth, attributes)
    }

    mutating func startRoot(_ name: Name, depth: Int, _ attributes: Attributes) {
        if name != root! {
            guard strcmp(name, root!) == 0 else {
                return fail(.wrongRoot(expected: spec.root, found: String(cString: name)))
            }
            interned = false
        }
        var all: [String: String] = [:]
        attributes.forEach { all[String(cString: $0)] = String(decoding: Attributes.text($1), as: UTF8.self) }
        if let countName = countAttribute, let raw = all[countName] {
            let trimmed = raw.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed()
            guard let n = Int(String(trimmed)), n >= 0 else { return fail(.badDeclaredCount(raw)) }
            declaredCount = n
        }
        rootAttributes = all
        rootStartLine = parserLine
        pushAncestor(name, depth: depth, attributes)
    }

    mutating func pushAncestor(_ name: Name, depth: Int, _ attributes: Attributes) {
        guard let k = ancestorFields.firstIndex(where: { same($0.element, name) }) else { return }
        let wanted = ancestorFields[k].attributes
        var found: [(field: Int, value: [UInt8])] = []
        attributes.forEach { attribute, value in
            for (a, f) in wanted where same(a, attribute) { found.append((f, Attributes.text(value))) }
        }
        ancestors.append((depth, found))  // an empty <ZHSJ/> encloses nothing; its next sibling pops it
    }

    mutating func startRecord(depth: Int, line: Int, _ attributes: Attributes) {
        inRecord = true
        recordDepth = depth
        recordPath.removeAll(keepingCapacity: true)
        openCaptures = 0
        slot = records.count
        recordStart = bytes.count
        records.append(0)  // the number, set when the record is complete
        records.append(line)
        records.append(contentsOf: absentFields)
        for ancestor in ancestors {  // outermost first: the nearest enclosing element wins
            for (f, v) in ancestor.values { set(f, v) }
        }
        if !recordAttributeFields.isEmpty {
            attributes.forEach { attribute, value in
                for (a, f) in recordAttributeFields where same(a, attribute) { set(f, Attributes.text(value)) }
            }
        }
    }

    mutating func set(_ f: Int, _ value: [UInt8]) {
        records[slot + 2 + 2 * f] = bytes.count
        bytes.append(contentsOf: value)
        records[slot + 3 + 2 * f] = bytes.count
    }

    @inline(__always)
    mutating func matchChild(_ name: Name, depth: Int) {
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
                    for k in childFieldRanges[i] { open(childFieldList[k], depth: depth) }
                    return
                }
                i += 1
            }
        } else if relative <= maxChildPathLength {
            for entry in deepFields
            where entry.path.count == relative
                && zip(entry.path, recordPath).allSatisfy({ same($0, $1) })
            {
                for f in entry.fields { open(f, depth: depth) }
            }
        }
    }

    /// Starts capturing field `f` (the first occurrence in a record wins).
    @inline(__always)
    mutating func open(_ f: Int, depth: Int) {
        if records[slot + 2 + 2 * f] >= 0 { return }
        for k in 0..<openCaptures where captures[k].field == f { return }
        if openCaptures == captures.count {
            captures.append((f, depth, bytes.count))
        } else {
            captures[openCaptures] = (f, depth, bytes.count)
        }
        openCaptures += 1
    }

    @inline(__always)
    mutating func endElement() {
        depth -= 1
        guard inRecord else {
            if depth == 0 { rootEndLine = parserLine }
            return
        }
        if depth == recordDepth { return finishRecord() }
        if openCaptures == 0 { return }
        if openCaptures == 1 {  // the usual case: one field element closes
            let c = captures[0]
            if c.depth == depth {
                records[slot + 2 + 2 * c.field] = c.start
                records[slot + 3 + 2 * c.field] = bytes.count
                openCaptures = 0
            }
            return
        }
        var kept = 0
        for j in 0..<openCaptures {  // several fields may capture the same element
            let c = captures[j]
            if c.depth == depth {
                records[slot + 2 + 2 * c.field] = c.start
                records[slot + 3 + 2 * c.field] = bytes.count
            } else {
                captures[kept] = c
                kept += 1
            }
        }
        openCaptures = kept
    }

    @inline(__always)
    mutating func text(_ start: UnsafePointer<xmlChar>, _ count: Int) {
        if openCaptures > 0 { bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count)) }
    }

    mutating func finishRecord() {
        inRecord = false
        openCaptures = 0
        recordsDone += 1
        if recordsDone <= skip {  // handed out already, by the parse this one takes over from
            bytes.removeLast(bytes.count - recordStart)
            records.removeLast(records.count - slot)
            return
        }
        records[slot] = recordsDone
        ready += 1
    }

    // MARK: - Errors

    mutating func record(error: UnsafePointer<xmlError>) {
        let e = error.pointee
        guard firstError == nil, e.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        if e.domain == Int32(XML_FROM_PARSER.rawValue), let raw = e.ctxt {
            let ctxt = raw.assumingMemoryBound(to: xmlParserCtxt.self).pointee
            parserSawDoctype =
                ctxt.inSubset != 0 || ctxt.hasExternalSubset != 0
                || ctxt.myDoc?.pointee.intSubset != nil || ctxt.myDoc?.pointee.extSubset != nil
        }
        var message = e.message.map { String(cString: $0) } ?? "XML error \(e.code)"
        while let last = message.last, last.isWhitespace { message.removeLast() }
        message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        firstError = (Int(e.line), Int(e.int2), message)
    }

    // MARK: - The SAX handler

    @inline(__always)
    static func state(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<SAXState> {
        context.unsafelyUnwrapped.assumingMemoryBound(to: SAXState.self)
    }

    static let errorCallback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        SAXState.state(context).pointee.record(error: error)
    }

    static let charactersCallback: charactersSAXFunc = { context, text, count in
        guard let text, count > 0 else { return }
        SAXState.state(context).pointee.text(text, Int(count))
    }

    /// Element events, text, and the refusals; everything else (the tree builder, entity lookup
    /// and resolution, DTD declarations) is left out.
    static func handler() -> xmlSAXHandler {
        var h = xmlSAXHandler()
        h.initialized = XML_SAX2_MAGIC
        h.startElementNs = { context, localname, _, _, _, _, attributeCount, _, attributes in
            guard let localname else { return }
            SAXState.state(context).pointee.startElement(localname, Attributes(count: Int(attributeCount), base: attributes))
        }
        h.endElementNs = { context, _, _, _ in
            SAXState.state(context).pointee.endElement()
        }
        h.characters = charactersCallback
        h.ignorableWhitespace = charactersCallback
        h.cdataBlock = charactersCallback
        h.internalSubset = { context, _, _, _ in
            let s = SAXState.state(context)
            s.pointee.fail(.doctypeForbidden(line: s.pointee.parserLine))
        }
        h.externalSubset = { context, _, _, _ in
            let s = SAXState.state(context)
            s.pointee.fail(.doctypeForbidden(line: s.pointee.parserLine))
        }
        h.reference = { context, name in
            let s = SAXState.state(context)
            let text = name.map { String(cString: $0) } ?? "?"
            s.pointee.fail(
                .malformed(
                    line: s.pointee.parserLine, column: s.pointee.parserColumn,
                    message: "entity reference &\(text); is not allowed"))
        }
        h.serror = errorCallback
        return h
    }
}

/// The attributes of a start tag as libxml2's SAX2 hands them over: five pointers each (local
/// name, prefix, URI, value start, value end). Namespace declarations are not among them.
struct Attributes {
    let count: Int
    let base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    func forEach(_ body: (UnsafePointer<xmlChar>, UnsafeBufferPointer<xmlChar>) -> Void) {
        guard let base else { return }
        for i in 0..<count {
            let p = base + 5 * i
            guard let name = p[0], let start = p[3], let end = p[4] else { continue }
            body(name, UnsafeBufferPointer(start: start, count: start.distance(to: end)))
        }
    }

    /// An attribute's value. Without entity substitution libxml2 keeps a `&` that came from a
    /// reference (`&amp;`, `&#38;`) as the character reference `&#38;` (every other reference is
    /// already replaced, and a bare `&` is not well-formed): decode it, as libxml2's tree does.
    static func text(_ value: UnsafeBufferPointer<xmlChar>) -> [UInt8] {
        guard let base = value.baseAddress, memchr(base, 0x26, value.count) != nil else { return Array(value) }
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        var i = 0
        while i < value.count {
            if value[i] == 0x26, i + 4 < value.count, value[i + 1] == 0x23, value[i + 2] == 0x33,
                value[i + 3] == 0x38, value[i + 4] == 0x3B
            {
                out.append(0x26)
                i += 5
            } else {
                out.append(value[i])
                i += 1
            }
        }
        return out
    }
}

/// strcmp for libxml2's unsigned strings.
private func strcmp(_ a: UnsafePointer<xmlChar>, _ b: UnsafePointer<xmlChar>) -> Int32 {
    Glibc.strcmp(
        UnsafeRawPointer(a).assumingMemoryBound(to: CChar.self),
        UnsafeRawPointer(b).assumingMemoryBound(to: CChar.self))
}
