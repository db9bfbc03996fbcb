import CFangfanXML
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// Streaming reader for the record-shaped XML feeds (medical, civil, disaster).
//
// Bytes are pulled from a `ByteSource` (so a `.gz` file goes through the capped `InflateByteSource`)
// in large blocks and handed to libxml2's SAX2 pull parser as it asks for input; its callbacks copy the text of the
// wanted elements straight from libxml2's buffers into one byte buffer per block of records, so no
// tree node and no String is made per element. The parse runs on its own thread, a bounded number
// of blocks ahead of the caller. Memory stays flat whatever the file size: only a few blocks of
// records are held. Hardening:
// - the parser options never include NOENT, DTDLOAD, DTDATTR, DTDVALID or XINCLUDE, and include NONET;
//   the SAX handler has no entity resolver and no entity lookup;
// - a `<!DOCTYPE` is refused before libxml2 sees it: the raw prolog bytes are scanned before they are
//   handed over (in both accepted encodings, UTF-8 and GB18030, the bytes of `<!DOCTYPE` can only mean
//   those characters) and the input stops there, so no entity declaration is ever parsed (billion
//   laughs, quadratic blowup, external entities). A DOCTYPE that still arrives (e.g. in a UTF-16
//   file) stops the parser from its internal-subset callback, before the subset is parsed, and an
//   entity reference callback is refused the same way;
// - element depth is bounded;
// - libxml2's messages are captured (first error, with line and column), never printed.

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

/// Reads the records of one XML file, one at a time, in constant memory.
///
/// The parse runs on a thread of its own, at most two blocks of records ahead of the caller (so a
/// file is parsed on one core while its records are validated on the other); the records, errors
/// and end come out in document order exactly as a single-threaded parse would give them.
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
    /// Bytes of the underlying file the parse had consumed when the current block of records was
    /// parsed (for progress; the source itself is read on the parse thread).
    public private(set) var consumedFileBytes = 0

    private let worker: XMLBlockProducer
    private let fieldCount: Int
    private let stride: Int
    // The block of records being handed out.
    private var bytes = RawBuffer<UInt8>()
    private var records = RawBuffer<Int>()
    private var count = 0
    private var stop: XMLParseStop?
    private var index = 0
    /// Offset of the current record in `records` (-1: none).
    private var current = -1
    private var failure: XMLReadError?
    private var finished = false
    private var seenCount = 0

    /// `reopen`: opens the same bytes again from their start. With it the document is parsed in
    /// pieces on both cores (`XMLParallelParse`, about `pieceBytes` each), and read again in sequence
    /// only where a piece does not parse cleanly; without it, in sequence on one parse thread.
    public init(
        source: ByteSource, spec: XMLRecordSpec, maxDepth: Int = 32,
        reopen: (() throws -> ByteSource)? = nil, pieceBytes: Int = 1 << 20
    ) throws {
        self.spec = spec
        self.maxDepth = maxDepth
        let paths = try spec.fields.map { try FieldPath($0.path) }
        fieldCount = paths.count
        stride = 2 + 2 * paths.count
        if let reopen {
            worker = XMLParallelParse(
                source: source, reopen: reopen, spec: spec, paths: paths, maxDepth: maxDepth,
                pieceBytes: pieceBytes)
        } else {
            worker = XMLParseWorker(source: source, spec: spec, paths: paths, maxDepth: maxDepth)
        }
    }

    /// For tests: pieces parsed on both cores and handed out, and whether a sequential parse took over.
    var parallelPieces: (handed: Int, tookOver: Bool)? {
        (worker as? XMLParallelParse).map { ($0.piecesHanded, $0.tookOver) }
    }

    deinit {
        worker.cancel()  // stops the parse thread, and waits for it (no work outlives the reader)
    }

    /// The next record, or nil at the end of the document. After an error every call rethrows it.
    /// Records before a fault may be handed out before the error: a caller that rejects bad files
    /// whole must read to the end (nil) before accepting any.
    public func next() throws -> XMLRecord? {
        guard try advance() else { return nil }
        let values = withValues { fields in
            (0..<fieldCount).map { fields.value($0).map { String(decoding: $0, as: UTF8.self) } }
        }
        return XMLRecord(number: currentNumber, line: currentLine, values: values)
    }

    /// Moves to the next record without building its values: read them with `withValues`,
    /// `currentNumber` and `currentLine` until the next call. False at the end of the document.
    /// Errors as `next()`.
    func advance() throws -> Bool {
        if let failure { throw failure }
        if finished { return false }
        while true {
            if index < count {
                current = index * stride
                index += 1
                recordsRead += 1
                if seenCount < fieldCount { noteFieldsSeen() }
                return true
            }
            current = -1
            switch stop {
            case .error(let error)?:
                failure = error
                throw error
            case .end?:
                finished = true
                return false
            case nil:
                break
            }
            // The next block: the spent buffers go back to the parse thread for reuse.
            let block = worker.exchange(bytes: &bytes, records: &records)
            count = block.count
            stop = block.stop
            index = 0
            // never backwards: a sequential parse that takes over from the pieces reads the file again
            consumedFileBytes = max(consumedFileBytes, block.consumedFileBytes)
            if let root = block.root {
                rootAttributes = root.attributes
                declaredCount = root.declaredCount
            }
        }
    }

    /// 1-based index of the current record in the file.
    var currentNumber: Int { records[current] }
    /// Line of the current record's start tag (where the start tag ends).
    var currentLine: Int { records[current + 1] }

    /// Calls `body` with the current record's fields in place (`XMLRecordFields.value`), valid during
    /// `body` only.
    func withValues<R>(_ body: (XMLRecordFields) throws -> R) rethrows -> R {
        try body(XMLRecordFields(bytes: bytes.buffer, records: records.buffer, at: current))
    }

    private func noteFieldsSeen() {
        for f in 0..<fieldCount where !fieldsSeen.contains(f) && records[current + 2 + 2 * f] >= 0 {
            fieldsSeen.insert(f)
            seenCount += 1
        }
    }
}

/// The current record's fields in place (see `XMLRecordReader.withValues`).
struct XMLRecordFields {
    let bytes: UnsafeBufferPointer<UInt8>
    let records: UnsafeBufferPointer<Int>
    let at: Int

    /// Field `f` (index in `spec.fields`): nil = absent, empty = present but empty. Not trimmed.
    @inline(__always)
    func value(_ f: Int) -> UnsafeBufferPointer<UInt8>? {
        let start = records[at + 2 + 2 * f]
        return start < 0 ? nil : UnsafeBufferPointer(rebasing: bytes[start..<records[at + 3 + 2 * f]])
    }
}
