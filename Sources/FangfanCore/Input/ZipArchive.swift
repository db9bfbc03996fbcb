import CFangfanZlib

/// Why a zip archive (or one of its entries) was refused.
public enum ZipError: Error, Equatable, CustomStringConvertible {
    case notAZip
    case archiveTooLarge(limit: Int)
    case corrupt(String)
    case zip64Unsupported
    case multiDiskUnsupported
    case unsafeEntryName(String)
    case duplicateEntryName(String)
    case entryNotFound(String)
    case encrypted(String)
    case unsupportedMethod(name: String, method: UInt16)
    case entryTooLarge(name: String, declared: Int, limit: Int)
    case ratioTooHigh(name: String, limit: Int)
    case inflatesPastDeclaredSize(name: String, declared: Int)
    case entryCorrupt(name: String, reason: String)
    case crcMismatch(name: String, expected: UInt32, actual: UInt32)
    case tooManyEntries(limit: Int)
    case cannotDeflate(String)

    public var description: String {
        switch self {
        case .notAZip:
            return "not a zip archive (no end of central directory record): the file is truncated or of another type"
        case .archiveTooLarge(let limit):
            return "the archive is larger than \(limit) bytes: refused"
        case .corrupt(let why):
            return "the zip archive is corrupt or truncated: \(why)"
        case .zip64Unsupported:
            return "the archive is in ZIP64 format (over 4 GiB or 65535 entries), which is not supported"
        case .multiDiskUnsupported:
            return "the archive is split over several disks, which is not supported"
        case .unsafeEntryName(let name):
            return
                "the archive holds an entry named \(name.debugDescription) (absolute path, '..' segment or backslash): refused as hostile (path traversal)"
        case .duplicateEntryName(let name):
            return "the archive holds two entries named \(name.debugDescription): refused as ambiguous"
        case .entryNotFound(let name):
            return "the archive has no entry named \(name.debugDescription)"
        case .encrypted(let name):
            return "entry \(name.debugDescription) is encrypted: save the file again without a password"
        case .unsupportedMethod(let name, let method):
            return "entry \(name.debugDescription) uses compression method \(method); only stored (0) and deflate (8) are supported"
        case .entryTooLarge(let name, let declared, let limit):
            return "entry \(name.debugDescription) declares \(declared) bytes, more than the limit of \(limit): refused"
        case .ratioTooHigh(let name, let limit):
            return "entry \(name.debugDescription) inflates more than \(limit)× its compressed size: refused as a compression bomb"
        case .inflatesPastDeclaredSize(let name, let declared):
            return "entry \(name.debugDescription) inflates past its declared size of \(declared) bytes: refused as a compression bomb"
        case .entryCorrupt(let name, let reason):
            return "entry \(name.debugDescription) is corrupt: \(reason)"
        case .crcMismatch(let name, let expected, let actual):
            return
                "entry \(name.debugDescription) fails its CRC-32 check (stored \(hex(expected)), computed \(hex(actual))): the file is damaged"
        case .tooManyEntries(let limit):
            return "the archive holds more than \(limit) entries: refused"
        case .cannotDeflate(let why):
            return "cannot compress a zip entry: \(why)"
        }
    }

    private func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}

/// Caps that keep a hostile archive from exhausting memory or time.
public struct ZipLimits: Sendable {
    /// Largest archive read from a file.
    public var maxArchiveBytes: Int
    /// Largest uncompressed size of one entry.
    public var maxEntryBytes: Int
    /// Largest inflated/compressed ratio, checked once an entry is past `ratioGrace` bytes.
    public var maxRatio: Int
    public var ratioGrace: Int
    public var maxEntries: Int

    public init(
        maxArchiveBytes: Int = 1 << 30, maxEntryBytes: Int = 256 << 20, maxRatio: Int = 200,
        ratioGrace: Int = 16 << 20, maxEntries: Int = 10_000
    ) {
        self.maxArchiveBytes = maxArchiveBytes
        self.maxEntryBytes = maxEntryBytes
        self.maxRatio = maxRatio
        self.ratioGrace = ratioGrace
        self.maxEntries = maxEntries
    }
}

/// One file in a zip archive, as its central directory describes it.
public struct ZipEntry: Sendable, Equatable {
    public var name: String
    /// 0 stored, 8 deflate.
    public var method: UInt16
    public var compressedSize: Int
    public var uncompressedSize: Int
    public var crc32: UInt32
    var flags: UInt16
    var localHeaderOffset: Int
    var rawName: [UInt8]
}

/// Zip format constants shared by the reader and the builder.
enum ZipFormat {
    static let localHeader: UInt32 = 0x0403_4b50
    static let centralHeader: UInt32 = 0x0201_4b50
    static let endOfCentralDirectory: UInt32 = 0x0605_4b50
    static let zip64Locator: UInt32 = 0x0706_4b50
    static let localHeaderSize = 30
    static let centralHeaderSize = 46
    static let endRecordSize = 22
    static let flagEncrypted: UInt16 = 1 << 0
    static let flagStrongEncryption: UInt16 = 1 << 6
    static let flagUTF8: UInt16 = 1 << 11
    /// 1980-01-01 00:00, the earliest DOS date: a fixed timestamp keeps output reproducible.
    static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    static let dosTime: UInt16 = 0
}

