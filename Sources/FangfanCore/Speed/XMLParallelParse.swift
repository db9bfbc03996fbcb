import CFangfanXML
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The parse of one file on both cores: `XMLPieceCutter` cuts the document into pieces, two threads
/// each parse a piece at a time with a libxml2 parser of its own, and the reader takes the pieces'
/// records in document order, renumbered (record numbers and lines as in the whole document).
///
/// Every piece must parse cleanly: well-formed, no error or warning raised as an error, no refusal
/// by a callback, and (all but the last) ending in the root's content. The first piece that does
/// not, or a cutter that gives up, hands the document to the sequential `XMLParseWorker`: it reads
/// the file again from its start (`reopen`) and skips the records already handed out, so the records,
/// the error and its position are exactly those of a sequential parse, whatever made the piece fail.
///
/// libxml2 alone (a C harness, empty callbacks) takes 0.36 s over the county medical feed in UTF-8
/// and 0.51 s in GB18030 as one pull parse, 0.19 s and 0.26 s in 1 MB pieces on two threads.
final class XMLParallelParse: XMLBlockProducer, @unchecked Sendable {
    private let spec: XMLRecordSpec
    private let paths: [FieldPath]
    private let maxDepth: Int
    private let stride: Int
    private let reopen: () throws -> ByteSource

    /// Cuts pieces, under `cutLock` (a worker reads and cuts while the other parses).
    private let cutter: XMLPieceCutter
    private let cutLock = NSLock()

    // Shared under `lock`.
    private let lock = NSCondition()
    /// Pieces are still to be cut.
    private var cutting = true
    /// Outcomes of the pieces parsed and not yet taken by the reader, by index.
    private var outcomes: [Int: Outcome] = [:]
    /// Pieces being cut, parsed or waiting for the reader (memory is bounded by these).
    private var inFlight = 0
    private var spare: [(bytes: RawBuffer<UInt8>, records: RawBuffer<Int>)] = []
    private var threads: [BackgroundTask<Void>] = []
    private var cancelled = false

    // The reader's side.
    private var nextPiece = 0
    private var recordsHanded = 0
    /// Line of the document where the next piece starts.
    private var lineAtPiece = 1
    private var takeover: XMLParseWorker?
    /// Pieces whose records went to the reader, and whether the sequential parse took over (for tests).
    private(set) var piecesHanded = 0
    var tookOver: Bool { takeover != nil }

    static let workers = 2
    /// Eight rather than four: the parse threads do not wait while the reader is held up for a moment
    /// (county medical feed: 0.487 → 0.475 s; sixteen measured the same as eight).
    static let inFlightLimit = 8
    /// About 1 MB of the file per piece: a few milliseconds of parse, against about 10 µs to set up
    /// a parser; small enough that the pieces in flight keep memory flat (256 KB to 2 MB measured
    /// within noise of each other).
    static let pieceBytes = 1 << 20

    enum Outcome {
        case parsed(Parsed)
        case failed
    }

    /// A piece's records, numbered and lined as in the piece.
    struct Parsed {
        var bytes: RawBuffer<UInt8>
        var records: RawBuffer<Int>
        var count: Int
        /// Lines of the piece where its own bytes start and (all but the last) where they end.
        var startLine: Int
        var endLine: Int
        var root: (attributes: [String: String], declaredCount: Int?)?
        var isLast: Bool
        var consumedFileBytes: Int
    }

    init(
        source: ByteSource, reopen: @escaping () throws -> ByteSource, spec: XMLRecordSpec, paths: [FieldPath],
        maxDepth: Int, pieceBytes: Int = XMLParallelParse.pieceBytes
    ) {
        _ = XMLParseWorker.parserReady
        self.spec = spec
        self.paths = paths
        self.maxDepth = maxDepth
        self.reopen = reopen
        stride = 2 + 2 * paths.count
        cutter = XMLPieceCutter(source: source, pieceBytes: pieceBytes)
    }

