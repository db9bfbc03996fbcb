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
    var bytes: RawBuffer<UInt8>
    var records: RawBuffer<Int>
    var count: Int
    /// After these records: the end of the document, or the error that stopped it.
    var stop: XMLParseStop?
    /// The root's attributes and declared count, in the first block after the root element.
    var root: (attributes: [String: String], declaredCount: Int?)?
    var consumedFileBytes: Int
}

/// Where an `XMLRecordReader` gets its blocks of records: one parse thread (`XMLParseWorker`), or
/// pieces of the document parsed on both cores (`XMLParallelParse`).
protocol XMLBlockProducer: AnyObject {
    /// Hands back the reader's spent buffers and waits for the next block of records.
    func exchange(bytes: inout RawBuffer<UInt8>, records: inout RawBuffer<Int>) -> XMLRecordBlock
    /// Stops the parse (if it runs) and waits until it has.
    func cancel()
}

/// The parse of one file: libxml2's pull parser reading block by block from the source, on a thread
/// of its own, with a queue of at most two blocks of records waiting for the reader.
final class XMLParseWorker: XMLBlockProducer, @unchecked Sendable {
    // Used by the parse thread only, once it runs.
    private let source: ByteSource
    /// The parse state, shared with the SAX callbacks: allocated here, so the callbacks reach it
    /// through a plain pointer (no reference counting, no exclusivity checks per node).
    private let state: UnsafeMutablePointer<SAXState>
    private var ctxt: xmlParserCtxtPtr?
    private var sax = xmlSAXHandler()
    /// Bytes read from the source, a block at a time, handed to libxml2 as it asks: `block[blockStart..<blockEnd]`
    /// is what it has not had yet.
    private let block: UnsafeMutableRawBufferPointer
    private var blockStart = 0, blockEnd = 0
    private var prolog = PrologScanner()
    private var bytesRead = 0
    /// What stops the input after the records already parsed.
    private var pending: XMLReadError?
    private var ended = false
    private var rootSent = false

    // Shared with the reader, under `lock`.
    private let lock = NSCondition()
    private var queue: [XMLRecordBlock] = []
    private var spare: [(bytes: RawBuffer<UInt8>, records: RawBuffer<Int>)] = []
    private var thread: BackgroundTask<Void>?
    private var cancelled = false

    /// Blocks waiting for the reader, at most.
    static let queueLimit = 2
    /// Bytes read from the source at a time, and the field bytes gathered before records go to the
    /// reader: large enough to keep the per-block work negligible, small enough that a block's records
    /// stay in the cache while they are validated.
    static let blockSize = 256 << 10

    static let parserReady: Void = { xmlInitParser() }()
    /// Where libxml2's generic error channel writes while a parser runs (opened once, never closed).
    nonisolated(unsafe) static let devNull: UnsafeMutableRawPointer? =
        fopen("/dev/null", "w").map { UnsafeMutableRawPointer($0) }

