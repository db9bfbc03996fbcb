import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The ingest stage: inbox → staged records, quarantine, archive or rejected (FEEDS.md, INTERFACE.md).
///
/// One file at a time. Its effects are written under names carrying its sequence number, and the
/// append of its manifest line commits them; `recover()` undoes whatever a killed run left uncommitted,
/// so a file is either untouched in the inbox or fully ingested.
public final class Ingestor: @unchecked Sendable {
    let config: PipelineConfig
    let layout: StateLayout
    let today: Day
    let logger: Logger
    let findings: FindingsSink?
    /// Where returned review decisions go (feed `review`, RULES.md §11): the ledger.
    let reviews: ReviewSink?
    let progress: IngestProgress?
    let clock: () -> String

    /// Make the roster index of each roster read (`fangfan run` hands it to link).
    let buildsRosterIndex: Bool

    /// A CSV file of at least this many bytes, of a feed that stages its rows as they come, is read in
    /// pieces of about `csvPieceBytes` on both cores (`CSVParallelParse`); tests set both.
    var csvPiecesFrom = 8 << 20
    var csvPieceBytes = CSVParallelParse.pieceBytes
    /// Files read in pieces to their end (for tests).
    var filesReadInPieces: Int {
        piecesLock.lock()
        defer { piecesLock.unlock() }
        return piecesDone
    }
    private var piecesDone = 0
    private let piecesLock = NSLock()
    func noteReadInPieces() {
        piecesLock.lock()
        piecesDone += 1
        piecesLock.unlock()
    }

    public init(
        config: PipelineConfig, today: Day, logger: Logger, findings: FindingsSink?,
        reviews: ReviewSink? = nil, progress: IngestProgress? = nil, buildsRosterIndex: Bool = false, clock: @escaping () -> String = isoNow
    ) {
        self.config = config
        self.buildsRosterIndex = buildsRosterIndex
        self.layout = StateLayout(root: config.state)
        self.today = today
        self.logger = logger
        self.findings = findings
        self.reviews = reviews
        self.progress = progress
        self.clock = clock
    }

    public func run() throws -> IngestReport {
        try layout.prepare()
        let manifest = try Manifest(path: layout.manifest)
        try recover(manifest)
        let (ready, waiting) = try InboxScanner(config: config).scan()
        var report = IngestReport()
        report.waiting = waiting
        if waiting > 0 { logger.info("files still being written are left for the next run", metadata: ["count": "\(waiting)"]) }
        // Files are read and validated two at a time (both cores), then committed one by one in
        // ingest order: the commit is where a file gets its sequence number's place, its `replaced`
        // count against the records staged before it, and its manifest line.
        var keys = KeyCache(ingestor: self, manifest: manifest)
        for f in ready { if let feed = f.feed { keys.pending[feed, default: 0] += 1 } }
        let batchSize = 8
        var start = 0
        while start < ready.count {
            let batch = Array(ready[start..<min(start + batchSize, ready.count)])
            let firstSeq = manifest.nextSeq
            // the largest files first, so that neither core is left alone with a big one at the end
            let order = batch.indices.sorted { batch[$0].size > batch[$1].size }
            var position = [Int](repeating: 0, count: batch.count)
            for (k, i) in order.enumerated() { position[i] = k }
            let prepared = ParallelResults(count: batch.count) { k in try self.prepare(batch[order[k]], seq: firstSeq + order[k]) }
            for (i, f) in batch.enumerated() {
                let p = try prepared.get(position[i])
                let e = try ingest(f, p, manifest, &keys)
                report.files.append(e)
                if e.status == .accepted, let index = p.rosterIndex { report.roster = (e.seq, index) }
                var meta: Logger.Metadata = [
                    "file": "\(e.file)", "status": "\(e.status.rawValue)", "rows": "\(e.rows_read)",
                    "accepted": "\(e.accepted)", "quarantined": "\(e.quarantined)", "replaced": "\(e.replaced)",
                ]
                if let r = e.reason { meta["reason"] = "\(r)" }
                if e.status == .rejected {
                    logger.warning("file rejected", metadata: meta)
                } else {
                    logger.info("file ingested", metadata: meta)
                }
            }
            start += batch.count
        }
        return report
    }
}
