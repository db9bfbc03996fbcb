import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file found in the inbox, ready to be taken.
public struct InboxFile: Sendable {
    public let path: String
    /// The name relative to the inbox (`medical/医保结算_202105.xml`).
    public let relativeName: String
    public let feed: FeedKind?
    /// Modification time, whole seconds (the settle rule).
    public let mtime: Int
    public let size: Int
    /// The nanoseconds of the modification time: files written within the same second keep their order.
    public var mtimeNanoseconds: Int = 0
}

/// Finds settled files: a `NAME.done` marker beside them, or unchanged for the settle time.
///
/// Only regular files are taken: symbolic links, folders inside a feed folder, devices and sockets are
/// left where they are, unread. Hidden names (a leading `.`, the convention of transfers in progress)
/// are left alone too.
///
/// A settled file whose name cannot be shown safely — bytes that are not UTF-8 (a name written in
/// GB18030 by a Windows share or a zip tool), control characters such as a line break, or Unicode
/// direction overrides — is first renamed, in place, to a name that can: GB18030 bytes become their
/// characters, other invalid bytes and control characters become `%XX`. Every name that reaches the
/// manifest, the logs, the summary and the archive is then plain printable UTF-8. A name longer than
/// `maxNameBytes` is shortened the same way (its stem cut, `~` added, its extension kept): the archive adds
/// a sequence number and `.reason.txt` to the name, and a name past the file system's 255 bytes would
/// otherwise fail every run.
public struct InboxScanner {
    public let config: PipelineConfig
    public let now: Int
    /// Longest name kept as it is: `NNNNNN-` + name + `.reason.txt` + `.tmp-<pid>` must stay within 255 bytes.
    public static let maxNameBytes = 200

    public init(config: PipelineConfig, now: Int = Int(time(nil))) {
        self.config = config
        self.now = now
    }

