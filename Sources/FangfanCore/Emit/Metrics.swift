import Foundation

/// metrics.prom for node_exporter's textfile collector.
public enum Metrics {
    public static func text(_ s: Summary) -> [UInt8] {
        var o = ""
        func metric(_ name: String, _ help: String, _ type: String = "gauge", _ samples: [(String, String)]) {
            o += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, v) in samples { o += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(v)\n" }
        }
        func esc(_ v: String) -> String { v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
        var rows: [String: (Int, Int, Int)] = [:]
        var files: [String: Int] = [:]
        for f in s.files {
            var r = rows[f.feed] ?? (0, 0, 0)
            r.0 += f.rows_read; r.1 += f.accepted; r.2 += f.quarantined
            rows[f.feed] = r
            files["\(f.feed)|\(f.status.rawValue)", default: 0] += 1
        }
        metric(
            "fangfan_rows", "Rows read from department files, by feed and outcome (all files in the manifest).", "gauge",
            rows.keys.sorted().flatMap { k in
                [
                    ("feed=\"\(esc(k))\",outcome=\"read\"", "\(rows[k]!.0)"),
                    ("feed=\"\(esc(k))\",outcome=\"accepted\"", "\(rows[k]!.1)"),
                    ("feed=\"\(esc(k))\",outcome=\"quarantined\"", "\(rows[k]!.2)"),
                ]
            })
        metric(
            "fangfan_files", "Files taken from the inbox, by feed and status.", "gauge",
            files.keys.sorted().map { k in
                let p = k.split(separator: "|")
                return ("feed=\"\(esc(String(p[0])))\",status=\"\(p[1])\"", "\(files[k]!)")
            })
        metric(
            "fangfan_unmatched_records", "Department records of the period whose person or household is in no household.", "gauge",
            s.unmatched.keys.sorted().map { ("feed=\"\($0)\"", "\(s.unmatched[$0]!)") })
        metric(
            "fangfan_alerts", "Alerts of the evaluated month by level.", "gauge",
            s.alerts.by_level.keys.sorted().map { ("month=\"\(s.month)\",level=\"\($0)\"", "\(s.alerts.by_level[$0]!)") })
        metric(
            "fangfan_cases", "Cases in the ledger by state.", "gauge",
            s.cases.keys.sorted().map { ("state=\"\(esc($0))\"", "\(s.cases[$0]!)") })
        metric(
            "fangfan_stage_duration_seconds", "Duration of each stage of the last run.", "gauge",
            s.timings.keys.sorted().map { ("stage=\"\($0)\"", String(format: "%.3f", s.timings[$0]!)) })
        metric(
            "fangfan_last_success_timestamp_seconds", "When the last run finished successfully (Unix time).", "gauge",
            [("", String(Int(Date().timeIntervalSince1970)))])
        return Array(o.utf8)
    }
}
