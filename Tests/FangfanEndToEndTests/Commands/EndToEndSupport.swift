import FangfanCore
import FangfanTestSupport
import Foundation
import XCTest

/// Runs the built `fangfan` executable as a user would, in scratch folders.
struct Sandbox {
    static let repo = repositoryRoot
    static let samples = repo.appendingPathComponent("fixtures/samples")
    static var binDir: URL {
        #if os(Linux)
        return Bundle.main.bundleURL  // .build/debug when xctest runs the bundle
        #else
        return Bundle(for: BundleMarker.self).bundleURL.deletingLastPathComponent()
        #endif
    }
    final class BundleMarker {}

    let root: URL
    var inbox: URL { root.appendingPathComponent("inbox") }
    var state: URL { root.appendingPathComponent("state") }
    var out: URL { root.appendingPathComponent("out") }

    init(_ name: String = "e2e") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Copies a folder of feeds into the inbox and dates the files two minutes back (settled).
    func fill(from src: URL) throws {
        for feed in try FileManager.default.contentsOfDirectory(atPath: src.path) {
            let from = src.appendingPathComponent(feed)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: from.path, isDirectory: &isDir), isDir.boolValue else { continue }
            let to = inbox.appendingPathComponent(feed)
            try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
            for f in try FileManager.default.contentsOfDirectory(atPath: from.path) {
                try FileManager.default.copyItem(at: from.appendingPathComponent(f), to: to.appendingPathComponent(f))
            }
        }
        try age(inbox)
    }

    func age(_ dir: URL) throws {
        let old = Date(timeIntervalSinceNow: -7200)
        let e = FileManager.default.enumerator(atPath: dir.path)!
        for case let rel as String in e {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: dir.appendingPathComponent(rel).path)
        }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The shipped `pipelines/default.toml` with each `(of, with)` replaced, written to `<root>/<name>`; a text
    /// `of` that the shipped file no longer holds throws (the test would otherwise run on the defaults).
    func shippedConfig(_ name: String, replacing: [(of: String, with: String)]) throws -> URL {
        let path = Sandbox.repo.appendingPathComponent("pipelines/default.toml")
        var text = try String(contentsOf: path, encoding: .utf8)
        for r in replacing {
            guard text.contains(r.of) else { throw IOFailure(path: path.path, message: "no \"\(r.of)\" to replace") }
            text = text.replacingOccurrences(of: r.of, with: r.with)
        }
        let config = root.appendingPathComponent(name)
        try text.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    /// `fangfan <args> --inbox … --state … --out … --today 2021-06-02`
    @discardableResult
    func run(_ args: [String], env: [String: String] = [:], today: String = "2021-06-02", config: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = Sandbox.binDir.appendingPathComponent("fangfan")
        var full = args
        full += [
            "--config", config ?? Sandbox.repo.appendingPathComponent("pipelines/default.toml").path,
            "--inbox", inbox.path, "--state", state.path, "--out", out.path, "--today", today,
        ]
        p.arguments = full
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        try p.run()
        let od = o.fileHandleForReading.readDataToEndOfFile()
        let ed = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? -p.terminationStatus : p.terminationStatus
        return Result(status: status, stdout: String(decoding: od, as: UTF8.self), stderr: String(decoding: ed, as: UTF8.self))
    }

    /// The month's alerts.jsonl decoded as `T` (the fields a test reads), by household.
    func alerts<T: Decodable & HouseholdKeyed>(_ month: String, as: T.Type) throws -> [String: T] {
        let data = try Data(contentsOf: out.appendingPathComponent("\(month)/alerts.jsonl"))
        var byHousehold: [String: T] = [:]
        for line in data.split(separator: 0x0A) {
            let a = try JSONDecoder().decode(T.self, from: Data(line))
            byHousehold[a.household_id] = a
        }
        return byHousehold
    }

    /// household,level,triggers lines of alerts.jsonl, sorted — the form of the oracle's files.
    func alertLines(_ month: String) throws -> [String] {
        let data = try Data(contentsOf: out.appendingPathComponent("\(month)/alerts.jsonl"))
        return try data.split(separator: 0x0A).map { line -> String in
            let o = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
            let t = (o["triggers"] as! [String]).joined(separator: ";")
            return "\(o["household_id"]!),\(o["level"]!),\(t)"
        }.sorted()
    }

    /// The rows of state/work/<month>/evaluations.csv (detect's evaluations, which the ledger's are written
    /// from), header left out, sorted.
    func evaluations(_ month: String) throws -> [String] {
        try String(contentsOf: state.appendingPathComponent("work/\(month)/evaluations.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map(String.init).sorted()
    }

    static func oracleLines(_ path: URL) throws -> [String] {
        try String(contentsOf: path, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init).sorted()
    }

    /// Every file under out/<month>, by relative path, with the fields allowed to differ between reruns removed.
    func outputs(_ month: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = out.appendingPathComponent(month)
        let e = FileManager.default.enumerator(atPath: base.path)!
        for case let rel as String in e {
            var isDir: ObjCBool = false
            let path = base.appendingPathComponent(rel).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            var d = try Data(contentsOf: URL(fileURLWithPath: path))
            if rel == "summary.json" {
                var o = try JSONSerialization.jsonObject(with: d) as! [String: Any]
                o["timings"] = nil
                o["generated_at"] = nil
                var files = o["files"] as! [[String: Any]]
                for i in files.indices { files[i]["ingested_at"] = nil }
                o["files"] = files
                d = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
            }
            if rel == "metrics.prom" {
                let kept = String(decoding: d, as: UTF8.self).split(separator: "\n")
                    .filter { !$0.hasPrefix("fangfan_stage_duration") && !$0.hasPrefix("fangfan_last_success") }
                d = Data(kept.joined(separator: "\n").utf8)
            }
            files[rel] = d
        }
        return files
    }

    /// The manifest lines without their times.
    func manifest() throws -> [String] {
        let text = (try? String(contentsOf: state.appendingPathComponent("manifest.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            var o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            o["ingested_at"] = nil
            return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
        }
    }
}

/// A line of alerts.jsonl as a test decodes it: at least its household.
protocol HouseholdKeyed {
    var household_id: String { get }
}
