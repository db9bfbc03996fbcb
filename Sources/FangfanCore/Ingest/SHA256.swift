// Streaming SHA-256 (FIPS 180-4) for the duplicate check, on swift-crypto.
//
// swift-crypto's `SHA256` is BoringSSL's on Linux, which runs on the x86 SHA extensions when the
// CPU has them (and on its own assembly or C otherwise); measured on this project's machine it hashes
// as fast as the hand-written SHA-NI code it replaced (docs/libraries.md). This type keeps the
// project's small interface: pieces of memory in, a 32-byte digest or lower-case hex out.

import Crypto

public struct SHA256Hasher: Sendable {
    private var inner = Crypto.SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        inner.update(bufferPointer: bytes)
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
        let digest = Array(inner.finalize())
        inner = Crypto.SHA256()
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
}
