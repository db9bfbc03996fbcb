import Foundation

extension Ingestor {
    /// Feeds whose rows are staged as they come (not held for a second pass, not applied to the ledger):
    /// a large CSV file of one is read in pieces on both cores (`CSVParallelParse`).
    static func readsInPieces(_ kind: FeedKind) -> Bool { kind != .roster && kind != .verification && kind != .review }

    /// What one piece of a file gave: its staged lines and record keys, its counts, and its quarantine lines
    /// and kept ID rows with their lines counted from the piece's first line (1).
    struct PieceRows {
        var staged: [UInt8] = []
        var keys: [UInt64] = []
        var read = 0
        var accepted = 0
        var quarantined = 0
        /// Per quarantined row: its line in the piece, and the quarantine line's fields after the file and line.
        var quarantine: [(line: Int, fields: [String])] = []
        /// Per kept ID row: its line in the piece, and its fields (the first, the line, filled in at the merge).
        var damaged: [(line: Int, fields: [String])] = []
        var bytes = 0
    }

    /// Reads a CSV file of a feed that stages its rows as they come in pieces, on both cores; the same
    /// staged file, quarantine, keys, kept ID rows and counts as `readOnce` in one pass (the rows in
    /// file order, their lines those of the whole file). False, with nothing left behind, when the file
    /// must be read in one pass: a piece that did not end cleanly (a quoted line break at a cut, a bad
    /// file), a header the one pass would refuse, a file the cutter gave up on.
    func readCSVInPieces(_ f: InboxFile, feed: FeedConfig, encoding: TextEncoding, into p: Prepared) throws -> Bool {
        let schema = feed.kind.schema
        guard let file = try? FileByteSource(path: f.path) else { return false }
        let cutter = CSVPieceCutter(file, pieceBytes: csvPieceBytes)
        // the header, from the first piece, on this thread: every piece maps its columns
        guard let firstBytes = try? cutter.next() else { return false }
        let firstRows: CSVRowSource
        let firstDecoded: DecodedSource
        do {
            firstDecoded = try DecodedSource(MemoryByteSource(firstBytes), encoding: encoding)
            firstRows = try CSVRowSource(reader: CSVReader(firstDecoded, limits: config.csv), feed: feed)
        } catch {
            return false
        }
        let (staged, quarantine) = try startOutputs(feed.kind, seq: p.seq)
        var handedOver = false
        defer { if !handedOver { staged.discard(); quarantine.discard() } }

        let fileKeyFields = schema.key.map { schema.index(of: $0)! }
        // rows quarantined for their resident ID alone are kept whole beside the quarantine (RULES.md §11)
        let personField = FeedKind.reviewed.contains(feed.kind) ? schema.index(of: "person_id") : nil
        let limits = config.csv
        let first = FirstPiece(rows: firstRows)
        let work: @Sendable (Int, [UInt8]) -> CSVParallelParse.Piece<PieceRows> = { [self] k, bytes in
            var out = PieceRows()
            out.bytes = bytes.count
            // staged rows take about the bytes they were read from: grown once, not by doubling
            out.staged.reserveCapacity(bytes.count + bytes.count / 8)
            do {
                let rows =
                    k == 0
                    ? first.rows
                    : CSVRowSource(
                        reader: CSVReader(
                            try DecodedSource(MemoryByteSource(bytes), encoding: encoding, midFile: true), limits: limits),
                        sameColumnsAs: first.rows)
                let validator = RowValidator(feed: feed, today: today)
                var row = NormalizedRow()
                // the key's fields in an array of the piece's own, as the columns (`ownCopy`)
                let keyFields = fileKeyFields.ownCopy()
                // the row loop of `readOnce`, for a feed that stages its rows as they come
                try rows.forEachRow { location, countProblem, raw in
                    out.read += 1
                    if let p = countProblem {
                        out.quarantined += 1
                        let e = ValueError(.fieldCount, p.message)
                        out.quarantine.append((location, ["(整行)", p.raw, e.code.rawValue, e.message]))
                        return
                    }
                    if let p = validator.validate(raw, into: &row) {
                        out.quarantined += 1
                        out.quarantine.append((location, [rows.fieldLabels[p.field], p.raw, p.error.code.rawValue, p.error.message]))
                        if let pf = personField, p.field == pf, DamagedRecords.idReasons.contains(p.error.code),
                            let kept = DamagedRecords.keep(raw, personField: pf, rawID: p.raw, validator: validator, line: location)
                        {
                            out.damaged.append((location, kept))
                        }
                        return
                    }
                    out.keys.append(row.recordKey(keyFields))
                    out.accepted += 1
                    row.appendLine(to: &out.staged)
                    CrashPoint.hit("row")
                }
                try rows.finish()
                return .init(result: out, clean: true, lines: rows.reader.linesRead)
            } catch {
                return .init(result: out, clean: false, lines: 0)
            }
        }
        var read = 0, accepted = 0, quarantined = 0
        var fileKeys: [UInt64] = []
        var damaged: [UInt8] = []
        var damagedRows = 0
        progress?.begin(file: f.relativeName, bytes: f.size)
        defer { progress?.end() }
        let merged = try CSVParallelParse.run(cutter: cutter, first: firstBytes, work: work) { _, piece, line in
            read += piece.read
            accepted += piece.accepted
            quarantined += piece.quarantined
            fileKeys.append(contentsOf: piece.keys)
            try staged.append(piece.staged)
            for (l, fields) in piece.quarantine {
                try quarantine.withBuffer { CSVOut.appendRow(&$0, [f.relativeName, String(line + l - 1)] + fields) }
            }
            for (l, fields) in piece.damaged {
                var kept = fields
                kept[0] = String(line + l - 1)
                if damaged.isEmpty { CSVOut.appendRow(&damaged, DamagedRecords.header(schema)) }
                CSVOut.appendRow(&damaged, kept)
                damagedRows += 1
            }
            progress?.advance(rows: piece.read, bytes: piece.bytes)
        }
        guard merged else { return false }
        // auto that never left UTF-8 read the file as UTF-8
        let decodedAs = firstDecoded.encoding == .auto ? TextEncoding.utf8.rawValue : firstDecoded.encoding.rawValue
        try finishRead(
            p, feed: feed.kind, read: read, accepted: accepted, quarantined: quarantined,
            extraColumns: firstRows.extraColumns, encoding: decodedAs, keys: &fileKeys, damaged: damaged,
            damagedRows: damagedRows, staged: staged, quarantine: quarantine)
        handedOver = true
        return true
    }
}

/// The first piece's rows (the header read on the calling thread), handed to the worker that reads them.
private final class FirstPiece: @unchecked Sendable {
    let rows: CSVRowSource
    init(rows: CSVRowSource) { self.rows = rows }
}
