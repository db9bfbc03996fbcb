/// An XML file declared in a GB encoding (`<?xml version="1.0" encoding="GB18030"?>`, also GBK and GB2312,
/// which GB18030 contains) is decoded to UTF-8 by the decoder CSV files go through, and handed to libxml2
/// as UTF-8 with its declaration ignored (XML_PARSE_IGNORE_ENC): the same characters, read several times
/// faster than through libxml2's own conversion. Any other file is handed over as it is.
enum XMLInput {
    static let gbNames: Set<String> = ["GB18030", "GBK", "GB2312", "CP936", "GB_2312-80"]

    /// The input for libxml2, and whether libxml2 must ignore the declared encoding.
    static func utf8(_ source: ByteSource) throws -> (source: ByteSource, ignoreDeclaredEncoding: Bool) {
        // the declaration is at the very start: read until its end, or 1 KB
        var head = [UInt8]()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 16)
        defer { chunk.deallocate() }
        while head.count < 1024 && !head.contains(0x3E) {   // '>'
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<(1024 - head.count)]))
            if n == 0 { break }
            head.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        let prefixed = PrefixedByteSource(head, source)
        guard let name = declaredEncoding(head), gbNames.contains(name.uppercased()) else { return (prefixed, false) }
        return (DecodedByteSource(try DecodedSource(prefixed, encoding: .gb18030)), true)
    }

    /// The `encoding` of an XML declaration at the start of the bytes, if there is one.
    static func declaredEncoding(_ b: [UInt8]) -> String? {
        guard b.starts(with: Array("<?xml".utf8)), let end = b.firstIndex(of: 0x3E) else { return nil }
        let decl = Array(b[0..<end])
        let key = Array("encoding".utf8)
        guard let at = (0...(max(0, decl.count - key.count))).first(where: { decl[$0...].starts(with: key) }) else { return nil }
        var i = at + key.count
        while i < decl.count && (decl[i] == 0x20 || decl[i] == 0x09 || decl[i] == 0x0D || decl[i] == 0x0A || decl[i] == 0x3D) { i += 1 }
        guard i < decl.count, decl[i] == 0x22 || decl[i] == 0x27 else { return nil }
        let quote = decl[i]
        guard let close = decl[(i + 1)...].firstIndex(of: quote) else { return nil }
        return String(decoding: decl[(i + 1)..<close], as: UTF8.self)
    }
}

/// Bytes already read, then the rest of the source.
final class PrefixedByteSource: ByteSource {
    private var prefix: [UInt8]
    private var position = 0
    private let rest: ByteSource

    init(_ prefix: [UInt8], _ rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    var consumedFileBytes: Int { rest.consumedFileBytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if position < prefix.count {
            let n = min(buffer.count, prefix.count - position)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
            position += n
            if position == prefix.count { prefix = [] ; position = Int.max }
            return n
        }
        return try rest.read(into: buffer)
    }
}

/// A decoded (UTF-8) text source read as bytes.
final class DecodedByteSource: ByteSource {
    private let decoded: DecodedSource
    private var pending: [UInt8] = []
    private var position = 0
    private var ended = false

    init(_ decoded: DecodedSource) { self.decoded = decoded }

    var consumedFileBytes: Int { decoded.consumedFileBytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while position >= pending.count {
            if ended { return 0 }
            pending.removeAll(keepingCapacity: true)
            position = 0
            if try !decoded.next(into: &pending) { ended = true }
        }
        let n = min(buffer.count, pending.count - position)
        pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
        position += n
        return n
    }
}
