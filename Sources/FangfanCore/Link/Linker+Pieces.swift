import Foundation

extension Linker {
    /// What one piece of a staged file gave (on any core): how many records it holds, and its records of the
    /// period with their household (-1: the roster does not know them), copied one after another.
    struct LinkPieceRecords {
        var records = 0
        /// Per record of the period: its number in the piece, its household, where its bytes and field ends end.
        var index: [Int] = []
        var household: [Int] = []
        var bytesEnd: [Int] = []
        var endsEnd: [Int] = []
        var quoted: [Bool] = []
        var bytes: [UInt8] = []
        /// Field ends from the record's start (`CSVRecord.ends`).
        var ends: [Int] = []
    }

    /// Links one large staged file in pieces (`CSVParallelParse`): each piece is read, kept to the period and
    /// looked up in the roster on either core; its records then go, in file order on this thread, through the
    /// one pass's steps — a later version replaces it (by its number in the feed), its household's linked
    /// record and figures, or the unmatched records — so the part is the one pass's byte for byte. Nil, with
    /// nothing left behind, when a piece does not end cleanly (a cut inside a quoted line break, a staged file
    /// the one pass would refuse): the caller links the file in one pass.
    func linkInPieces(_ join: FeedJoin, plan: LinkPlan, files: Range<Int>, dir: String, accumulating: Bool) throws -> LinkedPart? {
        let f = files.lowerBound
        let file = plan.files[f]
        guard let source = try? FileByteSource(path: file.path) else { return nil }
        let cutter = CSVPieceCutter(source, pieceBytes: linkPieceBytes)
        var part = try startPart(join, files: files, dir: dir, accumulating: accumulating)
        let width = join.feed.schema.fields.count
        let fromKey = period.from.index, toKey = period.to.index
        let dateIndex = join.dateIndex
        let work: @Sendable (Int, [UInt8]) -> CSVParallelParse.Piece<LinkPieceRecords> = { k, bytes in
            var out = LinkPieceRecords()
            do {
                // as StagedStore.forEach reads a staged file
                let reader = CSVReader(
                    try DecodedSource(MemoryByteSource(bytes), encoding: .utf8, midFile: k > 0),
                    limits: CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64))
                if k == 0 {
                    guard let header = try reader.next(), header.count == width else { return .init(result: out, clean: false, lines: 0) }
                }
                var lastKey = UInt64.max, lastHousehold: Int? = nil
                out.bytes.reserveCapacity(bytes.count)
                while let r = try reader.next() {
                    let i = out.records
                    out.records += 1
                    let d = r[dateIndex]
                    guard d.count >= 7 else { continue }
                    let mi = Month.stagedIndex(d)
                    guard mi >= fromKey && mi <= toKey else { continue }
                    let key = join.rosterKey(r)
                    if key != lastKey {
                        lastKey = key
                        lastHousehold = join.household(key: key)
                    }
                    out.index.append(i)
                    out.household.append(lastHousehold ?? -1)
                    r.bytes.withUnsafeBufferPointer { out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<r.used])) }
                    out.ends.append(contentsOf: r.ends)
                    out.bytesEnd.append(out.bytes.count)
                    out.endsEnd.append(out.ends.count)
                    out.quoted.append(r.quoted)
                }
                return .init(result: out, clean: true, lines: reader.linesRead)
            } catch {
                return .init(result: out, clean: false, lines: 0)
            }
        }
        let roster = join.roster
        let reviewed = FeedKind.reviewed.contains(join.feed)
        var ordinal = file.first
        var record = CSVRecord(line: 0)
        let merged = try CSVParallelParse.run(cutter: cutter, work: work) { _, piece, _ in
            for j in piece.index.indices {
                let o = ordinal + piece.index[j]
                if let gone = plan.superseded, gone.contains(o) { continue }  // a later version replaces this one
                // the record as read
                let b0 = j == 0 ? 0 : piece.bytesEnd[j - 1], e0 = j == 0 ? 0 : piece.endsEnd[j - 1]
                record.used = 0
                piece.bytes.withUnsafeBufferPointer { record.append(UnsafeBufferPointer(rebasing: $0[b0..<piece.bytesEnd[j]])) }
                record.ends.removeAll(keepingCapacity: true)
                record.ends.append(contentsOf: piece.ends[e0..<piece.endsEnd[j]])
                record.quoted = piece.quoted[j]
                let h = piece.household[j]
                if h >= 0 {
                    part.matched += 1
                    part.figures?.add(h, record, offset: 0)
                    try part.matchedFile.withBuffer { line in
                        roster.households[h].id.appendDigits(to: &line)
                        record.appendFields(to: &line)
                        line.append(0x0A)
                    }
                } else {
                    part.unmatched += 1
                    let fields = (0..<record.count).map { record.string($0) }
                    try part.unmatchedFile.withBuffer { CSVOut.appendRow(&$0, fields) }
                    if reviewed {
                        part.toReview.append(
                            ReviewRecord(feed: join.feed, file: file.file, line: nil, fields: fields, quarantined: false))
                    }
                }
            }
            ordinal += piece.records
        }
        guard merged else {
            part.matchedFile.discard()
            part.unmatchedFile.discard()
            return nil
        }
        // in place (synced) on this core, while the other may still be linking
        try part.matchedFile.commit()
        return part
    }
}
