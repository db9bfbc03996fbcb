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

/// Opens a path as a byte source, inflating `.gz` files.
public func openByteSource(path: String, limits: InflateLimits = InflateLimits()) throws -> ByteSource {
    let file = try FileByteSource(path: path)
    if path.lowercased().hasSuffix(".gz") {
        return try InflateByteSource(file, gzip: true, limits: limits)
    }
    return file
}