    /// NONET, no error printing. Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE.
    static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue)

    /// `skip`: the first records of the document are parsed but not handed out (they were, by the
    /// parallel parse this one takes over from).
    init(source: ByteSource, spec: XMLRecordSpec, paths: [FieldPath], maxDepth: Int, skip: Int = 0) {
        _ = Self.parserReady
        self.source = source
        state = .allocate(capacity: 1)
        state.initialize(to: SAXState(spec: spec, paths: paths, maxDepth: maxDepth, skip: skip))
        state.pointee.bytes.reserveCapacity(Self.blockSize + 16 << 10)
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
    func exchange(bytes: inout RawBuffer<UInt8>, records: inout RawBuffer<Int>) -> XMLRecordBlock {
        lock.lock()
        defer { lock.unlock() }
        spare.append((bytes, records))
        if thread == nil { thread = BackgroundTask(name: "fangfan-xml") { [self] in run() } }
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
        let running = thread
        lock.unlock()
        try? running?.wait()
    }

    // MARK: - The parse thread

    private var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Queues a block of records for the reader, waiting while the queue is full; false when cancelled.
    private func handOver(_ next: XMLRecordBlock) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while queue.count >= Self.queueLimit && !cancelled { lock.wait() }
        if cancelled { return false }
        queue.append(next)
        lock.broadcast()
        return true
    }

    /// libxml2's pull parser over `read(into:_:)`: it asks for input as it needs it, which spares the
    /// push parser's look-ahead scans of every start tag (UTF-8: 0.44 → 0.37 s for the county medical
    /// feed with empty callbacks; GB18030: 0.85 → 0.52 s).
    private func run() {
        // Errors libxml2 raises without a parser context (I/O, encoding conversion) go to the
        // thread's global handler: point it at this parse while the parser runs.
        // A few messages go to the generic (printf-style) channel instead, e.g. "encoder error":
        // send those to /dev/null (the structured error says the same, better).
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

        let me = Unmanaged.passUnretained(self).toOpaque()
        if let created = xmlCreateIOParserCtxt(
            &sax, UnsafeMutableRawPointer(state), Self.readCallback, Self.closeCallback,
            me, XML_CHAR_ENCODING_NONE)
        {
            ctxt = created
            xmlCtxtUseOptions(created, Self.options)
            state.pointee.bind(created)
            if pending == nil { _ = xmlParseDocument(created) }
            if pending == nil { checkEnd() }
        } else if pending == nil {
            pending = .malformed(line: 1, column: 1, message: "the XML parser could not start on this input")
        }
        if isCancelled { return }
        _ = handOver(takeBlock())
    }

    /// The records parsed so far, as a block; the state goes on with fresh (reused) buffers.
    private func takeBlock() -> XMLRecordBlock {
        lock.lock()
        var fresh = spare.popLast() ?? (bytes: RawBuffer<UInt8>(), records: RawBuffer<Int>())
        lock.unlock()
        fresh.bytes.removeAll()
        fresh.records.removeAll()
        fresh.bytes.reserveCapacity(Self.blockSize + 16 << 10)
        let count = state.pointee.swapBuffers(&fresh.bytes, &fresh.records)
        var root: (attributes: [String: String], declaredCount: Int?)?
        if !rootSent, let attributes = state.pointee.rootAttributes {
            rootSent = true
            root = (attributes, state.pointee.declaredCount)
        }
        var stop: XMLParseStop?
        if let pending { stop = .error(pending) } else if ended { stop = .end }
        return XMLRecordBlock(
            bytes: fresh.bytes, records: fresh.records, count: count, stop: stop,
            root: root, consumedFileBytes: source.consumedFileBytes)
    }

    private static let readCallback: xmlInputReadCallback = { context, buffer, length in
        guard let context, let buffer else { return -1 }
        return Unmanaged<XMLParseWorker>.fromOpaque(context).takeUnretainedValue().read(into: buffer, Int(length))
    }

    private static let closeCallback: xmlInputCloseCallback = { _ in 0 }

    /// libxml2 asks for more input (4,000 bytes at a time). First the records parsed so far go to the
    /// reader, once a block's worth has gathered; then the next bytes come out of `block`, refilled from
    /// the source a block at a time and scanned for a DOCTYPE before libxml2 sees one byte of it. -1
    /// (libxml2 stops) when the input stops: an error of the source, a DOCTYPE, an empty file, a cancel.
    private func read(into buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32 {
        if state.pointee.ready > 0 && state.pointee.bytes.count >= Self.blockSize {
            if !handOver(takeBlock()) { return -1 }
        } else if isCancelled {
            return -1
        }
        // as many bytes as asked for, short only at the end: libxml2's pull parser takes a short read for
        // the end of what it can look ahead at (a source may hand over a few bytes at a time)
        var given = 0
        while given < length {
            if blockStart == blockEnd {
                let n: Int
                do {
                    n = try source.read(into: block)
                } catch {
                    pending = .source(String(describing: error))
                    return -1
                }
                bytesRead += n
                if n == 0 {
                    if bytesRead == 0 {
                        pending = .malformed(line: 1, column: 1, message: "the file is empty")
                        return -1
                    }
                    break
                }
                if !prolog.done {
                    prolog.scan(UnsafeRawBufferPointer(rebasing: block[0..<n]))
                    if let line = prolog.doctypeLine {
                        pending = .doctypeForbidden(line: line)  // not one byte of the DOCTYPE reaches the parser
                        return -1
                    }
                }
                blockStart = 0
                blockEnd = n
            }
            let k = min(length - given, blockEnd - blockStart)
            memcpy(buffer + given, block.baseAddress! + blockStart, k)
            blockStart += k
            given += k
        }
        return Int32(given)
    }

    /// After the parse: did a callback refuse the input, or libxml2 stop on an error? Else the end.
    private func checkEnd() {
        guard let ctxt else { return }
        let s = state
        if let error = s.pointee.failure {
            pending = error
        } else if ctxt.pointee.disableSAX != 0 || s.pointee.firstError != nil || ctxt.pointee.wellFormed == 0 {
            pending = malformed()
        } else if s.pointee.rootAttributes == nil {
            pending = .malformed(line: 1, column: 1, message: "the document has no root element")
        } else {
            ended = true
        }
    }

    private func malformed() -> XMLReadError {
        let s = state.pointee
        let parserLine = s.parserLine
        let parserColumn = s.parserColumn
        guard let e = s.firstError else {
            if s.parserSawDoctype { return .doctypeForbidden(line: parserLine) }
            return .malformed(
                line: parserLine, column: parserColumn,
                message: "the XML parser stopped (malformed or undecodable input)")
        }
        if s.parserSawDoctype { return .doctypeForbidden(line: e.line > 0 ? e.line : parserLine) }
        if e.line <= 0 {  // raised without a position (e.g. encoding conversion): the parser's own
            return .malformed(line: parserLine, column: parserColumn, message: e.message)
        }
        return .malformed(line: e.line, column: e.column, message: e.message)
    }
}
