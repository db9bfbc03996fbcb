import CFangfanZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads another source on a thread of its own, a few blocks ahead of the caller: a gzip file inflates
/// on one core while its rows are parsed and validated on the other. The bytes, the end and an error
/// come out in the order the inner source gives them (an error after the bytes read before it); memory
/// is the blocks, whatever the file's size. Dropped part-way (a file rejected mid-way), it stops its
/// thread: the thread holds only the shared `Blocks`, never the source itself, so its deinit runs.
public final class ReadAheadByteSource: ByteSource, @unchecked Sendable {
    /// What the caller and the read-ahead thread share, under `lock`.
    private final class Blocks: @unchecked Sendable {
        let inner: ByteSource
        let lock = NSCondition()
        var filled: [(block: UnsafeMutableRawBufferPointer, count: Int, consumed: Int)] = []
        var empty: [UnsafeMutableRawBufferPointer]
        var failure: Error?
        var ended = false
        var cancelled = false

        init(_ inner: ByteSource, blockSize: Int, blocks: Int) {
            self.inner = inner
            empty = (0..<max(2, blocks)).map { _ in .allocate(byteCount: max(1, blockSize), alignment: 16) }
        }

        deinit {
            for b in empty { b.deallocate() }
            for f in filled { f.block.deallocate() }
        }

        /// The read-ahead thread: fills empty blocks from `inner` until its end, an error or a cancel.
        func fill() {
            while true {
                lock.lock()
                while empty.isEmpty && !cancelled { lock.wait() }
                if cancelled {
                    lock.unlock()
                    return
                }
                let block = empty.removeLast()
                lock.unlock()
                let n: Int
                do {
                    n = try inner.read(into: block)
                } catch {
                    lock.lock()
                    empty.append(block)
                    failure = error
                    lock.broadcast()
                    lock.unlock()
                    return
                }
                lock.lock()
                if n == 0 {
                    empty.append(block)
                    ended = true
                } else {
                    filled.append((block, n, inner.consumedFileBytes))
                }
                lock.broadcast()
                lock.unlock()
                if n == 0 { return }
            }
        }
    }

    private let blocks: Blocks
    private var thread: BackgroundTask<Void>?
    // The caller's side.
    private var current: (block: UnsafeMutableRawBufferPointer, count: Int, consumed: Int)?
    private var at = 0
    /// Bytes of the underlying file consumed by the blocks handed out so far.
    public private(set) var consumedFileBytes = 0

    public init(_ inner: ByteSource, blockSize: Int = 256 << 10, blocks: Int = 3) {
        self.blocks = Blocks(inner, blockSize: blockSize, blocks: blocks)
    }

    deinit {
        let b = blocks
        b.lock.lock()
        b.cancelled = true
        b.lock.broadcast()
        if let c = current { b.empty.append(c.block) }  // freed with the rest
        b.lock.unlock()
        try? thread?.wait()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if buffer.count == 0 { return 0 }
        let b = blocks
        while true {
            if let c = current, at < c.count {
                let n = min(buffer.count, c.count - at)
                buffer.baseAddress!.copyMemory(from: c.block.baseAddress! + at, byteCount: n)
                at += n
                return n
            }
            b.lock.lock()
            if let c = current {
                b.empty.append(c.block)
                current = nil
                b.lock.broadcast()
            }
            if thread == nil { thread = BackgroundTask(name: "fangfan-read") { b.fill() } }  // holds the blocks, not this source
            while b.filled.isEmpty && b.failure == nil && !b.ended { b.lock.wait() }
            if !b.filled.isEmpty {
                current = b.filled.removeFirst()
                at = 0
                consumedFileBytes = current!.consumed
                b.lock.unlock()
                continue
            }
            let error = b.failure
            b.lock.unlock()
            if let error { throw error }
            return 0
        }
    }
}