/// A zip archive held in memory: lists entries and reads one entry by name, with caps.
/// Read-only: nothing is ever extracted to disk.
public struct ZipArchive: Sendable {
    public let entries: [ZipEntry]
    public let limits: ZipLimits
    private let bytes: [UInt8]
    private let index: [String: Int]
    /// Where the central directory starts: every entry's data lies before it.
    private let centralDirectoryOffset: Int

    /// Reads a whole file (at most `limits.maxArchiveBytes`) and opens it as an archive.
    /// I/O failures are thrown as `InputError`.
    public init(path: String, limits: ZipLimits = ZipLimits()) throws {
        try self.init(bytes: try Self.readFile(path: path, limit: limits.maxArchiveBytes), limits: limits)
    }

    public init(bytes: [UInt8], limits: ZipLimits = ZipLimits()) throws {
        self.bytes = bytes
        self.limits = limits
        let end = try Self.findEndRecord(bytes)
        let r = ByteReader(bytes)
        if r.u16(end + 4) != 0 || r.u16(end + 6) != 0 { throw ZipError.multiDiskUnsupported }
        let countOnDisk = Int(r.u16(end + 8)), count = Int(r.u16(end + 10))
        let cdSize = Int(r.u32(end + 12)), cdOffset = Int(r.u32(end + 16))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF
            || (end >= 20 && r.u32(end - 20) == ZipFormat.zip64Locator)
        {
            throw ZipError.zip64Unsupported
        }
        if countOnDisk != count { throw ZipError.multiDiskUnsupported }
        if count > limits.maxEntries { throw ZipError.tooManyEntries(limit: limits.maxEntries) }
        if cdOffset + cdSize > end {
            throw ZipError.corrupt("the central directory lies outside the file")
        }
        var entries: [ZipEntry] = []
        var index: [String: Int] = [:]
        var p = cdOffset
        for _ in 0..<count {
            let entry = try Self.centralEntry(r, at: &p, directoryEnd: cdOffset + cdSize)
            if index[entry.name] != nil { throw ZipError.duplicateEntryName(entry.name) }
            index[entry.name] = entries.count
            entries.append(entry)
        }
        self.entries = entries
        self.index = index
        self.centralDirectoryOffset = cdOffset
    }

    public func entry(named name: String) -> ZipEntry? {
        index[name].map { entries[$0] }
    }

    /// The uncompressed bytes of one entry, checked against the caps and its CRC-32.
    public func read(_ name: String) throws -> [UInt8] {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        return try read(entry)
    }

    public func read(_ entry: ZipEntry) throws -> [UInt8] {
        let name = entry.name
        if entry.flags & (ZipFormat.flagEncrypted | ZipFormat.flagStrongEncryption) != 0 {
            throw ZipError.encrypted(name)
        }
        if entry.method != 0 && entry.method != 8 {
            throw ZipError.unsupportedMethod(name: name, method: entry.method)
        }
        if entry.uncompressedSize > limits.maxEntryBytes {
            throw ZipError.entryTooLarge(name: name, declared: entry.uncompressedSize, limit: limits.maxEntryBytes)
        }
        if entry.uncompressedSize > limits.ratioGrace
            && entry.uncompressedSize / max(1, entry.compressedSize) > limits.maxRatio
        {
            throw ZipError.ratioTooHigh(name: name, limit: limits.maxRatio)
        }
        let data = try dataRange(of: entry)
        let out: [UInt8]
        if entry.method == 0 {
            if entry.compressedSize != entry.uncompressedSize {
                throw ZipError.entryCorrupt(name: name, reason: "a stored entry whose sizes differ")
            }
            out = Array(bytes[data])
        } else {
            out = try inflate(entry, data)
        }
        let actual = zipCRC32(out)
        if actual != entry.crc32 { throw ZipError.crcMismatch(name: name, expected: entry.crc32, actual: actual) }
        return out
    }

    // MARK: - Structure

    /// The end record is in the last 22 bytes, or before a comment of up to 65535 bytes.
    private static func findEndRecord(_ bytes: [UInt8]) throws -> Int {
        let r = ByteReader(bytes)
        let last = bytes.count - ZipFormat.endRecordSize
        if last < 0 { throw ZipError.notAZip }
        var p = last
        let stop = max(0, last - 0xFFFF)
        while p >= stop {
            if r.u32(p) == ZipFormat.endOfCentralDirectory && p + ZipFormat.endRecordSize + Int(r.u16(p + 20)) == bytes.count {
                return p
            }
            p -= 1
        }
        throw ZipError.notAZip
    }

