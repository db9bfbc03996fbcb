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
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { stream.deallocate() }
    guard cfangfan_deflateInit2(stream, level, -15) == Z_OK else { throw ZipError.cannotDeflate("deflateInit2 failed") }
    defer { deflateEnd(stream) }
    guard data.count < Int(UInt32.max) else { throw ZipError.zip64Unsupported }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(data.count))))
    let rc = data.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            stream.pointee.avail_in = uInt(src.count)
            stream.pointee.next_out = dst.baseAddress
            stream.pointee.avail_out = uInt(dst.count)
            return deflate(stream, Z_FINISH)
        }
    }
    guard rc == Z_STREAM_END else { throw ZipError.cannotDeflate("deflate returned \(rc)") }
    out.removeLast(Int(stream.pointee.avail_out))
    return out
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
