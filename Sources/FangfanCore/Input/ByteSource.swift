import CFangfanZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One field's bytes as read, in the row source's own memory: valid only while the row is being handled
/// (the `body` of `RowSource.next`). Handing fields out as pointers rather than array slices spares a
/// reference count up and down per field and row, which was a tenth of ingest's CPU.
public typealias RawField = UnsafeBufferPointer<UInt8>

/// A stream of raw bytes: a file, or a file behind a decompressor.
/// `read` fills the front of `buffer` and returns how many bytes it wrote; 0 means the end.
public protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// How many raw bytes of the underlying file have been consumed (for progress).
    var consumedFileBytes: Int { get }
}

public enum InputError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case readFailed(path: String, errno: Int32)
    case gzipCorrupt(String)
    case gzipBomb(inflated: Int, limit: Int)
    case gzipRatio(inflated: Int, compressed: Int, ratio: Int)
    case undecodable(offset: Int, encoding: String)
    case unterminatedQuote(line: Int)
    case fieldTooLarge(line: Int, limit: Int)
    case recordTooLarge(line: Int, limit: Int)
    case xml(String)
    case binary(offset: Int)
    case recordBytesTooLarge(line: Int, limit: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let e): return "cannot open \(p): \(String(cString: strerror(e)))"
        case .readFailed(let p, let e): return "read failed on \(p): \(String(cString: strerror(e)))"
        case .gzipCorrupt(let m): return "gzip data is corrupt or truncated: \(m)"
        case .gzipBomb(let n, let l):
            return "gzip inflates past \(l) bytes (\(n) so far): refused as a compression bomb"
        case .gzipRatio(let n, let c, let r):
            return "gzip inflates \(c) bytes into \(n) (more than \(r)×): refused as a compression bomb"
        case .undecodable(let o, let e): return "undecodable bytes at byte offset \(o) (tried \(e))"
        case .unterminatedQuote(let l): return "unterminated quoted field starting on line \(l)"
        case .fieldTooLarge(let l, let lim): return "a field on line \(l) is longer than \(lim) bytes"
        case .recordTooLarge(let l, let lim): return "the record on line \(l) has more than \(lim) fields"
        case .xml(let m): return m
        case .recordBytesTooLarge(let l, let lim): return "the record on line \(l) is longer than \(lim) bytes"
        case .binary(let o): return "a NUL byte at byte offset \(o): not a text export"
        }
    }
}

/// Reads a file with plain read(2) calls, no mapping, so memory stays flat.
public final class FileByteSource: ByteSource {
    public let path: String
    private let fd: Int32
    public private(set) var consumedFileBytes = 0

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw InputError.cannotOpen(path: path, errno: errno) }
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                consumedFileBytes += n
                return n
            }
            if errno == EINTR { continue }
            throw InputError.readFailed(path: path, errno: errno)
        }
    }
}

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

/// Limits that keep a compressed file from becoming a memory or time bomb.
public struct InflateLimits: Sendable {
    /// Largest inflated size accepted, in bytes.
    public var maxInflatedBytes: Int
    /// Largest inflated/compressed ratio accepted once past `ratioGrace` bytes.
    public var maxRatio: Int
    public var ratioGrace: Int

    public init(maxInflatedBytes: Int = 8 << 30, maxRatio: Int = 200, ratioGrace: Int = 1 << 20) {
        self.maxInflatedBytes = maxInflatedBytes
        self.maxRatio = maxRatio
        self.ratioGrace = ratioGrace
    }
}

/// Inflates a gzip (or raw deflate) stream from another source, with a cap on size and ratio.
public final class InflateByteSource: ByteSource {
    private let inner: ByteSource
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var finished = false
    private var inflated = 0
    private let limits: InflateLimits
    private let gzip: Bool
    private let rawLimit: Int?
    public var consumedFileBytes: Int { inner.consumedFileBytes }

    /// - Parameters:
    ///   - gzip: true for a gzip file (members concatenated are read in turn); false for raw deflate (zip entries).
    ///   - expectedSize: for raw deflate with a known size (zip), refuse output past it.
    public init(_ inner: ByteSource, gzip: Bool = true, limits: InflateLimits = InflateLimits(),
                expectedSize: Int? = nil) throws {
        self.inner = inner
        self.limits = limits
        self.gzip = gzip
        self.rawLimit = expectedSize
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        let rc = cfangfan_inflateInit2(&stream, gzip ? 15 + 16 : -15)
        if rc != Z_OK {
            input.deallocate()
            throw InputError.gzipCorrupt("inflateInit2 failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished || buffer.count == 0 { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                let n = try inner.read(into: input)
                if n == 0 {
                    let produced = buffer.count - Int(stream.avail_out)
                    if produced > 0 { return try account(produced) }
                    throw InputError.gzipCorrupt("the stream ends before its end marker (truncated file)")
                }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(n)
            }
            let rc = inflate(&stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                if gzip, try moreGzipMembers() { continue }
                finished = true
                break
            }
            if rc == Z_BUF_ERROR { continue }
            if rc != Z_OK {
                let msg = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw InputError.gzipCorrupt(msg)
            }
        }
        return try account(buffer.count - Int(stream.avail_out))
    }

    private func account(_ produced: Int) throws -> Int {
        inflated += produced
        let limit = min(limits.maxInflatedBytes, rawLimit ?? Int.max)
        if inflated > limit {
            throw InputError.gzipBomb(inflated: inflated, limit: limit)
        }
        let compressed = max(1, Int(stream.total_in))
        if inflated > limits.ratioGrace && inflated / compressed > limits.maxRatio {
            throw InputError.gzipRatio(inflated: inflated, compressed: compressed, ratio: limits.maxRatio)
        }
        return produced
    }

    /// A gzip file may hold several members one after the other; anything else after the end is an error.
    private func moreGzipMembers() throws -> Bool {
        if stream.avail_in == 0 {
            let n = try inner.read(into: input)
            if n == 0 { return false }
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(n)
        }
        let keepIn = stream.total_in
        if inflateReset(&stream) != Z_OK { throw InputError.gzipCorrupt("cannot restart inflate") }
        stream.total_in = keepIn
        return true
    }
}

/// Opens a path as a byte source, inflating `.gz` files.
public func openByteSource(path: String, limits: InflateLimits = InflateLimits()) throws -> ByteSource {
    let file = try FileByteSource(path: path)
    if path.lowercased().hasSuffix(".gz") {
        return try InflateByteSource(file, gzip: true, limits: limits)
    }
    return file
}

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
