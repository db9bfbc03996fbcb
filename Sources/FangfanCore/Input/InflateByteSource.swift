import CFangfanZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
    public init(
        _ inner: ByteSource, gzip: Bool = true, limits: InflateLimits = InflateLimits(),
        expectedSize: Int? = nil
    ) throws {
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
