#if canImport(Glibc)
import Glibc
#endif

/// The character encodings departments send (FEEDS.md: UTF-8, UTF-8 with BOM, GB18030).
public enum TextEncoding: String, Sendable, Codable {
    /// BOM → UTF-8; else valid UTF-8; else GB18030.
    case auto
    case utf8 = "utf-8"
    case gb18030
}

/// Raised when `auto` meets bytes that are not UTF-8: the caller starts the file again as GB18030.
public struct NotUTF8: Error, Equatable { public let offset: Int }

/// Turns a byte source into a stream of UTF-8 chunks, in large blocks.
public final class DecodedSource {
    private let source: ByteSource
    public private(set) var encoding: TextEncoding
    private var raw: UnsafeMutableRawBufferPointer
    private var carry: [UInt8] = []  // bytes of an incomplete character from the previous block
    private var work: [UInt8] = []  // carry and the next block joined (reused)
    private var offset = 0  // decoded input offset (bytes of the file as sent)
    private var started = false
    private var converter: GB18030Converter?
    private var ended = false
    /// Decoded bytes handed out so far (for the offset of a NUL byte).
    private var decodedBefore = 0
    public let blockSize: Int

    /// - Parameter encoding: `.auto` sniffs; `.utf8` or `.gb18030` pins it (from the feed configuration).
    /// - Parameter midFile: the source is a piece of a file after its start (`CSVParallelParse`): no BOM is
    ///   looked for, the first bytes are text like any other.
    public init(_ source: ByteSource, encoding: TextEncoding, blockSize: Int = 1 << 20, midFile: Bool = false) throws {
        self.source = source
        self.encoding = encoding
        self.blockSize = blockSize
        started = midFile
        raw = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        if encoding == .gb18030 { converter = try GB18030Converter() }
    }

    deinit { raw.deallocate() }

    public var consumedFileBytes: Int { source.consumedFileBytes }

    /// Appends the next decoded UTF-8 bytes to `out`; returns false at the end of the input.
    public func next(into out: inout [UInt8]) throws -> Bool {
        if ended { return false }
        let before = out.count
        let n = try source.read(into: raw)
        let fresh = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        let atEnd = n == 0
        if started && carry.isEmpty {
            // nearly every block: decoded straight from the read buffer
            try decode(fresh, atEnd: atEnd, into: &out)
        } else {
            // the first block (a BOM to look at), or a character cut at the end of the last one
            work.removeAll(keepingCapacity: true)
            work.append(contentsOf: carry)
            carry.removeAll(keepingCapacity: true)
            work.append(contentsOf: fresh)
            var skip = 0
            if !started {
                if work.count < 3 && n > 0 { carry = work; return true }
                started = true
                if work.starts(with: [0xEF, 0xBB, 0xBF]) {
                    skip = 3
                    offset = 3
                    if encoding == .auto { encoding = .utf8 }
                }
            }
            let block = work
            try block.withUnsafeBufferPointer { try decode(UnsafeBufferPointer(rebasing: $0[skip...]), atEnd: atEnd, into: &out) }
        }
        // a NUL byte never belongs in a text export: such a file is binary (or a corrupt transfer)
        if let nul = out.withUnsafeBufferPointer({ p -> Int? in
            guard p.count > before, let hit = memchr(p.baseAddress! + before, 0, p.count - before) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(p.baseAddress!)
        }) {
            throw InputError.binary(offset: decodedBefore + nul - before)
        }
        decodedBefore += out.count - before
        if atEnd { ended = true }
        return !atEnd || !out.isEmpty
    }

