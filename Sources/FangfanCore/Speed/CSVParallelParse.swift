import Foundation

/// One large CSV file parsed, validated and staged on both cores: `CSVPieceCutter` cuts the file into
/// pieces that end after a line feed, the pieces of a wave are worked on at once, each on a thread of its own
/// (`work`: a reader of its own per piece, lines counted from 1; threads, not `concurrentPerform`, because
/// ingest reads the file inside its own `concurrentPerform`, where a nested one runs on one core), and `merge`
/// takes their results in file order, on the calling thread, with the line the piece starts at in the whole
/// file, while the next wave is worked on.
///
/// A piece's work is the one pass's over those bytes if the piece starts at a record's start. The first
/// does; and a piece whose own parse ends cleanly (not inside quotes, no error) ends at a record's end, so
/// the next one starts at a record's start. `work` says whether its piece ended so (`Piece.clean`): the
/// first piece that did not (a cut inside a quoted line break, a malformed or undecodable file, a limit)
/// stops the run before its result or any later one is merged, and the caller reads the whole file again
/// in one pass, discarding what was merged — the rows, their lines, the quarantine and the error are then
/// exactly those of one pass, whatever made the piece fail.
enum CSVParallelParse {
    /// About 4 MB of the file per piece: tens of milliseconds of work against a reader's setup; four
    /// pieces in a wave (two per core) keep memory flat: the pieces' bytes and their staged rows, some
    /// 40 MB (a piece is at most 1 MB over `pieceBytes`, or the file goes to the one pass).
    static let pieceBytes = 4 << 20
    static let wave = 4

    /// What a piece's work reports besides its result.
    struct Piece<T> {
        var result: T
        /// The parse ended at the end of the piece's bytes, at a record's end, without an error.
        var clean: Bool
        /// Line ends the piece's reader read (where the next piece's lines continue).
        var lines: Int
    }

    /// Runs the pieces; true when every piece was clean and merged, false when the caller must read the
    /// file in one pass (a piece was not clean, or the cutter gave up).
    ///
    /// The waves overlap: a wave's pieces 1… start on their threads, the wave before is merged on the calling
    /// thread meanwhile, then piece 0 is worked on there. (In turns, the merge — the staged lines written, the
    /// keys and the quarantine appended — ran with the other core idle: at province scale, once the roster was
    /// read, the medical file's last seconds ran on 1.3 cores.) Every wave is still merged in order, and only
    /// once every piece before it was clean; a wave started past a piece that was not is waited for and dropped.
    /// - Parameters:
    ///   - first: the first piece, if the caller took it from the cutter already (to read the header).
    ///   - work: piece index and bytes → its result; piece 0 starts at the file's start (its header).
    ///   - merge: piece index, result, the file's line where the piece starts; called in order.
    static func run<T>(
        cutter: CSVPieceCutter, first: [UInt8]? = nil, wave: Int = CSVParallelParse.wave,
        work: @escaping @Sendable (Int, [UInt8]) -> Piece<T>,
        merge: (Int, T, Int) throws -> Void
    ) throws -> Bool {
        var index = 0
        var line = 1
        var taken = first
        /// The wave worked on and not yet merged: its first piece's index and its pieces.
        var unmerged: (first: Int, pieces: [Piece<T>])?
        /// Merges a wave in order; false at its first piece that did not end cleanly.
        func mergeWave(_ w: (first: Int, pieces: [Piece<T>])) throws -> Bool {
            for (k, piece) in w.pieces.enumerated() {
                guard piece.clean else { return false }
                try merge(w.first + k, piece.result, line)
                line += piece.lines
            }
            return true
        }
        while true {
            var bytes: [[UInt8]] = []
            if let b = taken { bytes.append(b); taken = nil }
            while bytes.count < max(1, wave), let b = try cutter.next() { bytes.append(b) }
            if cutter.gaveUp { return false }
            guard !bytes.isEmpty else { return try unmerged.map(mergeWave) ?? true }
            let first = index
            let batch = bytes
            let running = ParallelResults.startOnThreads(count: batch.count) { k in work(first + k, batch[k]) }
            if let w = unmerged, try !mergeWave(w) { return false }
            let pieces = try running.finish().all()
            unmerged = (first, pieces)
            index += batch.count
        }
    }
}