    // MARK: - The reader's side

    func exchange(bytes: inout RawBuffer<UInt8>, records: inout RawBuffer<Int>) -> XMLRecordBlock {
        if let takeover { return takeover.exchange(bytes: &bytes, records: &records) }
        lock.lock()
        spare.append((bytes, records))  // the reader's spent buffers (its first ones are empty)
        if threads.isEmpty {
            threads = (0..<Self.workers).map { _ in BackgroundTask(name: "fangfan-xml") { [self] in work() } }
        }
        while outcomes[nextPiece] == nil { lock.wait() }
        let outcome = outcomes.removeValue(forKey: nextPiece)!
        nextPiece += 1
        inFlight -= 1
        lock.broadcast()
        lock.unlock()
        guard case .parsed(let piece) = outcome else { return takeOver(&bytes, &records) }
        let shift = lineAtPiece - piece.startLine
        let base = recordsHanded
        let r = piece.records.base
        for at in Swift.stride(from: 0, to: piece.count * stride, by: stride) {
            r[at] += base
            r[at + 1] += shift
        }
        recordsHanded += piece.count
        lineAtPiece += piece.endLine - piece.startLine
        piecesHanded += 1
        bytes = piece.bytes
        records = piece.records
        return XMLRecordBlock(
            bytes: piece.bytes, records: piece.records, count: piece.count,
            stop: piece.isLast ? .end : nil, root: piece.root,
            consumedFileBytes: piece.consumedFileBytes)
    }

    func cancel() {
        stopWorkers()
        takeover?.cancel()
    }

    /// A piece failed, or the cutter gave up: the sequential parse goes on from here.
    private func takeOver(_ bytes: inout RawBuffer<UInt8>, _ records: inout RawBuffer<Int>) -> XMLRecordBlock {
        stopWorkers()
        let source: ByteSource
        do {
            source = try reopen()
        } catch {
            return XMLRecordBlock(
                bytes: bytes, records: records, count: 0, stop: .error(.source(String(describing: error))),
                root: nil, consumedFileBytes: 0)
        }
        let worker = XMLParseWorker(source: source, spec: spec, paths: paths, maxDepth: maxDepth, skip: recordsHanded)
        takeover = worker
        return worker.exchange(bytes: &bytes, records: &records)
    }

