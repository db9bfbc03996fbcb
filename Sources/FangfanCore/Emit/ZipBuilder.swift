import CFangfanZlib

/// Builds a zip archive in memory, entry by entry (the XLSX writer's container; tests use `addRaw`
/// to build hostile archives). Fixed timestamps: the same entries give the same bytes.
struct ZipBuilder {
    private(set) var bytes: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    /// Adds an entry, deflated (level 1: lists are written every month, speed beats a few KB) or stored.
    mutating func add(_ name: String, _ data: [UInt8], deflate: Bool = true) throws {
        let payload = deflate ? try deflateRaw(data) : data
        try addRaw(
            name, method: deflate ? 8 : 0, payload: payload, crc32: zipCRC32(data),
            uncompressedSize: data.count)
    }

    /// Adds an entry deflated as it is written: `write` is given a buffer and a `flush` to call whenever it
    /// likes (the buffer is deflated and emptied); what is left in the buffer at its end is deflated too.
    mutating func addDeflating(_ name: String, _ write: (inout [UInt8], _ flush: (inout [UInt8]) throws -> Void) throws -> Void) throws {
        let d = try RawDeflater()
        var buffer: [UInt8] = []
        func flush(_ b: inout [UInt8]) throws {
            try b.withUnsafeBufferPointer { try d.feed($0) }
            b.removeAll(keepingCapacity: true)
        }
        try write(&buffer, flush)
        try flush(&buffer)
        let (payload, crc, size) = try d.finish()
        try addRaw(name, method: 8, payload: payload, crc32: crc, uncompressedSize: size)
    }

    /// Adds an entry exactly as described: tests use it to declare sizes, CRCs and flags that lie.
    mutating func addRaw(
        _ name: String, method: UInt16, payload: [UInt8], crc32: UInt32,
        uncompressedSize: Int, flags: UInt16 = 0
    ) throws {
        let rawName = Array(name.utf8)
        let offset = bytes.count
        guard offset < 0xFFFF_FFFF, payload.count < 0xFFFF_FFFF, uncompressedSize < 0xFFFF_FFFF,
            count < 0xFFFF, rawName.count <= 0xFFFF
        else {
            throw ZipError.zip64Unsupported
        }
        let flags = flags | (rawName.allSatisfy { $0 < 0x80 } ? 0 : ZipFormat.flagUTF8)
        func common(_ out: inout [UInt8]) {
            out.le16(20)  // version needed: 2.0 (deflate)
            out.le16(flags)
            out.le16(method)
            out.le16(ZipFormat.dosTime)
            out.le16(ZipFormat.dosDate)
            out.le32(crc32)
            out.le32(UInt32(payload.count))
            out.le32(UInt32(uncompressedSize))
            out.le16(UInt16(rawName.count))
            out.le16(0)  // extra field length
        }
        bytes.le32(ZipFormat.localHeader)
        common(&bytes)
        bytes += rawName
        bytes += payload

        central.le32(ZipFormat.centralHeader)
        central.le16(20)  // version made by: MS-DOS, 2.0
        common(&central)
        central.le16(0)  // comment length
        central.le16(0)  // disk number
        central.le16(0)  // internal attributes
        central.le32(0)  // external attributes
        central.le32(UInt32(offset))
        central += rawName
        count += 1
    }

    /// The finished archive: entries, central directory, end record.
    func finish() throws -> [UInt8] {
        guard bytes.count + central.count < 0xFFFF_FFFF else { throw ZipError.zip64Unsupported }
        var out = bytes
        out += central
        out.le32(ZipFormat.endOfCentralDirectory)
        out.le16(0)  // this disk
        out.le16(0)  // disk with the central directory
        out.le16(UInt16(count))
        out.le16(UInt16(count))
        out.le32(UInt32(central.count))
        out.le32(UInt32(bytes.count))
        out.le16(0)  // comment length
        return out
    }
}

/// Raw deflate (no zlib or gzip wrapper), as zip entries hold it.
func deflateRaw(_ data: [UInt8], level: Int32 = 1) throws -> [UInt8] {
    guard data.count < Int(UInt32.max) else { throw ZipError.zip64Unsupported }
    let d = try RawDeflater(level: level)
    try data.withUnsafeBufferPointer { try d.feed($0) }
    return try d.finish().payload
}

/// Raw deflate fed piece by piece, with the CRC-32 and size of what was fed: a town's worksheet is deflated
/// as it is written, a megabyte at a time, instead of being held whole beside an output buffer of its
/// whole size (a province town's were tens of MB each, two towns at a time). zlib's output depends on the
/// bytes and the flushes only, not on how the input is cut: the same bytes as `deflateRaw` of the whole.
final class RawDeflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    private var out: [UInt8] = []
    private var crc: uLong = 0
    private var size = 0
    private var finished = false

    init(level: Int32 = 1) throws {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard cfangfan_deflateInit2(stream, level, -15) == Z_OK else {
            stream.deallocate()
            throw ZipError.cannotDeflate("deflateInit2 failed")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Deflates `bytes` (without finishing the stream).
    func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        precondition(!finished, "RawDeflater fed after finish")
        var p = 0
        while p < bytes.count {  // (zlib counts in 32 bits)
            let n = min(bytes.count - p, 1 << 30)
            crc = crc32(crc, bytes.baseAddress! + p, uInt(n))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress! + p)
            stream.pointee.avail_in = uInt(n)
            try run(Z_NO_FLUSH)
            p += n
        }
        size += bytes.count
        guard size < Int(UInt32.max) else { throw ZipError.zip64Unsupported }
    }

    /// Ends the stream: the deflated bytes, the CRC-32 and the size of everything fed.
    func finish() throws -> (payload: [UInt8], crc32: UInt32, size: Int) {
        precondition(!finished, "RawDeflater finished twice")
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try run(Z_FINISH)
        finished = true
        let payload = out
        out = []
        return (payload, UInt32(truncatingIfNeeded: crc), size)
    }

    /// Deflates what is in `next_in` (all of it), appending the output as it comes.
    private func run(_ flush: Int32) throws {
        while true {
            let (rc, produced) = chunk.withUnsafeMutableBufferPointer { c -> (Int32, Int) in
                stream.pointee.next_out = c.baseAddress
                stream.pointee.avail_out = uInt(c.count)
                let rc = deflate(stream, flush)
                return (rc, c.count - Int(stream.pointee.avail_out))
            }
            out.append(contentsOf: chunk[0..<produced])
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
                guard rc == Z_OK || rc == Z_BUF_ERROR && produced > 0 else { throw ZipError.cannotDeflate("deflate returned \(rc)") }
            } else {
                guard rc == Z_OK || rc == Z_BUF_ERROR else { throw ZipError.cannotDeflate("deflate returned \(rc)") }
                // all input taken and the output not full: nothing is pending
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return }
            }
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func le16(_ v: UInt16) {
        append(UInt8(v & 0xFF))
        append(UInt8(v >> 8))
    }

    fileprivate mutating func le32(_ v: UInt32) {
        le16(UInt16(v & 0xFFFF))
        le16(UInt16(v >> 16))
    }
}
