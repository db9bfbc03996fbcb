import CFangfanXML

#if canImport(Glibc)
import Glibc
#endif

/// A forward-only XML reader over libxml2's xmlTextReader, with safe settings: no network,
/// no DTD loading, no entity expansion, a document with a DOCTYPE refused, bounded depth,
/// errors recorded (with line and column) instead of printed on stderr.
final class XMLPullParser {
    enum Event {
        /// An element starts: read its name and attributes from the parser, during the callback only.
        /// Every start has its end, also for an empty element `<x/>`.
        case start(XMLPullParser)
        case end(String)
        case text(String)
    }

    private let reader: xmlTextReaderPtr
    private let part: String
    /// The last error libxml2 reported, for the message when reading fails.
    private var lastError: (line: Int, column: Int, message: String)?

    /// Parses `bytes` and calls `handle` for each element start, element end and text node.
    static func parse(_ bytes: [UInt8], part: String, maxDepth: Int, handle: (Event) throws -> Void) throws {
        _ = initialized
        try bytes.withUnsafeBufferPointer { buffer in
            // libxml2 parses a DTD's internal subset, and may check entities against the body, before it
            // reports the DOCTYPE node: refuse a DOCTYPE before libxml2 sees it. The node check in `run`
            // remains for encodings this byte search cannot see (UTF-16).
            if containsDoctype(buffer) { throw XLSXError.doctype(part: part) }
            // libxml2 reads from this buffer without copying it: the parser must not outlive the closure.
            let parser = try XMLPullParser(buffer, part: part)
            try withExtendedLifetime(parser) { try parser.run(maxDepth: maxDepth, handle) }
        }
    }

    private static func containsDoctype(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let needle = Array("<!DOCTYPE".utf8)
        guard let base = buffer.baseAddress else { return false }
        var p = 0
        while let hit = memchr(base + p, Int32(needle[0]), buffer.count - p) {
            p = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if buffer[p...].starts(with: needle) { return true }
            p += 1
        }
        return false
    }

    private init(_ buffer: UnsafeBufferPointer<UInt8>, part: String) throws {
        self.part = part
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        guard let base = buffer.baseAddress, buffer.count > 0, buffer.count <= Int(Int32.max) else {
            throw XLSXError.xml(part: part, line: 1, column: 1, message: "the part is empty or larger than 2 GiB")
        }
        let chars = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
        guard let reader = xmlReaderForMemory(chars, Int32(buffer.count), part, nil, options) else {
            throw XLSXError.xml(part: part, line: 0, column: 0, message: "libxml2 cannot create a reader")
        }
        self.reader = reader
        xmlTextReaderSetStructuredErrorHandler(
            reader,
            { context, error in
                guard let context, let error else { return }
                let parser = Unmanaged<XMLPullParser>.fromOpaque(context).takeUnretainedValue()
                let e = error.pointee
                if e.level.rawValue >= XML_ERR_ERROR.rawValue {
                    let message = e.message.map { String(cString: $0) } ?? "error \(e.code)"
                    parser.lastError = (Int(e.line), Int(e.int2), message.trimmingASCIISpaces)
                }
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { xmlFreeTextReader(reader) }

    private func run(maxDepth: Int, _ handle: (Event) throws -> Void) throws {
        while true {
            let rc = xmlTextReaderRead(reader)
            if rc == 0 { return }
            if rc < 0 { throw xmlError() }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                if Int(xmlTextReaderDepth(reader)) >= maxDepth { throw XLSXError.tooDeep(part: part, limit: maxDepth) }
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                try handle(.start(self))
                if empty { try handle(.end(localName)) }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                try handle(.end(localName))
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                try handle(.text(string(xmlTextReaderConstValue(reader))))
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue), Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                throw XLSXError.doctype(part: part)
            default:
                break
            }
        }
    }

    private func xmlError() -> XLSXError {
        let e =
            lastError ?? (
                Int(xmlTextReaderGetParserLineNumber(reader)), Int(xmlTextReaderGetParserColumnNumber(reader)),
                "malformed XML"
            )
        return .xml(part: part, line: e.line, column: e.column, message: e.message)
    }

    var localName: String { string(xmlTextReaderConstLocalName(reader)) }

    /// An attribute without a namespace prefix, e.g. `r` of `<c r="B3">`.
    func attribute(_ name: String) -> String? {
        guard xmlTextReaderMoveToAttribute(reader, name) == 1 else { return nil }
        defer { xmlTextReaderMoveToElement(reader) }
        return string(xmlTextReaderConstValue(reader))
    }

    /// An attribute in any namespace, by local name, e.g. `r:id` of `<sheet>`.
    func namespacedAttribute(_ localName: String) -> String? {
        defer { xmlTextReaderMoveToElement(reader) }
        var rc = xmlTextReaderMoveToFirstAttribute(reader)
        while rc == 1 {
            if xmlTextReaderConstNamespaceUri(reader) != nil && string(xmlTextReaderConstLocalName(reader)) == localName {
                return string(xmlTextReaderConstValue(reader))
            }
            rc = xmlTextReaderMoveToNextAttribute(reader)
        }
        return nil
    }

    private func string(_ p: UnsafePointer<xmlChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }

    /// libxml2 must be initialised once before threads use it.
    private static let initialized: Void = xmlInitParser()
}
