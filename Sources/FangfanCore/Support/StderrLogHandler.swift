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