    private func stopWorkers() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        let running = threads
        lock.unlock()
        for thread in running { try? thread.wait() }
    }

    // MARK: - The parse threads

    private func work() {
        let state = UnsafeMutablePointer<SAXState>.allocate(capacity: 1)
        state.initialize(to: SAXState(spec: spec, paths: paths, maxDepth: maxDepth))
        let input = UnsafeMutablePointer<PieceInput>.allocate(capacity: 1)
        var sax = SAXState.handler()
        defer {
            state.deinitialize(count: 1)
            state.deallocate()
            input.deallocate()
        }
        // errors raised without a parser context go to this thread's handler (see XMLParseWorker.run)
        xmlSetStructuredErrorFunc(UnsafeMutableRawPointer(state), SAXState.errorCallback)
        if let sink = XMLParseWorker.devNull { xmlSetGenericErrorFunc(sink, nil) }

        while true {
            lock.lock()
            while !cancelled && cutting && inFlight >= Self.inFlightLimit { lock.wait() }
            guard !cancelled && cutting else {
                lock.unlock()
                return
            }
            inFlight += 1
            var buffers = spare.popLast() ?? (bytes: RawBuffer<UInt8>(), records: RawBuffer<Int>())
            lock.unlock()

            cutLock.lock()
            let next = cutter.next()
            let index = cutter.piecesCut
            cutLock.unlock()
            guard case .piece(let piece) = next else {
                lock.lock()
                if next == nil {
                    inFlight -= 1  // the other thread cut the last piece
                } else {
                    outcomes[index] = .failed  // given up: the reader hands over to the sequential parse here
                }
                cutting = false
                lock.broadcast()
                lock.unlock()
                return
            }
            if piece.isLast {
                lock.lock()
                cutting = false
                lock.unlock()
            }
            let outcome = parse(piece, &buffers, state, input, &sax)
            lock.lock()
            if case .failed = outcome { spare.append(buffers) }
            outcomes[piece.index] = outcome
            lock.broadcast()
            lock.unlock()
        }
    }

    /// Where a piece's parser reads from.
    struct PieceInput {
        var base: UnsafePointer<UInt8>?
        var count: Int
        var at: Int
    }

    private static let readPiece: xmlInputReadCallback = { context, buffer, length in
        guard let context, let buffer else { return -1 }
        let input = context.assumingMemoryBound(to: PieceInput.self)
        let k = min(Int(length), input.pointee.count - input.pointee.at)
        if k > 0 { memcpy(buffer, input.pointee.base! + input.pointee.at, k) }
        input.pointee.at += k
        return Int32(k)
    }

    private static let closePiece: xmlInputCloseCallback = { _ in 0 }

    private func parse(
        _ piece: XMLPiece, _ buffers: inout (bytes: RawBuffer<UInt8>, records: RawBuffer<Int>),
        _ state: UnsafeMutablePointer<SAXState>, _ input: UnsafeMutablePointer<PieceInput>,
        _ sax: inout xmlSAXHandler
    ) -> Outcome {
        state.pointee = SAXState(spec: spec, paths: paths, maxDepth: maxDepth)
        buffers.bytes.removeAll()
        buffers.records.removeAll()
        swap(&state.pointee.bytes, &buffers.bytes)
        swap(&state.pointee.records, &buffers.records)
        // GB18030 decoded here, through the table, when it can be: libxml2 then reads UTF-8
        // (XML_PARSE_IGNORE_ENC: the declaration's encoding is not applied a second time)
        var options = XMLParseWorker.options
        var decoded: [UInt8]?
        if piece.gb18030, let table = GB18030Table.shared {
            decoded = piece.bytes.withUnsafeBufferPointer { table.decode($0)?.text }
            guard decoded != nil else {
                swap(&state.pointee.bytes, &buffers.bytes)
                swap(&state.pointee.records, &buffers.records)
                return .failed
            }
            options |= Int32(XML_PARSE_IGNORE_ENC.rawValue)
        }
        let clean = (decoded ?? piece.bytes).withUnsafeBufferPointer { b -> Bool in
            input.pointee = PieceInput(base: b.baseAddress, count: b.count, at: 0)
            guard
                let ctxt = xmlCreateIOParserCtxt(
                    &sax, UnsafeMutableRawPointer(state), Self.readPiece, Self.closePiece,
                    UnsafeMutableRawPointer(input), XML_CHAR_ENCODING_NONE)
            else { return false }
            defer {
                state.pointee.ctxt = nil
                xmlFreeParserCtxt(ctxt)
            }
            xmlCtxtUseOptions(ctxt, options)
            state.pointee.bind(ctxt)
            _ = xmlParseDocument(ctxt)
            let s = state.pointee
            return s.failure == nil && s.firstError == nil && ctxt.pointee.wellFormed != 0
                && ctxt.pointee.disableSAX == 0 && s.rootAttributes != nil && !s.inRecord
                && (piece.isLast || s.rootEndLine != nil)
        }
        swap(&state.pointee.bytes, &buffers.bytes)
        swap(&state.pointee.records, &buffers.records)
        guard clean else { return .failed }
        let s = state.pointee
        return .parsed(
            Parsed(
                bytes: buffers.bytes, records: buffers.records, count: s.ready,
                startLine: piece.index == 0 ? 1 : s.rootStartLine, endLine: s.rootEndLine ?? 0,
                root: piece.index == 0 ? (s.rootAttributes!, s.declaredCount) : nil,
                isLast: piece.isLast, consumedFileBytes: piece.consumedFileBytes))
    }
}
