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
public struct InboxScanner {
    public let config: PipelineConfig
    public let now: Int

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
        for top in try fm.contentsOfDirectory(atPath: config.inbox).sorted() where !InboxScanner.isMarker(top) {
            let topPath = config.inbox + "/" + top
            var d: ObjCBool = false
            _ = fm.fileExists(atPath: topPath, isDirectory: &d)
            if d.boolValue {
                let feed = byFolder[top]
                for name in try fm.contentsOfDirectory(atPath: topPath).sorted() where !InboxScanner.isMarker(name) {
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
        guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }   // no links, folders or devices
        return InboxFile(path: path, relativeName: rel, feed: feed, mtime: Int(st.st_mtim.tv_sec), size: Int(st.st_size),
                         mtimeNanoseconds: Int(st.st_mtim.tv_nsec))
    }

    private func settled(_ f: InboxFile) -> Bool {
        if FileManager.default.fileExists(atPath: f.path + ".done") { return true }
        return now - f.mtime >= config.settleSeconds
    }
}
