import CFangfanZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Bytes held in memory: tests, and small files already read.
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    /// Largest piece handed out per call; tests use small and random pieces to cut input anywhere.
    private var pieces: [Int]
    private var pieceIndex = 0
    public var consumedFileBytes: Int { position }

    public init(_ bytes: [UInt8], pieces: [Int] = []) {
        self.bytes = bytes
        self.pieces = pieces
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var n = min(buffer.count, bytes.count - position)
        if !pieces.isEmpty {
            n = min(n, max(1, pieces[pieceIndex % pieces.count]))
            pieceIndex += 1
        }
        if n <= 0 { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}
