import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A piece of an XML document that a parser of its own can read as a whole document: the bytes
/// between two cuts after top-level elements (children of the root), with a copy of the document's
/// head (everything up to the end of the root's start tag) before them unless the piece is the
/// first, and the root's end tag after them unless it is the last.
struct XMLPiece {
    var index: Int
    var bytes: [UInt8]
    var isLast: Bool
    /// The head declares GB18030: the piece may be decoded with `GB18030Table` before it is parsed.
    var gb18030: Bool
    /// Bytes of the underlying file read when the piece was cut (for progress).
    var consumedFileBytes: Int
}

/// Reads a document from its source and cuts it into `XMLPiece`s of about `pieceBytes` each.
///
/// The cuts are found by a search, not by a parse: after the end tag of the element that the
/// first top-level elements are (`</JL>`). The search can be fooled (the same text inside a comment,
/// a CDATA section, an attribute value, or a deeper element of that name), but then the pieces are
/// not each well-formed, and `XMLParallelParse` checks that every piece is: the state of a parser
/// after a piece is the same as in the whole document, so a well-formed piece ends where the whole
/// document is back in the root's content, and the pieces together parse exactly as the document does.
/// Where it is unsure (no head it can copy, a DOCTYPE, no top-level element closed in the first bytes,
/// no cut within `searchLimit`), it gives up and the sequential parser takes the document from its start.
final class XMLPieceCutter {
    enum Next {
        case piece(XMLPiece)
        /// Cut no further: parse the rest of the document (from its start) in sequence.
        case giveUp
    }

    let source: ByteSource
    let pieceBytes: Int
    /// The head must end within this many bytes (a copy of it starts every piece).
    static let headLimit = 64 << 10
    /// Past a piece's size, how far to look for a cut before giving up.
    static let searchLimit = 4 << 20
    static let readSize = 256 << 10

    /// Bytes read and not yet cut.
    private var buffer: [UInt8] = []
    private let block: UnsafeMutableRawBufferPointer
    private var atEnd = false
    private var head: [UInt8] = []
    private var rootEnd: [UInt8] = []
    /// `</NAME` of the top-level elements cut after.
    private var endTag: [UInt8] = []
    private var index = 0
    private var done = false
    private var gb18030 = false

    init(source: ByteSource, pieceBytes: Int) {
        self.source = source
        self.pieceBytes = max(1, pieceBytes)
        block = .allocate(byteCount: Self.readSize, alignment: 16)
    }

    deinit { block.deallocate() }

    /// Pieces cut so far: the index of the next.
    var piecesCut: Int { index }

    /// The next piece; nil after the last one (or after giving up).
    func next() -> Next? {
        if done { return nil }
        do {
            guard let piece = try cut() else {
                done = true
                return .giveUp
            }
            if piece.isLast { done = true }
            return .piece(piece)
        } catch {
            done = true  // the sequential parse reads the source again, and reports its error
            return .giveUp
        }
    }

    private func cut() throws -> XMLPiece? {
        let target = pieceBytes
        try fill(to: index == 0 ? max(target + 1, Self.readSize) : target + 1)
        if buffer.count <= target {  // the rest is the last piece
            return take(upTo: buffer.count, last: true)
        }
        if index == 0 {
            guard learnHead() else { return nil }
        }
        var from = index == 0 ? max(target, head.count) : target
        while true {
            if let (end, more) = findCut(from: from) {
                if !more { return take(upTo: end, last: false) }
                from = end  // a match that runs into the end of what was read: read on, look again
            } else {
                from = max(from, buffer.count - endTag.count + 1)
            }
            if atEnd { return take(upTo: buffer.count, last: true) }
            if buffer.count - target > Self.searchLimit { return nil }
            try fill(to: buffer.count + Self.readSize)
        }
    }

    /// The first `</NAME` at or after `from` followed by `>`, or by blanks and `>`: the offset after
    /// the `>`. `more`: the match runs into the end of what was read (look again from the returned offset).
    private func findCut(from: Int) -> (Int, more: Bool)? {
        let n = buffer.count
        let tag = endTag
        return buffer.withUnsafeBufferPointer { b -> (Int, more: Bool)? in
            var at = from
            while at < n {
                guard let p = tag.withUnsafeBytes({ Self.search(b, $0, from: at) }) else { return nil }
                var q = p + tag.count
                while q < n && Self.isBlank(b[q]) { q += 1 }
                if q == n { return (p, true) }
                if b[q] == 0x3E && (q == p + tag.count || Self.isBlank(b[p + tag.count])) { return (q + 1, false) }
                at = p + 1
            }
            return nil
        }
    }

    private func take(upTo end: Int, last: Bool) -> XMLPiece {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((index > 0 ? head.count : 0) + end + rootEnd.count)
        if index > 0 { bytes += head }
        bytes += buffer[0..<end]
        if !last { bytes += rootEnd }
        let piece = XMLPiece(
            index: index, bytes: bytes, isLast: last, gb18030: gb18030,
            consumedFileBytes: source.consumedFileBytes)
        index += 1
        buffer.removeFirst(end)
        return piece
    }

    private func fill(to count: Int) throws {
        guard !atEnd, buffer.count < count else { return }
        buffer.reserveCapacity(count + Self.readSize)
        while buffer.count < count {
            let n = try source.read(into: block)
            if n == 0 {
                atEnd = true
                return
            }
            buffer += UnsafeRawBufferPointer(rebasing: block[0..<n])
        }
    }