    /// Decodes the whole characters of `block` into `out`; an incomplete one at its end waits in `carry`.
    private func decode(_ block: UnsafeBufferPointer<UInt8>, atEnd: Bool, into out: inout [UInt8]) throws {
        switch encoding {
        case .auto, .utf8:
            let valid = validUTF8Prefix(block)
            if valid.invalidAt != nil || (atEnd && valid.length < block.count) {
                let at = offset + (valid.invalidAt ?? valid.length)
                if encoding == .auto { throw NotUTF8(offset: at) }
                throw InputError.undecodable(offset: at, encoding: "UTF-8")
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: block[0..<valid.length]))
            carry.append(contentsOf: block[valid.length...])
            offset += valid.length
        case .gb18030:
            // the table where it decodes the block (nearly always); iconv otherwise, for a code only it
            // knows or for the error and its offset
            let used: Int
            if let table = GB18030Table.shared, let decoded = table.decode(block, final: atEnd, iconv: converter) {
                out.append(contentsOf: decoded.text)
                used = decoded.used
            } else {
                used = try converter!.convert(block, at: offset, final: atEnd, into: &out)
            }
            carry.append(contentsOf: block[used...])
            offset += used
        }
    }

    /// Length of the longest prefix made of whole, valid UTF-8 characters; `invalidAt` when a bad byte is found
    /// (an incomplete character at the very end is not invalid: it continues in the next block).
    func validUTF8Prefix(_ p: UnsafeBufferPointer<UInt8>) -> (length: Int, invalidAt: Int?) {
        do {
            var i = 0
            let n = p.count
            while i < n {
                // ASCII fast path, 8 bytes at a time
                while i + 8 <= n {
                    let w = UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    if w & 0x8080_8080_8080_8080 != 0 { break }
                    i += 8
                }
                if i >= n { break }
                let c = p[i]
                if c < 0x80 { i += 1; continue }
                // the common case of Chinese text: a three-byte sequence whose second byte may be any
                // continuation byte (lead E1–EC, EE, EF), complete in the block
                if c >= 0xE1 && c <= 0xEF && c != 0xED && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80 {
                    i += 3
                    continue
                }
                var need = 0
                var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
                switch c {
                case 0xC2...0xDF: need = 1
                case 0xE0: need = 2; lo = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: need = 2
                case 0xED: need = 2; hi = 0x9F
                case 0xF0: need = 3; lo = 0x90
                case 0xF1...0xF3: need = 3
                case 0xF4: need = 3; hi = 0x8F
                default: return (i, i)
                }
                if i + need >= n {
                    // possibly incomplete at the end of the block: check what is there
                    var k = i + 1
                    while k < n {
                        let b = p[k]
                        let ok = k == i + 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF)
                        if !ok { return (i, i) }
                        k += 1
                    }
                    return (i, nil)
                }
                let b1 = p[i + 1]
                if b1 < lo || b1 > hi { return (i, i) }
                var k = 2
                while k <= need {
                    let b = p[i + k]
                    if b < 0x80 || b > 0xBF { return (i, i) }
                    k += 1
                }
                i += need + 1
            }
            return (i, nil)
        }
    }
}

/// GB18030 → UTF-8 through glibc's iconv, block by block.
final class GB18030Converter {
    private let cd: iconv_t

    init() throws {
        cd = iconv_open("UTF-8", "GB18030")
        if cd == iconv_t(bitPattern: -1) {
            throw InputError.undecodable(offset: 0, encoding: "GB18030 (iconv has no GB18030 converter)")
        }
    }

    deinit {
        iconv_close(cd)
        scratch.deallocate()
    }

    /// Where iconv writes (reused from block to block; grown when a block needs more).
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)

    /// Converts as much of `input` as forms whole characters; returns how many input bytes were used.
    func convert(_ inp: UnsafeBufferPointer<UInt8>, at base: Int, final: Bool, into out: inout [UInt8]) throws -> Int {
        if inp.isEmpty { return 0 }
        if scratch.count < inp.count * 2 + 16 {
            scratch.deallocate()
            scratch = .allocate(byteCount: inp.count * 2 + 16, alignment: 16)
        }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inp.baseAddress!)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = inp.count
        var outPtr: UnsafeMutablePointer<CChar>? = scratch.baseAddress!.assumingMemoryBound(to: CChar.self)
        var outLeft = scratch.count
        while inLeft > 0 {
            let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            if rc != -1 { break }
            let e = errno
            if e == EINVAL {
                if final {
                    throw InputError.undecodable(offset: base + inp.count - inLeft, encoding: "GB18030")
                }
                break
            }
            if e == EILSEQ {
                throw InputError.undecodable(offset: base + inp.count - inLeft, encoding: "GB18030")
            }
            if e == E2BIG { break }
            throw InputError.undecodable(offset: base + inp.count - inLeft, encoding: "GB18030")
        }
        let used = inp.count - inLeft
        out.append(
            contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!.assumingMemoryBound(to: UInt8.self), count: scratch.count - outLeft)
        )
        return used
    }
}
