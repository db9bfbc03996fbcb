import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Plain, structured log lines on standard error: `2021-06-01T02:00:00+0800 info ingest: file ingested file=… rows=…`.
/// Messages and metadata never carry resident IDs or names (only file names, counts and codes).
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Control characters escaped: a value (a file name, say) can never start a forged log line.
    static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += String(format: "\\x%02X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let m = event.metadata { merged.merge(m) { $1 } }
        var line = "\(isoNow()) \(event.level) \(label): \(Self.oneLine("\(event.message)"))"
        for (k, v) in merged.sorted(by: { $0.key < $1.key }) {
            let s = Self.oneLine("\(v)")
            line += " \(k)=" + (s.contains(" ") ? "\"\(s)\"" : s)
        }
        ProgressLine.shared.clearIfShown()
        FileHandle.standardError.write((line + "\n").data(using: .utf8)!)
    }
}

/// A one-line progress bar on a terminal (rows and MB per second); silent when stderr is not a terminal.
public final class ProgressLine: IngestProgress, @unchecked Sendable {
    public static let shared = ProgressLine()
    public var enabled = isatty(2) == 1
    private let lock = NSLock()
    private var files: [String] = []
    private var total = 0
    private var rows = 0
    private var bytes = 0
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var shown = false

    /// Files may be read two at a time: the bar shows the files under way and their sums.
    public func begin(file: String, bytes: Int) {
        lock.lock(); defer { lock.unlock() }
        if files.isEmpty {
            total = 0; rows = 0; self.bytes = 0; started = Date()
        }
        files.append(file)
        total += bytes
    }

    public func advance(rows r: Int, bytes b: Int) {
        lock.lock(); defer { lock.unlock() }
        rows += r
        bytes += b
        guard enabled else { return }
        let now = Date()
        if now.timeIntervalSince(lastDraw) < 0.1 { return }
        lastDraw = now
        let secs = max(now.timeIntervalSince(started), 0.001)
        let frac = total > 0 ? min(1, Double(bytes) / Double(total)) : 0
        let width = 24
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r%@ %3.0f%% %@  %d 行  %.0f 行/秒  %.1f MB/秒 \u{1B}[K", bar, frac * 100,
                          files.joined(separator: " + "), rows, Double(rows) / secs, Double(bytes) / 1e6 / secs)
        FileHandle.standardError.write(line.data(using: .utf8)!)
        shown = true
    }

    public func end() {
        lock.lock(); defer { lock.unlock() }
        if !files.isEmpty { files.removeFirst() }
        if files.isEmpty { clearLocked() }
    }

    public func clearIfShown() {
        lock.lock(); defer { lock.unlock() }
        clearLocked()
    }

    private func clearLocked() {
        if shown {
            FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
            shown = false
        }
    }
}