    /// Finds the head and the name to cut after, in the first bytes read.
    private func learnHead() -> Bool {
        let found = buffer.withUnsafeBufferPointer { b -> (head: Int, root: Range<Int>, name: [UInt8])? in
            guard let (headEnd, root) = Self.findHead(UnsafeBufferPointer(rebasing: b[0..<min(b.count, Self.headLimit)])),
                let name = Self.topLevelName(
                    UnsafeBufferPointer(rebasing: b[0..<min(b.count, headEnd + Self.readSize)]),
                    from: headEnd)
            else { return nil }
            return (headEnd, root, name)
        }
        guard let found else { return false }
        head = Array(buffer[0..<found.head])
        gb18030 = head.withUnsafeBufferPointer { GB18030Table.declared(inHead: $0) }
        rootEnd = Array("</".utf8) + buffer[found.root] + [0x3E]
        endTag = Array("</".utf8) + found.name
        return true
    }

    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    static func isNameEnd(_ b: UInt8) -> Bool { isBlank(b) || b == 0x3E || b == 0x2F }

    /// Where the root's start tag ends (the offset after its `>`) and the range of its name, found by
    /// the `PrologScanner` that guards the sequential parse. nil for a DOCTYPE (or anything else that
    /// stops that scan before the root), a NUL byte (UTF-16), a root without content (`<ROOT/>`), or a
    /// head that does not end within the bytes. (Anything else odd before the root, libxml2 rejects in
    /// the first piece, which hands the file to the sequential parse.)
    static func findHead(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Range<Int>)? {
        let n = b.count
        if n == 0 || memchr(b.baseAddress!, 0, n) != nil { return nil }
        var prolog = PrologScanner()
        prolog.scan(UnsafeRawBufferPointer(b))
        guard prolog.doctypeLine == nil, let open = prolog.rootStart else { return nil }
        var j = open + 1
        while j < n && !isNameEnd(b[j]) { j += 1 }
        guard j > open + 1, let close = tagEnd(b, from: j), b[close - 1] != 0x2F else { return nil }
        return (close + 1, (open + 1)..<j)
    }

    /// The name of the elements most often closed at the top level of the root's content, in the
    /// bytes from `from` (a lexical scan: comments, CDATA sections, processing instructions and
    /// quoted attribute values are skipped). Ties go to the name seen first.
    static func topLevelName(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> [UInt8]? {
        let n = b.count
        var depth = 0
        var counts: [[UInt8]: Int] = [:]
        var order: [[UInt8]] = []
        func count(_ name: Range<Int>) {
            let key = Array(b[name])
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        var i = from
        scan: while let lt = memchr(b.baseAddress! + i, 0x3C, n - i) {
            let p = b.baseAddress!.distance(to: lt.assumingMemoryBound(to: UInt8.self))
            guard p + 1 < n else { break }
            switch b[p + 1] {
            case 0x21:
                if starts(b, "<!--", at: p), let end = find(b, "-->", from: p + 4) {
                    i = end
                } else if starts(b, "<![CDATA[", at: p), let end = find(b, "]]>", from: p + 9) {
                    i = end
                } else {
                    break scan
                }
            case 0x3F:
                guard let end = find(b, "?>", from: p + 2) else { break scan }
                i = end
            case 0x2F:
                var j = p + 2
                while j < n && !isNameEnd(b[j]) { j += 1 }
                guard let close = tagEnd(b, from: j) else { break scan }
                depth -= 1
                if depth < 0 { break scan }  // the root's end
                if depth == 0 { count((p + 2)..<j) }
                i = close + 1
            default:
                var j = p + 1
                while j < n && !isNameEnd(b[j]) { j += 1 }
                guard j > p + 1, let close = tagEnd(b, from: j) else { break scan }
                if b[close - 1] == 0x2F {
                    if depth == 0 { count((p + 1)..<j) }
                } else {
                    depth += 1
                }
                i = close + 1
            }
        }
        guard let best = counts.values.max() else { return nil }
        return order.first { counts[$0] == best }
    }

    /// The `>` that ends a tag, from inside it (quoted attribute values may hold `>`).
    static func tagEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        var quote: UInt8 = 0
        while i < b.count {
            let c = b[i]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == 0x22 || c == 0x27 {
                quote = c
            } else if c == 0x3E {
                return i
            } else if c == 0x3C {
                return nil
            }
            i += 1
        }
        return nil
    }

    static func starts(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString, at i: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        return i + n <= b.count && memcmp(b.baseAddress! + i, s.utf8Start, n) == 0
    }

    /// The offset after the first `s` at or after `from`.
    static func find(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString, from: Int) -> Int? {
        search(b, UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), from: from)
            .map { $0 + s.utf8CodeUnitCount }
    }

    /// The offset of the first `needle` at or after `from` (memchr for its first byte, then memcmp).
    static func search(_ b: UnsafeBufferPointer<UInt8>, _ needle: UnsafeRawBufferPointer, from: Int) -> Int? {
        let m = needle.count
        guard m > 0, let base = b.baseAddress else { return nil }
        let first = Int32(needle[0])
        var at = from
        while at + m <= b.count {
            guard let hit = memchr(base + at, first, b.count - m + 1 - at) else { return nil }
            let p = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + p, needle.baseAddress!, m) == 0 { return p }
            at = p + 1
        }
        return nil
    }
}
