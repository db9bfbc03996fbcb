// Streaming SHA-256 (FIPS 180-4).
//
// `update(_: UnsafeRawBufferPointer)` compresses whole 64-byte blocks straight from
// the caller's memory; only a partial trailing block is copied into the internal
// 64-byte buffer. No heap allocation happens per block.
//
// The block compression runs on the x86 SHA extensions (CFangfanSHA) when the CPU has
// them, decided once per process; otherwise, and on other architectures, in Swift.

import CFangfanSHA

public struct SHA256Hasher: Sendable {
    /// Which block compression function a hasher uses.
    enum Backend: Sendable {
        case portable  // the Swift code below
        case shaExtensions  // CFangfanSHA: x86 SHA-NI
    }

    /// The fastest backend this CPU supports (CPUID checked at first use).
    static let bestBackend: Backend = fangfan_sha256_has_ni() != 0 ? .shaExtensions : .portable

    private typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private static let initialState: State = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )

    private var state: State = SHA256Hasher.initialState
    private var buffer: Block = (0, 0, 0, 0, 0, 0, 0, 0)  // pending partial block
    private var bufferCount = 0
    private var totalLength: UInt64 = 0  // bytes hashed so far
    let backend: Backend

    public init() { backend = Self.bestBackend }

    /// A hasher on a chosen backend (the tests compare the two). `.shaExtensions` needs
    /// a CPU that has them.
    init(backend: Backend) {
        precondition(backend == .portable || Self.bestBackend == .shaExtensions, "CPU lacks the SHA extensions")
        self.backend = backend
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        totalLength &+= UInt64(n)

        if bufferCount > 0 {
            let take = min(64 - bufferCount, n)
            let offset = bufferCount
            withUnsafeMutableBytes(of: &buffer) { b in
                (b.baseAddress! + offset).copyMemory(from: p, byteCount: take)
            }
            bufferCount += take
            p += take
            n -= take
            if bufferCount < 64 { return }
            let block = buffer
            withUnsafeBytes(of: block) { b in
                Self.compress(&state, b.baseAddress!, blocks: 1, backend: backend)
            }
            bufferCount = 0
        }

        let blocks = n / 64
        if blocks > 0 {
            Self.compress(&state, p, blocks: blocks, backend: backend)
            p += blocks * 64
            n -= blocks * 64
        }
        if n > 0 {
            withUnsafeMutableBytes(of: &buffer) { b in
                b.baseAddress!.copyMemory(from: p, byteCount: n)
            }
            bufferCount = n
        }
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            update(UnsafeRawBufferPointer(buf))
        }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Returns the 32-byte digest and resets the hasher to its initial state.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalLength &* 8
        var padding = [UInt8](repeating: 0, count: 72)
        padding[0] = 0x80
        let padCount = bufferCount < 56 ? 56 - bufferCount : 120 - bufferCount
        for i in 0..<8 {
            padding[padCount + i] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(i)))
        }
        padding.withUnsafeBytes { update(UnsafeRawBufferPointer(rebasing: $0[0..<(padCount + 8)])) }
        precondition(bufferCount == 0)

        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        var digest = [UInt8]()
        digest.reserveCapacity(32)
        for w in words {
            digest.append(UInt8(truncatingIfNeeded: w >> 24))
            digest.append(UInt8(truncatingIfNeeded: w >> 16))
            digest.append(UInt8(truncatingIfNeeded: w >> 8))
            digest.append(UInt8(truncatingIfNeeded: w))
        }
        self = SHA256Hasher(backend: backend)
        return digest
    }

    /// Lower-case hexadecimal representation of a digest.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(digest.count * 2)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hexadecimal SHA-256 of one buffer.
    public static func hash(_ bytes: [UInt8]) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hex(hasher.finalize())
    }

    // MARK: - Compression

    /// Compresses `blocks` consecutive 64-byte blocks starting at `p` into `state`.
    @inline(__always)
    private static func compress(_ state: inout State, _ p: UnsafeRawPointer, blocks: Int, backend: Backend) {
        switch backend {
        case .shaExtensions:
            // A homogeneous tuple is laid out like an array of its element type and
            // its memory is bound to that type as well.
            withUnsafeMutablePointer(to: &state) { s in
                fangfan_sha256_ni_compress(UnsafeMutableRawPointer(s).assumingMemoryBound(to: UInt32.self), p, blocks)
            }
        case .portable:
            compressPortable(&state, p, blocks: blocks)
        }
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 &- n))
    }

    /// One SHA-256 round; `kw` is K[i] + W[i]. Updates `d` and `h` in place.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
    ) {
        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let ch = g ^ (e & (f ^ g))
        let t1 = h &+ s1 &+ ch &+ kw
        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let maj = (a & b) | (c & (a | b))
        d = d &+ t1
        h = t1 &+ s0 &+ maj
    }

    /// The Swift compression function: `blocks` 64-byte blocks at `p` into `state`.
    private static func compressPortable(_ state: inout State, _ p: UnsafeRawPointer, blocks: Int) {
        k.withUnsafeBufferPointer { kp in
            let k = kp.baseAddress!
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { wbuf in
                let w = wbuf.baseAddress!
                var (h0, h1, h2, h3, h4, h5, h6, h7) = state
                var block = p
                for _ in 0..<blocks {
                    for i in 0..<16 {
                        w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
                    }
                    for i in 16..<64 {
                        let w15 = w[i &- 15], w2 = w[i &- 2]
                        let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 &>> 3)
                        let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 &>> 10)
                        w[i] = w[i &- 16] &+ s0 &+ w[i &- 7] &+ s1
                    }
                    var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                    var i = 0
                    while i < 64 {  // eight rounds per iteration, rotating the variable roles
                        round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                        round(h, a, b, &c, d, e, f, &g, k[i &+ 1] &+ w[i &+ 1])
                        round(g, h, a, &b, c, d, e, &f, k[i &+ 2] &+ w[i &+ 2])
                        round(f, g, h, &a, b, c, d, &e, k[i &+ 3] &+ w[i &+ 3])
                        round(e, f, g, &h, a, b, c, &d, k[i &+ 4] &+ w[i &+ 4])
                        round(d, e, f, &g, h, a, b, &c, k[i &+ 5] &+ w[i &+ 5])
                        round(c, d, e, &f, g, h, a, &b, k[i &+ 6] &+ w[i &+ 6])
                        round(b, c, d, &e, f, g, h, &a, k[i &+ 7] &+ w[i &+ 7])
                        i &+= 8
                    }
                    h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                    h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                    block += 64
                }
                state = (h0, h1, h2, h3, h4, h5, h6, h7)
            }
        }
    }
}
