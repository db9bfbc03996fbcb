import Foundation
import XCTest

@testable import FangfanCore

#if canImport(Glibc)
import Glibc
#endif

/// The cached pages of files the run has done with are handed back (`PageCache`): link's staged files as it reads
/// them, its linked files once committed. The bytes stay what they were; the pages are asked of the kernel with
/// mincore(2) on a mapping of the file (a mapping faults nothing in).
final class PageCacheTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-pagecache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// The file's bytes: each 4 KiB page numbered, so that a page read from the wrong place shows.
    static func content(megabytes: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: megabytes << 20)
        for page in 0..<(bytes.count / 4096) {
            let label = Array(String(format: "page %08d\n", page).utf8)
            for (k, b) in label.enumerated() { bytes[page * 4096 + k] = b }
        }
        return bytes
    }

    /// How many of the file's pages in [from, to) are in the page cache; nil where that cannot be told here
    /// (no mincore, or a file system whose pages are never dropped, as a tmpfs's: see `dropsPages`).
    static func cachedPages(_ path: String, from: Int, to: Int) -> Int? {
        #if os(Linux)
        guard dropsPages((path as NSString).deletingLastPathComponent) else { return nil }
        return resident(path, from: from, to: to)
        #else
        return nil
        #endif
    }

    /// Whether the file system of `dir` drops a synced file's pages when asked, told by posix_fadvise itself (not
    /// through `PageCache`, which is what is tested): a tmpfs's pages are the file and stay.
    static func dropsPages(_ dir: String) -> Bool {
        #if os(Linux)
        let probe = dir + "/probe-\(UUID().uuidString)"
        defer { unlink(probe) }
        let fd = open(probe, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = [UInt8](repeating: 0x61, count: 1 << 20)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count, fsync(fd) == 0 else { return false }
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        return resident(probe, from: 0, to: bytes.count) == 0
        #else
        return false
        #endif
    }

    /// The pages of [from, to) of the file that are in the page cache (mincore on a mapping of it), nil if it
    /// cannot be asked.
    static func resident(_ path: String, from: Int, to: Int) -> Int? {
        #if os(Linux)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = to - from
        let mapped: UnsafeMutableRawPointer? = mmap(nil, size, PROT_READ, MAP_SHARED, fd, off_t(from))
        guard let map = mapped, map != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { munmap(map, size) }
        var vec = [UInt8](repeating: 0, count: (size + page - 1) / page)
        guard mincore(map, size, &vec) == 0 else { return nil }
        return vec.filter { $0 & 1 == 1 }.count
        #else
        return nil
        #endif
    }

    func testCommitReleasingCacheKeepsTheBytesAndDropsThePages() throws {
        let bytes = Self.content(megabytes: 8)
        let pages = bytes.count / 4096
        let released = dir + "/released.csv", kept = dir + "/kept.csv"
        var cached: [String: Int?] = [:]
        for (path, release) in [(released, true), (kept, false)] {
            let f = try StreamingFile(path: path)
            try f.append(bytes)
            try f.commit(releasingCache: release)
            // (asked before the bytes are read back, which caches them again)
            cached[path] = Self.cachedPages(path, from: 0, to: bytes.count)
        }
        for path in [released, kept] {
            XCTAssertEqual(FileManager.default.contents(atPath: path).map { [UInt8]($0) }, bytes, path)
        }
        guard let after = cached[released] ?? nil else { throw XCTSkip("mincore cannot tell here") }
        XCTAssertEqual(after, 0, "every page of the committed file dropped (of \(pages))")
        XCTAssertEqual(cached[kept] ?? nil, pages, "a file committed without it keeps its pages")
    }

    func testReadingBehindReleasesWhatWasReadAndReadsTheSameBytes() throws {
        let bytes = Self.content(megabytes: 40)
        let path = dir + "/staged.csv"
        let f = try StreamingFile(path: path)
        try f.append(bytes)
        try f.commit()  // synced: its pages are clean, and cached
        var read: [UInt8] = []
        read.reserveCapacity(bytes.count)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var source: FileByteSource? = try FileByteSource(path: path, releasingBehind: true)
        var midway: (behind: Int?, ahead: Int?) = (nil, nil)
        while true {
            let n = try source!.read(into: buffer)
            if n == 0 { break }
            read.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            if read.count == 24 << 20 {
                // 24 MB read: the first 16 MB handed back, what comes after the last 16 MB step still cached
                midway = (Self.cachedPages(path, from: 0, to: 16 << 20), Self.cachedPages(path, from: 24 << 20, to: 40 << 20))
            }
        }
        XCTAssertEqual(read, bytes)
        guard let behind = midway.behind, let ahead = midway.ahead else { throw XCTSkip("mincore cannot tell here") }
        XCTAssertEqual(behind, 0, "the first 16 MB dropped once read")
        XCTAssertEqual(ahead, (16 << 20) / 4096, "the unread part still cached")
        source = nil
        XCTAssertEqual(Self.cachedPages(path, from: 0, to: bytes.count), 0, "the rest dropped when the reader is let go of")
        // a reader that does not release leaves the file cached
        var plain: FileByteSource? = try FileByteSource(path: path)
        while try plain!.read(into: buffer) > 0 {}
        plain = nil
        XCTAssertEqual(Self.cachedPages(path, from: 0, to: bytes.count), bytes.count / 4096)
    }
}