    private static func centralEntry(_ r: ByteReader, at p: inout Int, directoryEnd: Int) throws -> ZipEntry {
        guard p + ZipFormat.centralHeaderSize <= directoryEnd, r.u32(p) == ZipFormat.centralHeader else {
            throw ZipError.corrupt("bad central directory entry at offset \(p)")
        }
        let nameLength = Int(r.u16(p + 28)), extraLength = Int(r.u16(p + 30)), commentLength = Int(r.u16(p + 32))
        let next = p + ZipFormat.centralHeaderSize + nameLength + extraLength + commentLength
        if next > directoryEnd { throw ZipError.corrupt("a central directory entry runs past the directory") }
        let compressed = r.u32(p + 20), uncompressed = r.u32(p + 24), offset = r.u32(p + 42)
        if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || r.u16(p + 34) == 0xFFFF {
            throw ZipError.zip64Unsupported
        }
        let rawName = Array(r.bytes[(p + 46)..<(p + 46 + nameLength)])
        let name = String(decoding: rawName, as: UTF8.self)
        try checkName(name, raw: rawName)
        let entry = ZipEntry(
            name: name, method: r.u16(p + 10), compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
            crc32: r.u32(p + 16), flags: r.u16(p + 8), localHeaderOffset: Int(offset), rawName: rawName)
        p = next
        return entry
    }

    /// Names that would escape an extraction folder mark a hostile archive, even though we never extract.
    private static func checkName(_ name: String, raw: [UInt8]) throws {
        if raw.isEmpty { throw ZipError.corrupt("an entry has an empty name") }
        let driveLetter = raw.count >= 2 && raw[1] == UInt8(ascii: ":")
        if raw.contains(0) || raw.contains(UInt8(ascii: "\\")) || raw[0] == UInt8(ascii: "/") || driveLetter
            || name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
        {
            throw ZipError.unsafeEntryName(name)
        }
    }

    /// Checks the local header against the central directory and returns where the data lies.
    private func dataRange(of entry: ZipEntry) throws -> Range<Int> {
        let r = ByteReader(bytes)
        let p = entry.localHeaderOffset
        guard p + ZipFormat.localHeaderSize <= centralDirectoryOffset, r.u32(p) == ZipFormat.localHeader else {
            throw ZipError.entryCorrupt(name: entry.name, reason: "no local header at offset \(p)")
        }
        let nameLength = Int(r.u16(p + 26)), extraLength = Int(r.u16(p + 28))
        let nameStart = p + ZipFormat.localHeaderSize
        let start = nameStart + nameLength + extraLength
        guard start + entry.compressedSize <= centralDirectoryOffset else {
            throw ZipError.entryCorrupt(name: entry.name, reason: "its data runs past the end of the archive")
        }
        if r.u16(p + 8) != entry.method || !bytes[nameStart..<(nameStart + nameLength)].elementsEqual(entry.rawName) {
            throw ZipError.entryCorrupt(name: entry.name, reason: "the local header does not match the central directory")
        }
        return start..<(start + entry.compressedSize)
    }

    private func inflate(_ entry: ZipEntry, _ data: Range<Int>) throws -> [UInt8] {
        let limits = InflateLimits(
            maxInflatedBytes: self.limits.maxEntryBytes, maxRatio: self.limits.maxRatio,
            ratioGrace: self.limits.ratioGrace)
        var out: [UInt8] = []
        out.reserveCapacity(entry.uncompressedSize)
        do {
            let source = try InflateByteSource(
                MemoryByteSource(Array(bytes[data])), gzip: false, limits: limits,
                expectedSize: entry.uncompressedSize)
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                out.append(contentsOf: chunk[0..<n])
            }
        } catch let error as InputError {
            switch error {
            case .gzipBomb: throw ZipError.inflatesPastDeclaredSize(name: entry.name, declared: entry.uncompressedSize)
            case .gzipRatio: throw ZipError.ratioTooHigh(name: entry.name, limit: self.limits.maxRatio)
            case .gzipCorrupt(let why): throw ZipError.entryCorrupt(name: entry.name, reason: why)
            default: throw error
            }
        }
        if out.count != entry.uncompressedSize {
            throw ZipError.entryCorrupt(
                name: entry.name, reason: "inflates to \(out.count) bytes, not the declared \(entry.uncompressedSize)")
        }
        return out
    }

    /// A whole file, refused when larger than `limit`.
    static func readFile(path: String, limit: Int) throws -> [UInt8] {
        let file = try FileByteSource(path: path)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { return out }
            if out.count + n > limit { throw ZipError.archiveTooLarge(limit: limit) }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}

/// Little-endian reads that return 0 past the end, so a truncated structure fails its signature check.
private struct ByteReader {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func u16(_ p: Int) -> UInt16 {
        guard p >= 0, p + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8
    }

    func u32(_ p: Int) -> UInt32 {
        guard p >= 0, p + 4 <= bytes.count else { return 0 }
        return UInt32(u16(p)) | UInt32(u16(p + 2)) << 16
    }
}

/// zlib's CRC-32, fed in pieces that fit its 32-bit length.
func zipCRC32(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { buffer in
        var crc: uLong = 0
        var p = 0
        while p < buffer.count {
            let n = min(buffer.count - p, 1 << 30)
            crc = crc32(crc, buffer.baseAddress! + p, uInt(n))
            p += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

// MARK: - Building archives
