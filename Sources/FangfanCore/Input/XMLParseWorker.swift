import CFangfanXML
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How the records of a file end.
enum XMLParseStop: Sendable {
    case end
    case error(XMLReadError)
}

/// One block of parsed records, as the parse thread hands it over (see `SAXState` for the layout).
struct XMLRecordBlock: Sendable {
    var bytes: [UInt8]
    var records: [Int]
    var count: Int
    /// After these records: the end of the document, or the error that stopped it.
    var stop: XMLParseStop?
    /// The root's attributes and declared count, in the first block after the root element.
    var root: (attributes: [String: String], declaredCount: Int?)?
    var consumedFileBytes: Int
}

/// The parse of one file: libxml2's push parser fed block by block from the source, on a thread
/// of its own, with a queue of at most two blocks of records waiting for the reader.
final class XMLParseWorker: @unchecked Sendable {
    // Used by the parse thread only, once it runs.
    private let source: ByteSource
    /// The parse state, shared with the SAX callbacks: allocated here, so the callbacks reach it
    /// through a plain pointer (no reference counting, no exclusivity checks per node).
    private let state: UnsafeMutablePointer<SAXState>
    private var ctxt: xmlParserCtxtPtr?
    private var sax = xmlSAXHandler()
    /// Bytes read from the source, pushed to libxml2 one block at a time.
    private let block: UnsafeMutableRawBufferPointer
    /// The first bytes, held until there are 4 of them: libxml2 detects the encoding from them.
    private var head: [UInt8] = []
    private var prolog = PrologScanner()
    private var bytesRead = 0
    /// What stops the input after the records already parsed.
    private var pending: XMLReadError?
    private var ended = false
    private var rootSent = false

    // Shared with the reader, under `lock`.
    private let lock = NSCondition()
    private var queue: [XMLRecordBlock] = []
    private var spare: [(bytes: [UInt8], records: [Int])] = []
    private var started = false
    private var running = false
    private var cancelled = false

    /// Blocks waiting for the reader, at most.
    static let queueLimit = 2
    /// Bytes pushed to libxml2 per call: large enough to keep the per-call work negligible, small
    /// enough that a block's records stay in the cache while they are validated.
    static let blockSize = 64 << 10

    private static let parserReady: Void = { xmlInitParser() }()
    /// Where libxml2's generic error channel writes while a parser runs (opened once, never closed).
    nonisolated(unsafe) private static let devNull: UnsafeMutableRawPointer? =
        fopen("/dev/null", "w").map { UnsafeMutableRawPointer($0) }

