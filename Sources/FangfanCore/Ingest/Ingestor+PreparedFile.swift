import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Ingestor {
    enum Format: String { case csv, xml, xlsx }

    static func format(of name: String) -> (Format, gzip: Bool)? {
        var n = name.lowercased()
        var gz = false
        if n.hasSuffix(".gz") { gz = true; n.removeLast(3) }
        if n.hasSuffix(".csv") { return (.csv, gz) }
        if n.hasSuffix(".xml") { return (.xml, gz) }
        if n.hasSuffix(".xlsx") { return (.xlsx, gz) }
        return nil
    }

    /// Why a file of no known format is rejected, with what to do for the two a county office most often drops:
    /// a workbook of old Excel or WPS (.xls, .et) and an archive of exports (.zip, .rar, .7z).
    static func unknownFormatReason(_ name: String) -> String {
        let ext = (name.lowercased() as NSString).pathExtension
        let accepted = "只接收 .csv、.xml、.xlsx（可再加 .gz 压缩）"
        switch ext {
        case "xls", "et":
            return "旧版 Excel 或 WPS 表格（.\(ext)）无法读取：请用 Excel 或 WPS 打开，“另存为” .xlsx（或 CSV UTF-8）后重新放入；\(accepted)"
        case "zip", "rar", "7z":
            return "压缩包（.\(ext)）不能直接读取：请解压后把其中的文件分别放入对应数据项的文件夹；\(accepted)"
        default:
            return "不认识的文件类型：\(accepted)"
        }
    }

    /// What reading one file gave, before anything is committed: its staged and quarantine files are
    /// still temporary, and its record keys are in memory.
    final class Prepared {
        let seq: Int
        /// The file's sha256 (hex), once `prepare` has it.
        var sha = ""
        var entry: ManifestEntry
        var rejection: FileRejection?
        var staged: StreamingFile?
        var quarantine: StreamingFile?
        /// A roster's record keys, in order (its `replaced` is counted at commit); any other feed's keys are
        /// written beside the staged file for link and not kept...
        var keys: [UInt64] = []
        /// ...and sorted, on the worker, without repeats (`repeatsWithin` counts them). Not for a roster:
        /// its `replaced` counts its rows found in the previous roster, sorted at commit if there is one.
        var sortedKeys: [UInt64] = []
        var repeatsWithin = 0
        var rosterIndex: RosterIndex?
        /// Verification files are read at commit time: their findings change the ledger, in order.
        var deferred = false
        init(seq: Int, entry: ManifestEntry) {
            self.seq = seq
            self.entry = entry
        }
    }

    /// The record keys staged so far, per feed (sorted, without repeats), loaded once per run and grown as
    /// files commit.
    struct KeyCache {
        let ingestor: Ingestor
        let manifest: Manifest
        var sets: [FeedKind: [UInt64]] = [:]
        /// How many files of each feed are still to be committed in this run: a feed's keys are kept only while
        /// one is (a province's medical keys are tens of MB, and most months bring one file a feed).
        var pending: [FeedKind: Int] = [:]
        /// The keys of a roster committed in this run, sorted only if another roster follows it.
        var unsortedRoster: [UInt64]?
        /// A file of `feed` is being committed: one fewer to come.
        mutating func committing(_ feed: FeedKind) { pending[feed, default: 0] -= 1 }

        mutating func staged(_ feed: FeedKind) throws -> [UInt64] {
            if feed == .roster, let keys = unsortedRoster {
                sets[.roster] = SortedKeys.distinct(keys).keys
                unsortedRoster = nil
            }
            if let s = sets[feed] { return s }
            let s = try ingestor.loadKeys(feed, manifest)
            sets[feed] = s
            return s
        }
    }
}
