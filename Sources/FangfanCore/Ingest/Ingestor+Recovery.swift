import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Ingestor {
    // MARK: - recovery

    /// Removes what a killed run left uncommitted: staged, key and quarantine files whose sequence
    /// number has no manifest line, `.origin` and `.reason.txt` files written for a move that never
    /// happened, and puts originals moved to archive/ or rejected/ back in the inbox. Also removes the
    /// `NAME.done` marker of the last committed file if the kill came between its commit and the marker's removal.
    public func recover(_ manifest: Manifest) throws {
        let fm = FileManager.default
        let committed = Set(manifest.entries.map(\.seq))
        func seqOf(_ name: String) -> Int? { Int(name.prefix(while: { $0.isNumber })) }
        var removed = 0, restored = 0
        var dirs = FeedKind.allCases.map { layout.staged + "/" + $0.rawValue }
        dirs.append(layout.quarantine)
        for d in dirs {
            for name in (try? fm.contentsOfDirectory(atPath: d)) ?? [] {
                if name.contains(".tmp-") || (seqOf(name).map { !committed.contains($0) } ?? false) {
                    try? fm.removeItem(atPath: d + "/" + name); removed += 1
                }
            }
        }
        var stores = FeedKind.allCases.map { (layout.archive + "/" + $0.rawValue, Optional($0)) }
        stores.append((layout.archive + "/_unknown", nil))
        stores.append((layout.rejected, nil))
        for (d, _) in stores {
            let names = (try? fm.contentsOfDirectory(atPath: d)) ?? []
            let present = Set(names)
            for name in names {
                if name.contains(".tmp-") { try? fm.removeItem(atPath: d + "/" + name); removed += 1; continue }
                if name.hasSuffix(".reason.txt") || name.hasSuffix(".origin") {
                    // written before a move that never happened: nothing beside it to restore
                    let original = String(name.dropLast(name.hasSuffix(".origin") ? 7 : 11))
                    if let seq = seqOf(name), !committed.contains(seq), !present.contains(original) {
                        try? fm.removeItem(atPath: d + "/" + name); removed += 1
                    }
                    continue
                }
                guard let seq = seqOf(name), !committed.contains(seq) else { continue }
                let stored = d + "/" + name
                // the original's inbox name was written beside it before the move
                if let origin = try? String(contentsOfFile: stored + ".origin", encoding: .utf8) {
                    let back = config.inbox + "/" + origin
                    try makeDirectory((back as NSString).deletingLastPathComponent)
                    try moveFile(stored, back)
                    restored += 1
                }
                try? fm.removeItem(atPath: stored + ".origin")
                try? fm.removeItem(atPath: stored + ".reason.txt")
            }
            for name in (try? fm.contentsOfDirectory(atPath: d)) ?? [] where name.hasSuffix(".origin") {
                if let seq = seqOf(name), committed.contains(seq) { try? fm.removeItem(atPath: d + "/" + name) }
            }
        }
        if let last = manifest.entries.last {
            let path = config.inbox + "/" + last.file
            if !fm.fileExists(atPath: path) && fm.fileExists(atPath: path + ".done") {
                unlink(path + ".done"); removed += 1
            }
        }
        if removed + restored > 0 {
            logger.notice("recovered from an interrupted run", metadata: ["removed": "\(removed)", "restored_to_inbox": "\(restored)"])
        }
    }
}
