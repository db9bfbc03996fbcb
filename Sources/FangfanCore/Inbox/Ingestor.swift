import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Applies returned verification findings to the case ledger when their file is ingested.
public protocol FindingsSink: AnyObject {
    /// One result per row: nil when applied (or unchanged), else the quarantine problem.
    /// Applying the same file (same sha256) twice must change nothing.
    func apply(findings rows: [NormalizedRow], file: String, sha256: String) throws -> [RowProblem?]
}

/// What one run of ingest did.
public struct IngestReport: Sendable {
    public var files: [ManifestEntry] = []
    /// The index of the roster this run accepted last (when asked for), made while it was read.
    public var roster: (seq: Int, index: RosterIndex)?
    public var waiting = 0
    public var rejected: Int { files.filter { $0.status == .rejected }.count }
}

/// Observes progress (rows and bytes) of the file being read.
public protocol IngestProgress: AnyObject {
    func begin(file: String, bytes: Int)
    func advance(rows: Int, bytes: Int)
    func end()
}

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
    let progress: IngestProgress?
    let clock: () -> String

    /// Make the roster index of each roster read (`fangfan run` hands it to link).
    let buildsRosterIndex: Bool

    public init(config: PipelineConfig, today: Day, logger: Logger, findings: FindingsSink?,
                progress: IngestProgress? = nil, buildsRosterIndex: Bool = false, clock: @escaping () -> String = isoNow) {
        self.config = config
        self.buildsRosterIndex = buildsRosterIndex
        self.layout = StateLayout(root: config.state)
        self.today = today
        self.logger = logger
        self.findings = findings
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
                var meta: Logger.Metadata = ["file": "\(e.file)", "status": "\(e.status.rawValue)", "rows": "\(e.rows_read)",
                                             "accepted": "\(e.accepted)", "quarantined": "\(e.quarantined)", "replaced": "\(e.replaced)"]
                if let r = e.reason { meta["reason"] = "\(r)" }
                if e.status == .rejected { logger.warning("file rejected", metadata: meta) } else { logger.info("file ingested", metadata: meta) }
            }
            start += batch.count
        }
        return report
    }

    // MARK: - recovery

    /// Removes what a killed run left uncommitted: staged, key and quarantine files whose sequence
    /// number has no manifest line, `.origin` and `.reason.txt` files written for a move that never
    /// happened, and puts originals moved to archive/ or rejected/ back in the inbox. Also removes the
    /// `NAME.done` marker of the last committed file if the kill came between its commit and the marker's removal.
    public func recover(_ manifest: Manifest) throws {
        let fm = FileManager.default
        let committed = Set(manifest.entries.map(\.seq))
        func seqOf(_ name: String) -> Int? { Int(name.prefix(while: { $0.isNumber })) }
        var removed = 0, restored = 0
        var dirs = FeedKind.allCases.map { layout.staged + "/" + $0.rawValue }
        dirs.append(layout.quarantine)
        for d in dirs {
            for name in (try? fm.contentsOfDirectory(atPath: d)) ?? [] {
                if name.contains(".tmp-") || (seqOf(name).map { !committed.contains($0) } ?? false) {
                    try? fm.removeItem(atPath: d + "/" + name); removed += 1
                }
            }
        }
        var stores = FeedKind.allCases.map { (layout.archive + "/" + $0.rawValue, Optional($0)) }
        stores.append((layout.archive + "/_unknown", nil))
        stores.append((layout.rejected, nil))
        for (d, _) in stores {
            let names = (try? fm.contentsOfDirectory(atPath: d)) ?? []
            let present = Set(names)
            for name in names {
                if name.contains(".tmp-") { try? fm.removeItem(atPath: d + "/" + name); removed += 1; continue }
                if name.hasSuffix(".reason.txt") || name.hasSuffix(".origin") {
                    // written before a move that never happened: nothing beside it to restore
                    let original = String(name.dropLast(name.hasSuffix(".origin") ? 7 : 11))
                    if let seq = seqOf(name), !committed.contains(seq), !present.contains(original) {
                        try? fm.removeItem(atPath: d + "/" + name); removed += 1
                    }
                    continue
                }
                guard let seq = seqOf(name), !committed.contains(seq) else { continue }
                let stored = d + "/" + name
                // the original's inbox name was written beside it before the move
                if let origin = try? String(contentsOfFile: stored + ".origin", encoding: .utf8) {
                    let back = config.inbox + "/" + origin
                    try makeDirectory((back as NSString).deletingLastPathComponent)
                    try moveFile(stored, back)
                    restored += 1
                }
                try? fm.removeItem(atPath: stored + ".origin")
                try? fm.removeItem(atPath: stored + ".reason.txt")
            }
            for name in (try? fm.contentsOfDirectory(atPath: d)) ?? [] where name.hasSuffix(".origin") {
                if let seq = seqOf(name), committed.contains(seq) { try? fm.removeItem(atPath: d + "/" + name) }
            }
        }
        if let last = manifest.entries.last {
            let path = config.inbox + "/" + last.file
            if !fm.fileExists(atPath: path) && fm.fileExists(atPath: path + ".done") {
                unlink(path + ".done"); removed += 1
            }
        }
        if removed + restored > 0 {
            logger.notice("recovered from an interrupted run", metadata: ["removed": "\(removed)", "restored_to_inbox": "\(restored)"])
        }
    }

    // MARK: - one file

    func sha256(of path: String) throws -> String {
        let src = try FileByteSource(path: path)
        var h = SHA256Hasher()
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buf.deallocate() }
        while true {
            let n = try src.read(into: buf)
            if n == 0 { break }
            h.update(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
        }
        return SHA256Hasher.hex(h.finalize())
    }

    enum Format: String { case csv, xml, xlsx }

    static func format(of name: String) -> (Format, gzip: Bool)? {
        var n = name.lowercased()
        var gz = false
        if n.hasSuffix(".gz") { gz = true; n.removeLast(3) }
        if n.hasSuffix(".csv") { return (.csv, gz) }
        if n.hasSuffix(".xml") { return (.xml, gz) }
        if n.hasSuffix(".xlsx") { return (.xlsx, gz) }
        return nil
    }

    /// What reading one file gave, before anything is committed: its staged and quarantine files are
    /// still temporary, and its record keys are in memory.
    final class Prepared {
        let seq: Int
        /// The file's sha256 (hex), once `prepare` has it.
        var sha = ""
        var entry: ManifestEntry
        var rejection: FileRejection?
        var staged: StreamingFile?
        var quarantine: StreamingFile?
        /// The record keys of the accepted rows, in order (written beside the staged file for link)...
        var keys: [UInt64] = []
        /// ...and sorted, on the worker, without repeats (`repeatsWithin` counts them). Not for a roster:
        /// its `replaced` counts its rows found in the previous roster, sorted at commit if there is one.
        var sortedKeys: [UInt64] = []
        var repeatsWithin = 0
        var rosterIndex: RosterIndex?
        /// Verification files are read at commit time: their findings change the ledger, in order.
        var deferred = false
        init(seq: Int, entry: ManifestEntry) {
            self.seq = seq
            self.entry = entry
        }
    }

    /// The record keys staged so far, per feed (sorted, without repeats), loaded once per run and grown as
    /// files commit.
    struct KeyCache {
        let ingestor: Ingestor
        let manifest: Manifest
        var sets: [FeedKind: [UInt64]] = [:]
        /// The keys of a roster committed in this run, sorted only if another roster follows it.
        var unsortedRoster: [UInt64]?
        mutating func staged(_ feed: FeedKind) throws -> [UInt64] {
            if feed == .roster, let keys = unsortedRoster {
                sets[.roster] = SortedKeys.distinct(keys).keys
                unsortedRoster = nil
            }
            if let s = sets[feed] { return s }
            let s = try ingestor.loadKeys(feed, manifest)
            sets[feed] = s
            return s
        }
    }

    /// Reads, validates and normalises one file into temporary outputs (safe to run on two files at once).
    func prepare(_ f: InboxFile, seq: Int) throws -> Prepared {
        // The file's hash (which tells a duplicate) is taken on a thread of its own while the file is
        // read: a duplicate is only set aside at its commit, so the read happens either way.
        let path = f.path
        let hashing = BackgroundTask { [self] in try sha256(of: path) }
        defer { _ = try? hashing.wait() }  // no thread outlives the call, whatever it throws
        let p = Prepared(seq: seq, entry: ManifestEntry(
            seq: seq, feed: f.feed?.rawValue ?? "unknown", file: f.relativeName, sha256: "",
            ingested_at: clock(), status: .accepted, reason: nil, rows_read: 0, accepted: 0,
            quarantined: 0, replaced: 0, extra_columns: [], stored_as: "", encoding: nil, format: nil))
        try prepareRows(f, p)
        p.sha = try hashing.wait()
        p.entry.sha256 = p.sha
        return p
    }

    private func prepareRows(_ f: InboxFile, _ p: Prepared) throws {
        let baseName = (f.relativeName as NSString).lastPathComponent
        do {
            guard let feed = f.feed else {
                throw FileRejection("不是任何已知数据项的文件：应放在 inbox/<数据项>/ 下（roster、income、medical、civil、disaster、disability、application、verification）")
            }
            guard let (format, gz) = Ingestor.format(of: baseName) else {
                throw FileRejection("不认识的文件类型：只接收 .csv、.xml、.xlsx（可再加 .gz 压缩）")
            }
            p.entry.format = format.rawValue + (gz ? ".gz" : "")
            if feed == .verification { p.deferred = true; return }  // read at its commit (it needs the ledger)
            try read(f, feed: feed, format: format, gzip: gz, into: p)
        } catch let r as FileRejection {
            p.rejection = r
        }
    }

    func ingest(_ f: InboxFile, _ p: Prepared, _ manifest: Manifest, _ keys: inout KeyCache) throws -> ManifestEntry {
        let baseName = (f.relativeName as NSString).lastPathComponent
        var entry = p.entry
        if let earlier = manifest.entry(sha256: p.sha) {
            p.staged?.discard(); p.quarantine?.discard()
            if let feed = f.feed { unlink(layout.keysFile(feed, seq: p.seq)) }
            entry.status = .duplicate
            entry.reason = "与已接收的文件 \(earlier.file)（第 \(earlier.seq) 号）内容完全相同"
            entry.rows_read = 0; entry.accepted = 0; entry.quarantined = 0; entry.replaced = 0; entry.extra_columns = []
            try store(f, entry: &entry, dir: layout.archive + "/" + (f.feed?.rawValue ?? "_unknown"), name: baseName)
            return try commit(entry, f, manifest)
        }
        do {
            if let r = p.rejection { throw r }
            guard let feed = f.feed else { throw FileRejection("不是任何已知数据项的文件") }
            if p.deferred {
                let (format, gz) = Ingestor.format(of: baseName)!
                try read(f, feed: feed, format: format, gzip: gz, into: p)
                p.entry.format = entry.format
                entry = p.entry
            }
            // replaced: rows whose key was already staged (for a roster: in the previous roster)
            // (the file's keys were sorted on its worker; what is left here is two passes in order)
            var replaced = 0
            let previous = try keys.staged(feed)
            if feed == .roster {
                if !previous.isEmpty {
                    var sorted = p.keys
                    SortedKeys.sort(&sorted)
                    replaced = SortedKeys.countIn(sorted, previous)
                }
                keys.unsortedRoster = p.keys
                keys.sets[.roster] = nil
            } else {
                replaced = p.repeatsWithin + (previous.isEmpty ? 0 : SortedKeys.countIn(p.sortedKeys, previous))
                keys.sets[feed] = SortedKeys.union(previous, p.sortedKeys)
            }
            p.sortedKeys = []
            entry.replaced = replaced
            p.keys = []
            CrashPoint.hit("before-staged")
            try p.staged?.commit()
            try p.quarantine?.commit()
            syncDirectory(layout.staged + "/" + feed.rawValue)
            try store(f, entry: &entry, dir: layout.archive + "/" + feed.rawValue, name: baseName)
        } catch let r as FileRejection {
            p.staged?.discard(); p.quarantine?.discard()
            entry.status = .rejected
            entry.reason = r.reason
            entry.rows_read = 0; entry.accepted = 0; entry.quarantined = 0; entry.replaced = 0; entry.extra_columns = []
            for path in [layout.quarantineFile(seq: p.seq)] + FeedKind.allCases.flatMap({ [layout.stagedFile($0, seq: p.seq), layout.keysFile($0, seq: p.seq)] }) {
                unlink(path)
            }
            try store(f, entry: &entry, dir: layout.rejected, name: baseName, reason: r.reason)
        }
        return try commit(entry, f, manifest)
    }

    /// Moves the original out of the inbox (remembering where it came from, for recovery).
    private func store(_ f: InboxFile, entry: inout ManifestEntry, dir: String, name: String, reason: String? = nil) throws {
        try makeDirectory(dir)
        let target = dir + "/" + layout.seqName(entry.seq) + "-" + name
        try AtomicFile.write(f.relativeName, to: target + ".origin")
        if let r = reason {
            try AtomicFile.write("文件：\(f.relativeName)\nsha256：\(entry.sha256)\n拒收原因：\(r)\n", to: target + ".reason.txt")
        }
        CrashPoint.hit("before-move")
        try moveFile(f.path, target)
        // the original keeps the inbox's mode through the rename: state/ is owner-only (INTERFACE.md)
        if chmod(target, 0o600) != 0 { throw IOFailure(path: target, errno: errno, doing: "cannot make the stored original owner-only") }
        syncDirectory(dir)
        entry.stored_as = String(target.dropFirst(layout.root.count + 1))
        CrashPoint.hit("before-manifest")
    }

    private func commit(_ e: ManifestEntry, _ f: InboxFile, _ manifest: Manifest) throws -> ManifestEntry {
        if e.stored_as.isEmpty {
            var copy = e
            try store(f, entry: &copy, dir: layout.archive + "/_unknown", name: (f.relativeName as NSString).lastPathComponent)
            return try commit(copy, f, manifest)
        }
        try manifest.append(e)
        unlink(layout.root + "/" + e.stored_as + ".origin")
        unlink(f.path + ".done")
        CrashPoint.hit("after-manifest")
        return e
    }

    // MARK: - reading and validating

    private func openRows(_ f: InboxFile, feed: FeedConfig, format: Format, gzip: Bool, encoding: TextEncoding) throws -> (RowSource, DecodedSource?) {
        let limits = config.inflate
        func source() throws -> ByteSource {
            do {
                let file = try FileByteSource(path: f.path)
                // a gzip file inflates on a thread of its own, a few blocks ahead of the rows
                return gzip ? ReadAheadByteSource(try InflateByteSource(file, gzip: true, limits: limits)) : file
            } catch let e as InputError { throw FileRejection("文件无法读取：\(e.description)") }
        }
        switch format {
        case .csv:
            let decoded = try DecodedSource(try source(), encoding: encoding)
            return (try CSVRowSource(reader: CSVReader(decoded, limits: config.csv), feed: feed), decoded)
        case .xml:
            return (try XMLRowSource(source: try source(), reopen: source, feed: feed), nil)
        case .xlsx:
            let src = try source()
            var bytes = [UInt8]()
            let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buf.deallocate() }
            while true {
                let n = try src.read(into: buf)
                if n == 0 { break }
                bytes.append(contentsOf: buf[0..<n])
                if bytes.count > 256 << 20 { throw FileRejection("XLSX 文件超过 256 MB：拒收") }
            }
            return (try XLSXRowSource(bytes: bytes, feed: feed, inflate: limits), nil)
        }
    }

    private func read(_ f: InboxFile, feed kind: FeedKind, format: Format, gzip: Bool, into p: Prepared) throws {
        let feed = config.feed(kind)
        var encoding = feed.encoding
        while true {
            do {
                try readOnce(f, feed: feed, format: format, gzip: gzip, encoding: encoding, into: p)
                return
            } catch let n as NotUTF8 {
                // not UTF-8: start the file again as GB18030 (FEEDS.md: "otherwise GB18030")
                guard encoding == .auto else { throw FileRejection("无法解码的字节，位于第 \(n.offset) 字节（按 UTF-8）") }
                encoding = .gb18030
            } catch let e as InputError {
                switch e {
                case .undecodable(let off, let enc): throw FileRejection("无法解码的字节，位于第 \(off) 字节（按 \(enc)）：文件可能损坏或编码不对")
                case .unterminatedQuote(let l): throw FileRejection("第 \(l) 行开始的引号没有结束：文件格式错误")
                case .fieldTooLarge(let l, let lim): throw FileRejection("第 \(l) 行有一个字段超过 \(lim) 字节：文件格式错误或不是该部门的导出")
                case .recordTooLarge(let l, let lim): throw FileRejection("第 \(l) 行超过 \(lim) 个字段：文件格式错误")
                case .recordBytesTooLarge(let l, let lim): throw FileRejection("第 \(l) 行的记录超过 \(lim) 字节：文件格式错误或不是该部门的导出")
                case .binary: throw FileRejection("文件含有 NUL 字节，不是文本格式的导出（可能是二进制文件或传输损坏）：请重新导出为 CSV")
                case .gzipBomb, .gzipRatio: throw FileRejection("压缩文件解压后过大，按压缩炸弹拒收：\(e.description)")
                default: throw FileRejection("文件无法读取：\(e.description)")
                }
            }
        }
    }

    private func readOnce(_ f: InboxFile, feed: FeedConfig, format: Format, gzip: Bool, encoding: TextEncoding,
                          into p: Prepared) throws {
        let schema = feed.kind.schema
        let seq = p.seq
        let (rows, decoded) = try openRows(f, feed: feed, format: format, gzip: gzip, encoding: encoding)
        let staged = try StreamingFile(path: layout.stagedFile(feed.kind, seq: seq))
        let quarantine = try StreamingFile(path: layout.quarantineFile(seq: seq))
        var handedOver = false
        defer { if !handedOver { staged.discard(); quarantine.discard() } }
        var header: [UInt8] = []
        CSVOut.appendRow(&header, schema.fields.map(\.name))
        try staged.append(header)
        var qheader: [UInt8] = []
        CSVOut.appendRow(&qheader, QuarantineLine.header)
        try quarantine.append(qheader)

        let validator = RowValidator(feed: feed, today: today)
        let keyFields = schema.key.map { schema.index(of: $0)! }
        var fileKeys: [UInt64] = []
        var row = NormalizedRow()
        var read = 0, accepted = 0, quarantined = 0
        var held = HeldRows(fieldCount: schema.fields.count)   // roster (conflicts need the whole file) and verification (ledger)
        let holdRows = feed.kind == .roster || feed.kind == .verification
        if holdRows && !gzip && format == .csv { held.reserve(fileBytes: f.size) }
        // a held feed's quarantine lines are decided in two passes: written at the end, in line order
        var pendingLines: [(Int, [String])] = []
        progress?.begin(file: f.relativeName, bytes: f.size)
        defer { progress?.end() }
        var lastBytes = 0

        func quarantineRow(_ location: Int, _ label: String, _ raw: String, _ e: ValueError) throws {
            quarantined += 1
            let line = [f.relativeName, String(location), label, raw, e.code.rawValue, e.message]
            if holdRows { pendingLines.append((location, line)); return }
            try quarantine.withBuffer { CSVOut.appendRow(&$0, line) }
        }
        func stage(_ r: NormalizedRow) throws {
            fileKeys.append(recordKey(r, keyFields))
            accepted += 1
            try staged.withBuffer { CSVOut.appendRow(&$0, r) }
        }

        while try rows.next({ location, countProblem, raw in
            read += 1
            if let p = countProblem {
                try quarantineRow(location, "(整行)", p.raw, ValueError(.fieldCount, p.message))
                return
            }
            if let p = validator.validate(raw, into: &row) {
                try quarantineRow(location, rows.fieldLabels[p.field], p.raw, p.error)
                return
            }
            if holdRows {
                held.append(line: location, row: row, raw: raw)
            } else {
                try stage(row)
            }
            CrashPoint.hit("row")
        }) {
            if read & 0x3FF == 0 {
                let b = rows.consumedFileBytes
                progress?.advance(rows: 1024, bytes: b - lastBytes)
                lastBytes = b
            }
        }
        try rows.finish()

        if feed.kind == .roster {
            let conflicts = RosterCheck.conflicts(held, labelOfLine: { "第 \($0) 行" })
            // the index of the rows without conflict is made on a thread of its own while they are staged
            let (members, problems) = (held, conflicts)
            let indexing = buildsRosterIndex ? BackgroundTask { () -> RosterIndex in
                var index = RosterBuilder(members: members.count)
                for k in 0..<members.count where problems[members.lines[k]] == nil { index.add { members.field(k, $0) } }
                return RosterIndex(index)
            } : nil
            do {
                for k in 0..<held.count {
                    let location = held.lines[k]
                    if let c = conflicts[location] {
                        try quarantineRow(location, rows.fieldLabels[c.field], held.raw(k, c.field), c.error)
                    } else {
                        fileKeys.append(recordKeyHash(keyFields) { held.field(k, $0) })
                        accepted += 1
                        try staged.withBuffer { held.appendCSVLine(k, to: &$0) }
                    }
                }
            } catch {
                _ = try? indexing?.wait()
                throw error
            }
            p.rosterIndex = try indexing?.wait()
        } else if feed.kind == .verification {
            let rowsOnly = (0..<held.count).map { k -> NormalizedRow in
                var r = NormalizedRow()
                held.load(k, into: &r)
                return r
            }
            let problems = try findings?.apply(findings: rowsOnly, file: f.relativeName, sha256: p.sha)
                ?? Array(repeating: nil, count: rowsOnly.count)
            for (k, p) in problems.enumerated() {
                if let p = p { try quarantineRow(held.lines[k], rows.fieldLabels[p.field], held.raw(k, p.field), p.error) }
                else { try stage(rowsOnly[k]) }
            }
        }
        pendingLines.sort { $0.0 < $1.0 }    // line or record numbers: one line per row
        for (_, line) in pendingLines { try quarantine.withBuffer { CSVOut.appendRow(&$0, line) } }
        precondition(read == accepted + quarantined, "every row is accepted or quarantined")
        var entry = p.entry
        entry.rows_read = read
        entry.accepted = accepted
        entry.quarantined = quarantined
        entry.extra_columns = rows.extraColumns
        // auto that never left UTF-8 read the file as UTF-8
        entry.encoding = decoded.map { $0.encoding == .auto ? TextEncoding.utf8.rawValue : $0.encoding.rawValue }
            ?? (format == .csv ? encoding.rawValue : nil)
        p.entry = entry
        p.keys = fileKeys
        // (a roster's keys are sorted at commit, and only if a previous roster asks for it)
        if feed.kind != .roster {
            (p.sortedKeys, p.repeatsWithin) = SortedKeys.distinct(fileKeys)
        }
        // beside the staged file, under its sequence number (uncommitted until the manifest line)
        try writeKeys(fileKeys, feed.kind, p.seq)
        // on disk now, on this worker: the commit, one file after another, then only renames
        try staged.sync()
        try quarantine.sync()
        p.staged = staged
        p.quarantine = quarantine
        handedOver = true
    }

    // MARK: - record keys ("replaced" counts)

    func recordKey(_ r: NormalizedRow, _ fields: [Int]) -> UInt64 { recordKeyHash(fields) { r[$0] } }

    /// Keys of every accepted file of a feed (for a roster: of the latest one only), sorted, without repeats.
    func loadKeys(_ feed: FeedKind, _ manifest: Manifest) throws -> [UInt64] {
        var files = manifest.accepted(feed)
        if feed == .roster, let last = files.last { files = [last] }
        var keys: [UInt64] = []
        for e in files {
            guard let data = readWholeFile(layout.keysFile(feed, seq: e.seq)) else { continue }
            data.withUnsafeBytes { p in
                let n = p.count / 8
                for i in 0..<n { keys.append(p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
            }
        }
        return SortedKeys.distinct(keys).keys
    }

    func writeKeys(_ keys: [UInt64], _ feed: FeedKind, _ seq: Int) throws {
        try keys.withUnsafeBytes { try AtomicFile.write(raw: $0, to: layout.keysFile(feed, seq: seq)) }
    }
}

/// A line of the quarantine (state/quarantine/<seq>.csv and out/M/quarantine.csv).
public enum QuarantineLine {
    public static let header = ["文件", "行号或记录号", "字段", "原始值", "原因代码", "说明"]
}

public func isoNow() -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    f.timeZone = TimeZone.current
    return f.string(from: Date())
}
