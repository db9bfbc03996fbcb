import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// `ReadAheadByteSource` gives exactly what its inner source gives, in order, errors included.
final class ReadAheadByteSourceTests: XCTestCase {
    func drain(_ source: ByteSource, readSize: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    func testSameBytesWhateverTheBlockAndReadSizes() throws {
        var rng = Cuts.SplitMix64(seed: 17)
        let bytes = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for (blockSize, readSize, pieces) in [
            (1, 1, [Int]()), (7, 3, [5, 1, 9]), (4096, 65536, []), (256 << 10, 1000, [70_000]),
            (100, 100_000, Cuts.random(seed: 3)),
        ] {
            // a block per byte hands over a block per byte: a shorter input keeps the test quick
            let bytes = blockSize < 100 ? Array(bytes.prefix(5000)) : bytes
            let source = ReadAheadByteSource(MemoryByteSource(bytes, pieces: pieces), blockSize: blockSize)
            XCTAssertEqual(try drain(source, readSize: readSize), bytes, "blocks of \(blockSize), reads of \(readSize)")
            XCTAssertEqual(source.consumedFileBytes, bytes.count)
            var empty = [UInt8](repeating: 0, count: 10)
            XCTAssertEqual(try empty.withUnsafeMutableBytes { try source.read(into: $0) }, 0, "stays at the end")
        }
        XCTAssertEqual(try drain(ReadAheadByteSource(MemoryByteSource([])), readSize: 10), [])
    }

    func testAnErrorComesAfterTheBytesReadBeforeIt() throws {
        let bytes = Array((0..<50_000).map { UInt8(truncatingIfNeeded: $0) })
        for failAfter in [0, 1, 4095, 4096, 30_000] {
            let source = ReadAheadByteSource(XMLRecordReaderTests.FailingSource(bytes, failAfter: failAfter), blockSize: 4096)
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1000)
            XCTAssertThrowsError(
                try {
                    while true {
                        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                        if n == 0 { break }
                        out += buffer[0..<n]
                    }
                }()
            ) { XCTAssertEqual("\($0)", "disk on fire") }
            XCTAssertEqual(out, Array(bytes.prefix(failAfter)), "every byte before the error, after \(failAfter)")
            XCTAssertThrowsError(try buffer.withUnsafeMutableBytes { try source.read(into: $0) }, "the error stays")
        }
    }

    /// A gzip bomb is still refused, by the inflater on the read-ahead thread, a few blocks in.
    func testAGzipBombIsRefusedThroughTheReadAhead() throws {
        let plain = [UInt8](repeating: 0x41, count: 8 << 20)
        let gz = try XMLRecordReaderTests.gzip(plain)
        let limits = InflateLimits(maxInflatedBytes: 1 << 20, maxRatio: 1_000_000, ratioGrace: 1 << 30)
        let source = ReadAheadByteSource(try InflateByteSource(MemoryByteSource(gz), limits: limits))
        XCTAssertThrowsError(try drain(source, readSize: 64 << 10)) {
            guard case InputError.gzipBomb = $0 else { return XCTFail("\($0)") }
        }
    }

    /// A source dropped half-way stops its thread: nothing it read from stays alive.
    func testDroppingItHalfWayStopsItsThread() throws {
        let bytes = [UInt8](repeating: 7, count: 2 << 20)
        for readFirst in [0, 1, 100_000] {
            weak var inner: MemoryByteSource?
            do {
                let memory = MemoryByteSource(bytes)
                inner = memory
                let source = ReadAheadByteSource(memory, blockSize: 4096)
                var buffer = [UInt8](repeating: 0, count: max(readFirst, 1))
                if readFirst > 0 { _ = try buffer.withUnsafeMutableBytes { try source.read(into: $0) } }
            }
            // the read-ahead thread lets go of what it read from as it ends (just after the source's deinit)
            let deadline = Date().addingTimeInterval(Bounds.seconds(2))
            while inner != nil && Date() < deadline { usleep(1000) }
            XCTAssertNil(inner, "the read-ahead thread still holds its source after \(readFirst) bytes read")
        }
    }
}
