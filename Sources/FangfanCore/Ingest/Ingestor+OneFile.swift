import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Ingestor {
    /// Reads, validates and normalises one file into temporary outputs (safe to run on two files at once).
    func prepare(_ f: InboxFile, seq: Int) throws -> Prepared {
        // The file's hash (which tells a duplicate) is taken on a thread of its own while the file is
        // read: a duplicate is only set aside at its commit, so the read happens either way.
        let path = f.path
        let hashing = BackgroundTask { [self] in try sha256(of: path) }
        defer { _ = try? hashing.wait() }  // no thread outlives the call, whatever it throws
        let p = Prepared(
            seq: seq,
            entry: ManifestEntry(
                seq: seq, feed: f.feed?.rawValue ?? "unknown", file: f.relativeName, sha256: "",
                ingested_at: clock(), status: .accepted, reason: nil, rows_read: 0, accepted: 0,
                quarantined: 0, replaced: 0, extra_columns: [], stored_as: "", encoding: nil, format: nil))
        try prepareRows(f, p)
        p.sha = try hashing.wait()
        p.entry.sha256 = p.sha
        return p
    }

    func prepareRows(_ f: InboxFile, _ p: Prepared) throws {
        let baseName = (f.relativeName as NSString).lastPathComponent
        do {
            guard let feed = f.feed else {
                throw FileRejection(
                    "不是任何已知数据项的文件：应放在 inbox/<数据项>/ 下（roster、income、medical、civil、disaster、disability、application、verification、review、education、housing、water）"
                )
            }
            guard let (format, gz) = Ingestor.format(of: baseName) else {
                throw FileRejection(Ingestor.unknownFormatReason(baseName))
            }
            p.entry.format = format.rawValue + (gz ? ".gz" : "")
            if feed == .verification || feed == .review { p.deferred = true; return }  // read at its commit (it needs the ledger)
            try read(f, feed: feed, format: format, gzip: gz, into: p)
        } catch let r as FileRejection {
            p.rejection = r
        }
    }

    func ingest(_ f: InboxFile, _ p: Prepared, _ manifest: Manifest, _ keys: inout KeyCache) throws -> ManifestEntry {
        let baseName = (f.relativeName as NSString).lastPathComponent
        var entry = p.entry
        if let earlier = manifest.entry(sha256: p.sha) {
            p.staged?.discard(); p.quarantine?.discard()
            if let feed = f.feed { unlink(layout.keysFile(feed, seq: p.seq)) }
            unlink(layout.damagedIDsFile(seq: p.seq))
            entry.status = .duplicate
            entry.reason = "与已接收的文件 \(earlier.file)（第 \(earlier.seq) 号）内容完全相同"
            entry.rows_read = 0; entry.accepted = 0; entry.quarantined = 0; entry.replaced = 0; entry.extra_columns = []
            try store(f, entry: &entry, dir: layout.archive + "/" + (f.feed?.rawValue ?? "_unknown"), name: baseName)
            return try commit(entry, f, manifest)
        }
        do {
            if let r = p.rejection { throw r }
            guard let feed = f.feed else { throw FileRejection("不是任何已知数据项的文件") }
            if p.deferred {
                let (format, gz) = Ingestor.format(of: baseName)!
                try read(f, feed: feed, format: format, gzip: gz, into: p)
                p.entry.format = entry.format
                entry = p.entry
            }
            // replaced: rows whose key was already staged (for a roster: in the previous roster)
            // (the file's keys were sorted on its worker; what is left here is two passes in order)
            var replaced = 0
            let previous = try keys.staged(feed)
            if feed == .roster {
                if !previous.isEmpty {
                    var sorted = p.keys
                    SortedKeys.sort(&sorted)
                    replaced = SortedKeys.countIn(sorted, previous)
                }
                keys.unsortedRoster = p.keys
                keys.sets[.roster] = nil
            } else {
                replaced = p.repeatsWithin + (previous.isEmpty ? 0 : SortedKeys.countIn(p.sortedKeys, previous))
                keys.committing(feed)
                keys.sets[feed] = keys.pending[feed, default: 0] > 0 ? SortedKeys.union(previous, p.sortedKeys) : nil
            }
            p.sortedKeys = []
            entry.replaced = replaced
            p.keys = []
            CrashPoint.hit("before-staged")
            try p.staged?.commit()
            try p.quarantine?.commit()
            syncDirectory(layout.staged + "/" + feed.rawValue)
            try store(f, entry: &entry, dir: layout.archive + "/" + feed.rawValue, name: baseName)
        } catch let r as FileRejection {
            p.staged?.discard(); p.quarantine?.discard()
            entry.status = .rejected
            entry.reason = r.reason
            entry.rows_read = 0; entry.accepted = 0; entry.quarantined = 0; entry.replaced = 0; entry.extra_columns = []
            for path in [layout.quarantineFile(seq: p.seq), layout.damagedIDsFile(seq: p.seq)]
                + FeedKind.allCases.flatMap({ [layout.stagedFile($0, seq: p.seq), layout.keysFile($0, seq: p.seq)] })
            {
                unlink(path)
            }
            try store(f, entry: &entry, dir: layout.rejected, name: baseName, reason: r.reason)
        }
        return try commit(entry, f, manifest)
    }

    /// Moves the original out of the inbox (remembering where it came from, for recovery).
    func store(_ f: InboxFile, entry: inout ManifestEntry, dir: String, name: String, reason: String? = nil) throws {
        try makeDirectory(dir)
        let target = dir + "/" + layout.seqName(entry.seq) + "-" + name
        try AtomicFile.write(f.relativeName, to: target + ".origin")
        if let r = reason {
            try AtomicFile.write("文件：\(f.relativeName)\nsha256：\(entry.sha256)\n拒收原因：\(r)\n", to: target + ".reason.txt")
        }
        CrashPoint.hit("before-move")
        try moveFile(f.path, target)
        // the original keeps the inbox's mode through the rename: state/ is owner-only (INTERFACE.md)
        if chmod(target, 0o600) != 0 { throw IOFailure(path: target, errno: errno, doing: "cannot make the stored original owner-only") }
        syncDirectory(dir)
        entry.stored_as = String(target.dropFirst(layout.root.count + 1))
        CrashPoint.hit("before-manifest")
    }

    func commit(_ e: ManifestEntry, _ f: InboxFile, _ manifest: Manifest) throws -> ManifestEntry {
        if e.stored_as.isEmpty {
            var copy = e
            try store(f, entry: &copy, dir: layout.archive + "/_unknown", name: (f.relativeName as NSString).lastPathComponent)
            return try commit(copy, f, manifest)
        }
        try manifest.append(e)
        unlink(layout.root + "/" + e.stored_as + ".origin")
        unlink(f.path + ".done")
        CrashPoint.hit("after-manifest")
        return e
    }
}