    static func isMarker(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".done") || name.hasSuffix(".reason.txt") || name.contains(".tmp-")
    }

    /// Settled files in ingest order: modification time, then name.
    public func scan() throws -> (ready: [InboxFile], waiting: Int) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: config.inbox, isDirectory: &isDir), isDir.boolValue else {
            throw ConfigError(file: config.file, key: "paths.inbox", message: "the inbox folder \(config.inbox) does not exist")
        }
        var byFolder: [String: FeedKind] = [:]
        for (k, f) in config.feeds { byFolder[f.folder] = k }
        var found: [InboxFile] = []
        var waiting = 0
        for top in try names(in: config.inbox, waiting: &waiting).sorted() where !InboxScanner.isMarker(top) {
            let topPath = config.inbox + "/" + top
            var d: ObjCBool = false
            _ = fm.fileExists(atPath: topPath, isDirectory: &d)
            if d.boolValue {
                let feed = byFolder[top]
                for name in try names(in: topPath, waiting: &waiting).sorted() where !InboxScanner.isMarker(name) {
                    if let f = try candidate(topPath + "/" + name, top + "/" + name, feed) {
                        if settled(f) { found.append(f) } else { waiting += 1 }
                    }
                }
            } else if let f = try candidate(topPath, top, nil) {
                if settled(f) { found.append(f) } else { waiting += 1 }
            }
        }
        found.sort { ($0.mtime, $0.mtimeNanoseconds, $0.relativeName) < ($1.mtime, $1.mtimeNanoseconds, $1.relativeName) }
        return (found, waiting)
    }

    private func candidate(_ path: String, _ rel: String, _ feed: FeedKind?) throws -> InboxFile? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }  // no links, folders or devices
        return InboxFile(
            path: path, relativeName: rel, feed: feed, mtime: Int(st.st_mtim.tv_sec), size: Int(st.st_size),
            mtimeNanoseconds: Int(st.st_mtim.tv_nsec))
    }

    private func settled(_ f: InboxFile) -> Bool {
        if FileManager.default.fileExists(atPath: f.path + ".done") { return true }
        return now - f.mtime >= config.settleSeconds
    }

    // MARK: - names as the file system holds them (bytes)

    /// The names in a folder. Names that are not safe to show are renamed first (settled regular files)
    /// or left out (anything else, and files still being written, which count as waiting).
    private func names(in dir: String, waiting: inout Int) throws -> [String] {
        guard let d = opendir(dir) else { throw IOFailure(path: dir, errno: errno, doing: "cannot list the folder") }
        defer { closedir(d) }
        var raws: [[UInt8]] = []
        while let e = readdir(d) {
            let raw: [UInt8] = withUnsafeBytes(of: &e.pointee.d_name) { p in
                Array(p.prefix(while: { $0 != 0 }))
            }
            if raw == [0x2E] || raw == [0x2E, 0x2E] { continue }
            raws.append(raw)
        }
        var out: [String] = []
        let dirBytes = Array(dir.utf8)
        for raw in raws {
            if raw.count <= InboxScanner.maxNameBytes, let s = InboxScanner.displayable(raw) { out.append(s); continue }
            // a hidden name or a marker is never renamed on its own (a marker follows its file)
            if raw.first == 0x2E || raw.suffix(5).elementsEqual(".done".utf8) { continue }
            let path = dirBytes + [0x2F] + raw
            var st = stat()
            guard lstatBytes(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let marker = path + Array(".done".utf8)
            var mst = stat()
            let hasMarker = lstatBytes(marker, &mst) == 0
            guard hasMarker || now - Int(st.st_mtim.tv_sec) >= config.settleSeconds else { waiting += 1; continue }
            let safe = try renameSafely(path, in: dirBytes, to: InboxScanner.safeName(raw))
            if hasMarker { _ = renameBytes(marker, Array((dir + "/" + safe + ".done").utf8)) }
            out.append(safe)
        }
        return out
    }

    /// Renames without replacing anything already there (link, then unlink): `NAME`, `NAME~2`, …
    private func renameSafely(_ from: [UInt8], in dir: [UInt8], to name: String) throws -> String {
        let (stem, ext) = InboxScanner.splitExtension(name)
        for n in 1...1000 {
            let candidate = n == 1 ? name : "\(stem)~\(n)\(ext)"
            let to = dir + [0x2F] + Array(candidate.utf8)
            if linkBytes(from, to) == 0 {
                if unlinkBytes(from) != 0 {
                    let e = errno
                    _ = unlinkBytes(to)
                    throw IOFailure(
                        path: String(decoding: dir, as: UTF8.self) + "/" + name, errno: e,
                        doing: "cannot rename an inbox file whose name is not printable UTF-8")
                }
                return candidate
            }
            if errno == EEXIST { continue }
            // no hard links here (some shares): a plain rename, after checking the name is free
            if errno == EPERM || errno == EXDEV || errno == ENOTSUP || errno == EMLINK {
                var st = stat()
                if lstatBytes(to, &st) == 0 { continue }
                if renameBytes(from, to) == 0 { return candidate }
            }
            throw IOFailure(
                path: String(decoding: dir, as: UTF8.self) + "/" + name, errno: errno,
                doing: "cannot rename an inbox file whose name is not printable UTF-8")
        }
        throw IOFailure(
            path: String(decoding: dir, as: UTF8.self) + "/" + name,
            message: "cannot find a free name for an inbox file whose name is not printable UTF-8")
    }

    /// The name as a String when it is UTF-8 without control or direction-changing characters.
    static func displayable(_ raw: [UInt8]) -> String? {
        guard let s = String(validating: raw, as: UTF8.self) else { return nil }
        return s.unicodeScalars.contains(where: unsafeScalar) ? nil : s
    }

    static func unsafeScalar(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFEFF
    }

    /// A printable UTF-8 name for raw bytes: UTF-8 or GB18030 characters kept, anything else `%XX`.
    public static func safeName(_ raw: [UInt8]) -> String {
        var text: String
        if let s = String(validating: raw, as: UTF8.self) {
            text = s
        } else if let s = gb18030(raw) {
            text = s
        } else {
            text = ""
            var i = 0
            while i < raw.count {
                // the longest valid UTF-8 character at i, else one escaped byte
                var taken = false
                for len in stride(from: min(4, raw.count - i), through: 1, by: -1) {
                    if let s = String(validating: raw[i..<(i + len)], as: UTF8.self), s.unicodeScalars.count == 1 {
                        text += s; i += len; taken = true; break
                    }
                }
                if !taken { text += hexEscape(raw[i]); i += 1 }
            }
        }
        var out = ""
        for u in text.unicodeScalars {
            if unsafeScalar(u) { for b in String(u).utf8 { out += hexEscape(b) } } else { out.unicodeScalars.append(u) }
        }
        if out.isEmpty || out.hasPrefix(".") { out = "%2E" + out.drop(while: { $0 == "." }) }
        if out.utf8.count > maxNameBytes {
            let (stem, ext) = splitExtension(out)
            var cut = ""
            for u in stem.unicodeScalars {
                if cut.utf8.count + String(u).utf8.count + 1 + ext.utf8.count > maxNameBytes - 8 { break }  // room for ~2…~1000
                cut.unicodeScalars.append(u)
            }
            out = cut + "~" + ext
        }
        return out
    }

    static func hexEscape(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "%" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }

    static func gb18030(_ raw: [UInt8]) -> String? {
        guard let decoded = try? DecodedSource(MemoryByteSource(raw), encoding: .gb18030) else { return nil }
        var out: [UInt8] = []
        do { while try decoded.next(into: &out) {} } catch { return nil }
        return String(validating: out, as: UTF8.self)
    }

    static func splitExtension(_ name: String) -> (String, String) {
        var stem = name
        var ext = ""
        for e in [".gz", ".csv", ".xml", ".xlsx"] where stem.lowercased().hasSuffix(e) {
            ext = String(stem.suffix(e.count)) + ext
            stem.removeLast(e.count)
        }
        return (stem, ext)
    }
}

private func withCPath<T>(_ p: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (p + [0]).withUnsafeBufferPointer { b in
        b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { body($0) }
    }
}
private func lstatBytes(_ p: [UInt8], _ st: inout stat) -> Int32 { withCPath(p) { lstat($0, &st) } }
private func linkBytes(_ a: [UInt8], _ b: [UInt8]) -> Int32 { withCPath(a) { pa in withCPath(b) { pb in link(pa, pb) } } }
private func renameBytes(_ a: [UInt8], _ b: [UInt8]) -> Int32 { withCPath(a) { pa in withCPath(b) { pb in rename(pa, pb) } } }
private func unlinkBytes(_ p: [UInt8]) -> Int32 { withCPath(p) { unlink($0) } }