    /// NONET, no error printing. Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE.
    static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue)

    init(source: ByteSource, spec: XMLRecordSpec, paths: [FieldPath], maxDepth: Int) {
        _ = Self.parserReady
        self.source = source
        state = .allocate(capacity: 1)
        state.initialize(to: SAXState(spec: spec, paths: paths, maxDepth: maxDepth))
        block = .allocate(byteCount: Self.blockSize, alignment: 16)
        sax = SAXState.handler()
    }

    deinit {
        if let ctxt { xmlFreeParserCtxt(ctxt) }
        state.deinitialize(count: 1)
        state.deallocate()
        block.deallocate()
    }

    // MARK: - The reader's side

    /// Hands back the reader's spent buffers and waits for the next block of records.
    func exchange(bytes: inout [UInt8], records: inout [Int]) -> XMLRecordBlock {
        var spent = (bytes: [UInt8](), records: [Int]())
        swap(&spent.bytes, &bytes)
        swap(&spent.records, &records)
        lock.lock()
        defer { lock.unlock() }
        if spent.bytes.capacity > 0 { spare.append(spent) }
        if !started {
            started = true
            running = true
            let thread = Thread { [self] in run() }
            thread.name = "fangfan-xml"
            thread.start()
        }
        while queue.isEmpty { lock.wait() }
        let next = queue.removeFirst()
        lock.broadcast()
        bytes = next.bytes
        records = next.records
        return next
    }

    /// Stops the parse thread (if it runs) and waits until it has.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        while running { lock.wait() }
        lock.unlock()
    }

    // MARK: - The parse thread

    private func run() {
        defer {
            lock.lock()
            running = false
            lock.broadcast()
            lock.unlock()
        }
        while true {
            while state.pointee.ready == 0 && pending == nil && !ended {
                lock.lock()
                let stopNow = cancelled
                lock.unlock()
                if stopNow { return }
                feed()
            }
            let next = takeBlock()
            lock.lock()
            while queue.count >= Self.queueLimit && !cancelled { lock.wait() }
            if cancelled { lock.unlock(); return }
            queue.append(next)
            lock.broadcast()
            lock.unlock()
            if next.stop != nil { return }
        }
    }

    /// The records parsed so far, as a block; the state goes on with fresh (reused) buffers.
    private func takeBlock() -> XMLRecordBlock {
        lock.lock()
        var fresh = spare.popLast() ?? (bytes: [UInt8](), records: [Int]())
        lock.unlock()
        fresh.bytes.removeAll(keepingCapacity: true)
        fresh.records.removeAll(keepingCapacity: true)
        let count = state.pointee.swapBuffers(&fresh.bytes, &fresh.records)
        var root: (attributes: [String: String], declaredCount: Int?)?
        if !rootSent, let attributes = state.pointee.rootAttributes {
            rootSent = true
            root = (attributes, state.pointee.declaredCount)
        }
        var stop: XMLParseStop?
        if let pending { stop = .error(pending) } else if ended { stop = .end }
        return XMLRecordBlock(bytes: fresh.bytes, records: fresh.records, count: count, stop: stop,
                              root: root, consumedFileBytes: source.consumedFileBytes)
    }

    /// Reads one block from the source and pushes it to the parser (at the end, finishes the
    /// document); sets `pending` or `ended` when the input stops.
    private func feed() {
        let n: Int
        do {
            n = try source.read(into: block)
        } catch {
            pending = .source(String(describing: error))
            return
        }
        bytesRead += n
        let bytes = UnsafeRawBufferPointer(rebasing: block[0..<n])
        if !prolog.done {
            prolog.scan(bytes)
            if let line = prolog.doctypeLine {
                pending = .doctypeForbidden(line: line)  // not one byte of the DOCTYPE reaches the parser
                return
            }
        }
        if bytesRead == 0 {
            pending = .malformed(line: 1, column: 1, message: "the file is empty")
            return
        }
        let atEnd = n == 0
        if ctxt == nil {
            head.append(contentsOf: bytes)
            if head.count < 4 && !atEnd { return }
        }

        // Errors libxml2 raises without a parser context (I/O, encoding conversion) go to the
        // thread's global handler: point it at this parse while the parser runs.
        // A few messages go to the generic (printf-style) channel instead, e.g. "xmlParseChunk:
        // encoder error": send those to /dev/null (the structured error says the same, better).
        let savedHandler = __xmlStructuredError().pointee
        let savedContext = __xmlStructuredErrorContext().pointee
        let genericHandler = __xmlGenericError()
        let genericContext = __xmlGenericErrorContext()
        let savedGenericHandler = genericHandler?.pointee
        let savedGenericContext = genericContext?.pointee
        xmlSetStructuredErrorFunc(UnsafeMutableRawPointer(state), SAXState.errorCallback)
        if let sink = Self.devNull { xmlSetGenericErrorFunc(sink, nil) }  // nil: libxml2's fprintf handler
        defer {
            xmlSetStructuredErrorFunc(savedContext, savedHandler)
            genericHandler?.pointee = savedGenericHandler ?? nil
            genericContext?.pointee = savedGenericContext ?? nil
        }

        if ctxt == nil {
            // As libxml2's own readers do: the first 4 bytes create the parser (encoding detection).
            let first = head.count >= 4 ? 4 : 0
            let created = head.withUnsafeBufferPointer { h in
                h.baseAddress!.withMemoryRebound(to: CChar.self, capacity: h.count) {
                    xmlCreatePushParserCtxt(&sax, UnsafeMutableRawPointer(state), first > 0 ? $0 : nil, Int32(first), nil)
                }
            }
            guard let created else {
                pending = .malformed(line: 1, column: 1, message: "the XML parser could not start on this input")
                return
            }
            ctxt = created
            xmlCtxtUseOptions(created, Self.options)
            state.pointee.bind(created)
            let rest = head.count - first
            if rest > 0 || atEnd {
                head.withUnsafeBufferPointer { h in
                    h.baseAddress!.withMemoryRebound(to: CChar.self, capacity: h.count) {
                        _ = xmlParseChunk(created, $0 + first, Int32(rest), atEnd ? 1 : 0)
                    }
                }
            }
            head = []
        } else if let ctxt {
            _ = xmlParseChunk(ctxt, block.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(n), atEnd ? 1 : 0)
        }
        check(atEnd: atEnd)
    }

    /// After a push: did a callback refuse the input, or libxml2 stop on an error?
    private func check(atEnd: Bool) {
        guard let ctxt else { return }
        let s = state
        if let error = s.pointee.failure {
            pending = error
        } else if ctxt.pointee.disableSAX != 0
                    || (atEnd && (s.pointee.firstError != nil || ctxt.pointee.wellFormed == 0)) {
            pending = malformed()
        } else if atEnd {
            if s.pointee.rootAttributes == nil {
                pending = .malformed(line: 1, column: 1, message: "the document has no root element")
            } else {
                ended = true
            }
        }
    }

    private func malformed() -> XMLReadError {
        let s = state.pointee
        let parserLine = s.parserLine
        let parserColumn = s.parserColumn
        guard let e = s.firstError else {
            if s.parserSawDoctype { return .doctypeForbidden(line: parserLine) }
            return .malformed(line: parserLine, column: parserColumn,
                              message: "the XML parser stopped (malformed or undecodable input)")
        }
        if s.parserSawDoctype { return .doctypeForbidden(line: e.line > 0 ? e.line : parserLine) }
        if e.line <= 0 {  // raised without a position (e.g. encoding conversion): the parser's own
            return .malformed(line: parserLine, column: parserColumn, message: e.message)
        }
        return .malformed(line: e.line, column: e.column, message: e.message)
    }
}
