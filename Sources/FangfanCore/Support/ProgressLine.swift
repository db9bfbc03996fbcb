import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

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
        let line = String(
            format: "\r%@ %3.0f%% %@  %d 行  %.0f 行/秒  %.1f MB/秒 \u{1B}[K", bar, frac * 100,
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
