import Foundation

/// One large CSV file parsed, validated and staged on both cores: `CSVPieceCutter` cuts the file into
/// pieces that end after a line feed, the pieces of a wave are worked on at once, each on a thread of its own
/// (`work`: a reader of its own per piece, lines counted from 1; threads, not `concurrentPerform`, because
/// ingest reads the file inside its own `concurrentPerform`, where a nested one runs on one core), and `merge` takes their results in file order, on the
/// calling thread, with the line the piece starts at in the whole file.
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
        while true {
            var bytes: [[UInt8]] = []
            if let b = taken { bytes.append(b); taken = nil }
            while bytes.count < max(1, wave), let b = try cutter.next() { bytes.append(b) }
            if cutter.gaveUp { return false }
            if bytes.isEmpty { return true }
            let first = index
            let batch = bytes
            let done = try ParallelResults.onThreads(count: batch.count) { k in work(first + k, batch[k]) }.all()
            for (k, piece) in done.enumerated() {
                guard piece.clean else { return false }
                try merge(first + k, piece.result, line)
                line += piece.lines
            }
            index += batch.count
        }
    }
}
