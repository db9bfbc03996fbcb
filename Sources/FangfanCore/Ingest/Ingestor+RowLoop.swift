import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Ingestor {
    // MARK: - reading and validating

    func openRows(_ f: InboxFile, feed: FeedConfig, format: Format, gzip: Bool, encoding: TextEncoding) throws -> (
        RowSource, DecodedSource?
    ) {
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

    func read(_ f: InboxFile, feed kind: FeedKind, format: Format, gzip: Bool, into p: Prepared) throws {
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

    func readOnce(
        _ f: InboxFile, feed: FeedConfig, format: Format, gzip: Bool, encoding: TextEncoding,
        into p: Prepared
    ) throws {
        let schema = feed.kind.schema
        let seq = p.seq
        // a large CSV file of a feed that stages its rows as they come: in pieces, on both cores
        if format == .csv && !gzip && f.size >= csvPiecesFrom && Ingestor.readsInPieces(feed.kind),
            try readCSVInPieces(f, feed: feed, encoding: encoding, into: p)
        {
            noteReadInPieces()
            return
        }
        let (rows, decoded) = try openRows(f, feed: feed, format: format, gzip: gzip, encoding: encoding)
        var (staged, quarantine) = try startOutputs(feed.kind, seq: seq)
        var handedOver = false
        defer { if !handedOver { staged.discard(); quarantine.discard() } }

        let validator = RowValidator(feed: feed, today: today)
        let keyFields = schema.key.map { schema.index(of: $0)! }
        var fileKeys: [UInt64] = []
        var row = NormalizedRow()
        var read = 0, accepted = 0, quarantined = 0
        var held = HeldRows(fieldCount: schema.fields.count)  // verification and review (the ledger takes them together)
        let holdRows = feed.kind == .verification || feed.kind == .review
        // a roster's rows are staged as they come; its conflict check keeps a few integers a row (RosterRowKeys)
        let isRoster = feed.kind == .roster
        var rosterKeys = RosterRowKeys()
        var rosterIndex: RosterBuilder? = isRoster && buildsRosterIndex ? RosterBuilder(members: f.size / 100) : nil
        if isRoster { rosterKeys.reserve(rows: f.size / 100) }
        // review: a row without a decision is skipped (FEEDS.md), neither read nor bad
        let decisionField = feed.kind == .review ? schema.index(of: "decision") : nil
        // rows quarantined for their resident ID alone are kept whole beside the quarantine (RULES.md §11)
        let personField = FeedKind.reviewed.contains(feed.kind) ? schema.index(of: "person_id") : nil
        var damaged: [UInt8] = []
        var damagedRows = 0
        if holdRows && !gzip && format == .csv { held.reserve(fileBytes: f.size) }
        // a held feed's quarantine lines are decided in two passes: written at the end, in line order
        var pendingLines: [(Int, [String])] = []
        progress?.begin(file: f.relativeName, bytes: f.size)
        defer { progress?.end() }
        var lastBytes = 0

        func quarantineRow(_ location: Int, _ label: String, _ raw: String, _ e: ValueError) throws {
            quarantined += 1
            let line = [f.relativeName, String(location), label, raw, e.code.rawValue, e.message]
            if holdRows || isRoster { pendingLines.append((location, line)); return }
            try quarantine.withBuffer { CSVOut.appendRow(&$0, line) }
        }
        func stage(_ r: inout NormalizedRow) throws {
            fileKeys.append(r.recordKey(keyFields))
            accepted += 1
            try staged.withBuffer { r.appendLine(to: &$0) }
        }

        try rows.forEachRow(
            { location, countProblem, raw in
                if let d = decisionField, countProblem == nil, FastPath.trim(raw(d) ?? RawField(start: nil, count: 0)).isEmpty { return }
                read += 1
                if let p = countProblem {
                    try quarantineRow(location, "(整行)", p.raw, ValueError(.fieldCount, p.message))
                    return
                }
                if let p = validator.validate(raw, into: &row) {
                    try quarantineRow(location, rows.fieldLabels[p.field], p.raw, p.error)
                    if let pf = personField, p.field == pf, DamagedRecords.idReasons.contains(p.error.code),
                        let kept = DamagedRecords.keep(raw, personField: pf, rawID: p.raw, validator: validator, line: location)
                    {
                        if damaged.isEmpty { CSVOut.appendRow(&damaged, DamagedRecords.header(schema)) }
                        CSVOut.appendRow(&damaged, kept)
                        damagedRows += 1
                    }
                    return
                }
                if holdRows {
                    held.append(line: location, row: row, raw: raw)
                } else {
                    try stage(&row)
                    if isRoster {
                        rosterKeys.append { row[$0] }
                        rosterIndex?.add { row[$0] }
                    }
                }
                CrashPoint.hit("row")
            },
            between: {
                if read & 0x3FF == 0 {
                    let b = rows.consumedFileBytes
                    progress?.advance(rows: 1024, bytes: b - lastBytes)
                    lastBytes = b
                }
            })
        try rows.finish()

        if isRoster {
            let conflicted = rosterKeys.conflictedHouseholds()
            rosterKeys = RosterRowKeys()
            if !conflicted.isEmpty {
                // (rare) the file again: the conflicted households' rows held for their messages, the others
                // staged anew, and the index made again from them
                staged.discard()
                staged = try startStaged(.roster, seq: seq)
                fileKeys.removeAll()
                accepted = 0
                rosterIndex = nil  // (its tables freed before the new ones are made)
                rosterIndex = buildsRosterIndex ? RosterBuilder(members: read) : nil
                let conflictRows = try rereadRoster(
                    f, feed: feed, format: format, gzip: gzip, encoding: encoding, conflicted: KeySet(conflicted),
                    validator: validator, stage: stage, index: &rosterIndex)
                let conflicts = RosterCheck.conflicts(conflictRows, labelOfLine: { "第 \($0) 行" })
                for k in 0..<conflictRows.count {
                    let location = conflictRows.lines[k]
                    guard let c = conflicts[location] else { preconditionFailure("every row of a conflicted household has its problem") }
                    try quarantineRow(location, rows.fieldLabels[c.field], conflictRows.raw(k, c.field), c.error)
                }
            }
            if let builder = rosterIndex {
                rosterIndex = nil  // (the builder's arrays are the index's now, not copied)
                p.rosterIndex = RosterIndex(builder)
            }
        } else if feed.kind == .review || feed.kind == .verification {
            // decisions and findings change the ledger when their file commits: the sink says which rows it refused
            let rowsOnly = (0..<held.count).map { k -> NormalizedRow in
                var r = NormalizedRow()
                held.load(k, into: &r)
                return r
            }
            let applied =
                feed.kind == .review
                ? try reviews?.apply(reviews: rowsOnly, file: f.relativeName, sha256: p.sha)
                : try findings?.apply(findings: rowsOnly, file: f.relativeName, sha256: p.sha)
            let problems = applied ?? Array(repeating: nil, count: rowsOnly.count)
            for (k, p) in problems.enumerated() {
                if let p = p {
                    try quarantineRow(held.lines[k], rows.fieldLabels[p.field], held.raw(k, p.field), p.error)
                } else {
                    var r = rowsOnly[k]
                    try stage(&r)
                }
            }
        }
        pendingLines.sort { $0.0 < $1.0 }  // line or record numbers: one line per row
        for (_, line) in pendingLines { try quarantine.withBuffer { CSVOut.appendRow(&$0, line) } }
        // auto that never left UTF-8 read the file as UTF-8
        let decodedAs =
            decoded.map { $0.encoding == .auto ? TextEncoding.utf8.rawValue : $0.encoding.rawValue }
            ?? (format == .csv ? encoding.rawValue : nil)
        try finishRead(
            p, feed: feed.kind, read: read, accepted: accepted, quarantined: quarantined, extraColumns: rows.extraColumns,
            encoding: decodedAs, keys: &fileKeys, damaged: damaged, damagedRows: damagedRows, staged: staged,
            quarantine: quarantine)
        handedOver = true
    }

    /// The end of a file's read, in one pass or in pieces: its counts on the manifest entry, its record keys
    /// (beside the staged file, and sorted for the commit), its kept ID rows, its files synced.
    func finishRead(
        _ p: Prepared, feed: FeedKind, read: Int, accepted: Int, quarantined: Int, extraColumns: [String],
        encoding: String?, keys fileKeys: inout [UInt64], damaged: [UInt8], damagedRows: Int, staged: StreamingFile,
        quarantine: StreamingFile
    ) throws {
        precondition(read == accepted + quarantined, "every row is accepted or quarantined")
        var entry = p.entry
        entry.rows_read = read
        entry.accepted = accepted
        entry.quarantined = quarantined
        entry.extra_columns = extraColumns
        entry.encoding = encoding
        p.entry = entry
        // beside the staged file, under its sequence number (uncommitted until the manifest line)
        try writeKeys(fileKeys, feed, p.seq)
        // (a roster's keys are sorted at commit, and only if a previous roster asks for it; any other feed's
        // are sorted here, in their own array: not copied beside it)
        if feed == .roster {
            p.keys = fileKeys
        } else {
            var sorted = fileKeys
            fileKeys = []
            p.repeatsWithin = SortedKeys.makeDistinct(&sorted)
            p.sortedKeys = sorted
        }
        if damagedRows > 0 {
            try AtomicFile.write(damaged, to: layout.damagedIDsFile(seq: p.seq))
        } else {
            unlink(layout.damagedIDsFile(seq: p.seq))
        }
        // on disk now, on this worker: the commit, one file after another, then only renames
        try staged.sync()
        try quarantine.sync()
        p.staged = staged
        p.quarantine = quarantine
    }

    /// The staged and quarantine files of file `seq`, each begun with its header (both discarded on a failure
    /// here; after it, the caller discards them unless it hands them over).
    func startOutputs(_ kind: FeedKind, seq: Int) throws -> (staged: StreamingFile, quarantine: StreamingFile) {
        let staged = try startStaged(kind, seq: seq)
        let quarantine: StreamingFile
        do { quarantine = try StreamingFile(path: layout.quarantineFile(seq: seq)) } catch {
            staged.discard()
            throw error
        }
        do {
            var qheader: [UInt8] = []
            CSVOut.appendRow(&qheader, QuarantineLine.header)
            try quarantine.append(qheader)
        } catch {
            staged.discard()
            quarantine.discard()
            throw error
        }
        return (staged, quarantine)
    }

    /// The staged file of file `seq`, begun with its header (discarded on a failure here).
    func startStaged(_ kind: FeedKind, seq: Int) throws -> StreamingFile {
        let staged = try StreamingFile(path: layout.stagedFile(kind, seq: seq))
        do {
            var header: [UInt8] = []
            CSVOut.appendRow(&header, kind.schema.fields.map(\.name))
            try staged.append(header)
        } catch {
            staged.discard()
            throw error
        }
        return staged
    }
}
