import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

final class SHA256Tests: XCTestCase {
    private func digest(_ s: String) -> String { SHA256Hasher.hash(Array(s.utf8)) }

    func testNISTVectors() {
        XCTAssertEqual(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testOneMillionA() {
        XCTAssertEqual(
            SHA256Hasher.hash([UInt8](repeating: 0x61, count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Same input fed in uneven pieces.
        var hasher = SHA256Hasher()
        let chunk = [UInt8](repeating: 0x61, count: 999)
        var remaining = 1_000_000
        while remaining > 0 {
            let n = min(chunk.count, remaining)
            hasher.update(chunk[0..<n])
            remaining -= n
        }
        XCTAssertEqual(
            SHA256Hasher.hex(hasher.finalize()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testPaddingBoundaryLengths() {
        // Lengths around the 55/56/64 byte padding boundaries: one-shot vs byte-at-a-time.
        for length in [55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var hasher = SHA256Hasher()
            for b in bytes { hasher.update([b]) }
            XCTAssertEqual(SHA256Hasher.hex(hasher.finalize()), SHA256Hasher.hash(bytes), "length \(length)")
        }
    }

    func testIncrementalSplitsMatchOneShot() {
        let input = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }
        let expected = SHA256Hasher.hash(input)
        for split in 0...input.count {
            var hasher = SHA256Hasher()
            input.withUnsafeBytes { raw in
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<split]))
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[split...]))
            }
            XCTAssertEqual(SHA256Hasher.hex(hasher.finalize()), expected, "split at \(split)")
        }
        // Three-way splits through the generic Collection entry point.
        for first in stride(from: 0, through: 200, by: 7) {
            for second in stride(from: first, through: 200, by: 13) {
                var hasher = SHA256Hasher()
                hasher.update(input[0..<first])
                hasher.update(input[first..<second])
                hasher.update(input[second...])
                XCTAssertEqual(SHA256Hasher.hex(hasher.finalize()), expected, "splits \(first), \(second)")
            }
        }
    }

    func testNonContiguousCollectionAndReuseAfterFinalize() {
        var hasher = SHA256Hasher()
        hasher.update("abc".utf8)  // String.UTF8View
        XCTAssertEqual(SHA256Hasher.hex(hasher.finalize()), digest("abc"))
        // finalize() resets the hasher.
        hasher.update(Array("abc".utf8))
        let d = hasher.finalize()
        XCTAssertEqual(d.count, 32)
        XCTAssertEqual(SHA256Hasher.hex(d), digest("abc"))
    }

    // MARK: - Pieces

    /// Random buffers of every length 0...300 and a few of several MB, fed in random update() pieces
    /// starting at random (unaligned) offsets, give the digest of the whole buffer at once.
    func testPiecesAgreeWithOneShotOnRandomInput() {
        var rng = SplitMix64(seed: 0x5eed_fa9f_a9)
        func randomBytes(_ n: Int) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: n)
            var i = 0
            while i < n {
                let r = rng.next()
                for j in 0..<min(8, n - i) { out[i + j] = UInt8(truncatingIfNeeded: r >> (8 * UInt64(j))) }
                i += 8
            }
            return out
        }
        /// Digest of `bytes[start...]`, fed in pieces of 0...maxPiece bytes.
        func digest(_ bytes: [UInt8], from start: Int, maxPiece: Int) -> String {
            var hasher = SHA256Hasher()
            bytes.withUnsafeBytes { raw in
                var offset = start
                while offset < raw.count {
                    let n = min(Int.random(in: 0...maxPiece, using: &rng), raw.count - offset)
                    hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]))
                    offset += n
                }
            }
            return SHA256Hasher.hex(hasher.finalize())
        }

        for length in 0...300 {
            let start = Int.random(in: 0...15, using: &rng)
            let bytes = randomBytes(start + length)
            let expected = SHA256Hasher.hash(Array(bytes[start...]))
            for maxPiece in [1, 7, 64, 130] {
                XCTAssertEqual(
                    digest(bytes, from: start, maxPiece: maxPiece), expected,
                    "length \(length), pieces up to \(maxPiece)")
            }
        }
        for length in [1 << 20, 3 * (1 << 20) + 37, 4 * (1 << 20) - 1] {
            let start = Int.random(in: 0...15, using: &rng)
            let bytes = randomBytes(start + length)
            let expected = SHA256Hasher.hash(Array(bytes[start...]))
            XCTAssertEqual(digest(bytes, from: start, maxPiece: 1 << 20), expected, "length \(length)")
            XCTAssertEqual(digest(bytes, from: start, maxPiece: 200), expected, "length \(length), small pieces")
        }
    }

    func testHexIsLowerCase() {
        XCTAssertEqual(SHA256Hasher.hex([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff")
    }

    func testRandomMegabyteMatchesSha256sum() throws {
        let tool = URL(fileURLWithPath: "/usr/bin/sha256sum")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw XCTSkip("/usr/bin/sha256sum not available")
        }
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for i in 0..<bytes.count { bytes[i] = UInt8.random(in: 0...255, using: &generator) }

        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("sha256-test-\(UUID().uuidString).bin")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let process = Process()
        process.executableURL = tool
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let expected = String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init)

        var hasher = SHA256Hasher()
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {  // odd chunk size to exercise the partial-block buffer
                let n = min(4093, raw.count - offset)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]))
                offset += n
            }
        }
        XCTAssertEqual(SHA256Hasher.hex(hasher.finalize()), expected)
        XCTAssertEqual(SHA256Hasher.hash(bytes), expected)
    }
}

/// A small seeded generator, so a failing random case can be reproduced.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
