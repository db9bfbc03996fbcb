#if canImport(Glibc)
import Glibc
#endif

/// Cuts a CSV file, as it is read, into pieces of about `pieceBytes` that end right after a line feed
/// (the last piece: whatever is left), for `CSVParallelParse`. A line feed is never part of a multi-byte
/// character in UTF-8 or GB18030, so a piece never splits one; but it can lie inside a quoted field, which
/// the cutter cannot know: the parse of the piece before such a cut ends inside the quotes, and
/// `CSVParallelParse` then hands the file to the sequential reader.
final class CSVPieceCutter {
    private let source: ByteSource
    let pieceBytes: Int
    /// A piece without any line feed in this many bytes (`pieceBytes` and as much again, at most 1 MB more,
    /// unless given): the cutter gives
    /// up (`next` returns nil with `gaveUp` set), and the file is read in one pass, which streams a long
    /// record and whose limits then speak (a file of one 40 MB line must not be held whole here).
    let maxPieceBytes: Int
    private var carry: [UInt8] = []
    private var ended = false
    private(set) var gaveUp = false
    private let block: UnsafeMutableRawBufferPointer

    init(_ source: ByteSource, pieceBytes: Int, maxPieceBytes: Int? = nil) {
        self.source = source
        self.pieceBytes = max(1, pieceBytes)
        self.maxPieceBytes = max(self.pieceBytes, maxPieceBytes ?? self.pieceBytes + min(self.pieceBytes, 1 << 20))
        block = UnsafeMutableRawBufferPointer.allocate(byteCount: max(64 << 10, min(self.pieceBytes, 1 << 20)), alignment: 16)
    }

    deinit { block.deallocate() }

    /// Bytes of the file read so far.
    var consumedFileBytes: Int { source.consumedFileBytes }

    /// The next piece: its bytes end just after a line feed, but for the last one; nil at the end of the
    /// file (or when the cutter gave up).
    func next() throws -> [UInt8]? {
        if gaveUp { return nil }
        var piece = carry
        carry = []
        var searchedTo = 0  // bytes of `piece` known to hold no line feed past the last cut candidate
        while true {
            while piece.count < pieceBytes && !ended { try readBlock(into: &piece, atMost: pieceBytes - piece.count) }
            if ended {
                return piece.isEmpty ? nil : piece
            }
            // the last line feed of what was read: the piece ends right after it
            let cut = piece.withUnsafeBufferPointer { p -> Int? in
                var i = p.count - 1
                while i >= searchedTo {
                    if p[i] == 0x0A { return i + 1 }
                    i -= 1
                }
                return nil
            }
            if let c = cut {
                if c < piece.count { carry = Array(piece[c...]) }
                piece.removeSubrange(c...)
                return piece
            }
            // no line feed yet: read on (a long record), up to the limit
            searchedTo = piece.count
            if piece.count >= maxPieceBytes {
                gaveUp = true
                return nil
            }
            try readBlock(into: &piece, atMost: pieceBytes)
        }
    }

    private func readBlock(into piece: inout [UInt8], atMost limit: Int) throws {
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: block[0..<min(limit, block.count)]))
        if n == 0 { ended = true; return }
        piece.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[0..<n]))
    }
}
