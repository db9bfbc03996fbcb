import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The built `fangfan` on whole inboxes, as cron and data officers run it.
final class EndToEndTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    func testFixtureCountyMatchesTheOracle() throws {
        let s = try Sandbox("county")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try s.alertLines("2021-05"), try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv")))
        // every planted bad row is quarantined, with the planted reason, and nothing else is
        let expected = try String(contentsOf: fixture.appendingPathComponent("expected-quarantine.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { l -> String in
                let f = l.split(separator: ",", omittingEmptySubsequences: false)
                return "\(f[0]),\(f[1]),\(f[3])"
            }.sorted()
        let got = try String(contentsOf: s.out.appendingPathComponent("2021-05/quarantine.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { l -> String in
                let f = parseCSVLine(String(l))
                return "\(f[0]),\(f[1]),\(f[4])"
            }.sorted()
        XCTAssertEqual(got, expected)
        // every town of the roster gets its lists
        let towns = try FileManager.default.contentsOfDirectory(atPath: s.out.appendingPathComponent("2021-05/towns").path)
        XCTAssertEqual(towns.filter { $0.hasSuffix(".xlsx") }.count, 17)
        XCTAssertEqual(towns.filter { $0.hasSuffix(".csv") }.count, 17)
    }

    func testAnotherMonthMatchesTheOracle() throws {
        let s = try Sandbox("april")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-04"]).status, 0)
        XCTAssertEqual(try s.alertLines("2021-04"), try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-04.csv")))
    }

    func testCleanSampleMatchesTheOracle() throws {
        let s = try Sandbox("clean")
        defer { s.remove() }
        try s.fill(from: Sandbox.samples.appendingPathComponent("clean"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05"]).status, 0)
        XCTAssertEqual(
            try s.alertLines("2021-05"),
            try Sandbox.oracleLines(Sandbox.repo.appendingPathComponent("fixtures/oracle/clean-2021-05.alerts.csv")))
    }

    func testMessySampleGivesTheSameAlertsAsTheCleanOneAndRejectsTheTruncatedTransfer() throws {
        let s = try Sandbox("messy")
        defer { s.remove() }
        try s.fill(from: Sandbox.samples.appendingPathComponent("messy"))
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 65, "a rejected file makes the run exit 65")
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json"))) as! [String: Any]
        let files = summary["files"] as! [[String: Any]]
        XCTAssertEqual(files.count, 9)
        let rejected = files.filter { $0["status"] as? String == "rejected" }
        XCTAssertEqual(rejected.map { $0["file"] as! String }, ["medical/医保结算_补传.xml"])
        XCTAssertTrue((rejected[0]["reason"] as! String).contains("JLS=80"))
        for f in files {
            XCTAssertEqual(f["rows_read"] as! Int, (f["accepted"] as! Int) + (f["quarantined"] as! Int), "\(f["file"]!)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.state.appendingPathComponent("rejected").path))
        let reasons = try FileManager.default.contentsOfDirectory(atPath: s.state.appendingPathComponent("rejected").path)
        XCTAssertTrue(reasons.contains { $0.hasSuffix("医保结算_补传.xml.reason.txt") })
    }

    func testSecondRunWithNothingNewLeavesOutputsIdentical() throws {
        let s = try Sandbox("rerun")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05"]).status, 0)
        let first = try s.outputs("2021-05")
        let evaluations = try s.evaluations("2021-05")
        let manifest = try s.manifest()
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try s.manifest(), manifest, "no file is taken twice")
        let second = try s.outputs("2021-05")
        XCTAssertEqual(Set(first.keys), Set(second.keys))
        for (k, v) in first { XCTAssertEqual(second[k], v, "\(k) changed on a rerun with nothing new") }
        // detect's evaluations (what the ledger's evaluations are written from): the households the first run's
        // alerts opened cases for are evaluated on the first run already, so the rerun evaluates the same ones
        XCTAssertEqual(try s.evaluations("2021-05"), evaluations, "the rerun evaluates other households")
        XCTAssertEqual(evaluations.count, try s.alertLines("2021-05").count, "every alerted household is evaluated")
    }

    func testConcurrentRunExits75AndChangesNothing() throws {
        let s = try Sandbox("lock")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        try FileManager.default.createDirectory(at: s.state, withIntermediateDirectories: true)
        let held = try RunLock(path: s.state.appendingPathComponent("lock").path)
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 75)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.state.appendingPathComponent("manifest.jsonl").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: s.inbox.appendingPathComponent("income").path).count, 2)
        _ = held
    }

    func testKilledRunsConvergeToTheUninterruptedResult() throws {
        let reference = try Sandbox("ref")
        defer { reference.remove() }
        try reference.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try reference.run(["run", "--month", "2021-05"]).status, 0)
        let expected = try reference.outputs("2021-05")
        let expectedEvaluations = try reference.evaluations("2021-05")
        let expectedManifest = try reference.manifest()
        // crash points across every stage; a "row" point at several depths (several seeds of where to stop)
        var points = [
            "before-staged", "before-move", "before-manifest", "after-manifest:3", "link-feed:2",
            "detect-before-write", "detect-mid-write", "emit-before-ledger", "emit-before-swap",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3 { points.append("row:\(Int.random(in: 1...2500, using: &rng))") }
        for point in points {
            let s = try Sandbox("kill")
            defer { s.remove() }
            try s.fill(from: fixture.appendingPathComponent("inbox"))
            let killed = try s.run(["run", "--month", "2021-05"], env: ["FANGFAN_CRASH_AT": point])
            XCTAssertEqual(killed.status, -9, "\(point) should have killed the run")
            let r = try s.run(["run", "--month", "2021-05"])
            XCTAssertEqual(r.status, 0, "\(point): \(r.stderr)")
            XCTAssertEqual(try s.manifest(), expectedManifest, point)
            let got = try s.outputs("2021-05")
            XCTAssertEqual(Set(got.keys), Set(expected.keys), point)
            for (k, v) in expected { XCTAssertEqual(got[k], v, "\(point): \(k) differs from the uninterrupted run") }
            XCTAssertEqual(try s.evaluations("2021-05"), expectedEvaluations, "\(point): detect's evaluations differ")
            // nothing the killed run was writing is left behind (a province's alerts.jsonl is hundreds of MB)
            let left = FileManager.default.enumerator(atPath: s.state.path)!.compactMap { $0 as? String }.filter {
                $0.contains(".tmp-")
            }
            XCTAssertEqual(left, [], "\(point): temporary files left in state/")
        }
    }

    func testNoResidentIDOrNameReachesTheLogs() throws {
        let s = try Sandbox("privacy")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let r = try s.run(["run", "--month", "2021-05", "--verbose"])
        XCTAssertEqual(r.status, 0)
        XCTAssertFalse(r.stderr.isEmpty)
        let roster = try String(contentsOf: fixture.appendingPathComponent("inbox/roster/roster.csv"), encoding: .utf8)
        var secrets = Set<String>()
        for line in roster.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f.count > 5 { secrets.insert(String(f[4])); secrets.insert(String(f[5])) }
        }
        let log = r.stderr + r.stdout
        for secret in secrets where secret.count >= 2 {
            XCTAssertFalse(log.contains(secret), "a resident ID or name reached the log")
        }
        // state and out are owner-only
        for dir in [s.state, s.out] {
            let e = FileManager.default.enumerator(atPath: dir.path)!
            for case let rel as String in e {
                let attrs = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(rel).path)
                let mode = (attrs[.posixPermissions] as! NSNumber).intValue
                XCTAssertEqual(mode & 0o077, 0, "\(rel) is readable by others (\(String(mode, radix: 8)))")
            }
        }
    }

    /// A county's first run before any department has sent a file (an empty inbox, a new state), and a run where
    /// only the roster has come: both run to the end (exit 0) with every town's (empty) list — no feed without
    /// a staged file may stop a run.
    func testARunWithFeedsThatSentNothingYetCompletes() throws {
        let s = try Sandbox("empty")
        defer { s.remove() }
        let empty = try s.run(["run", "--month", "2021-05", "--quiet"])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.out.appendingPathComponent("2021-05/summary.json").path))
        let roster = s.inbox.appendingPathComponent("roster")
        try FileManager.default.createDirectory(at: roster, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Sandbox.repo.appendingPathComponent("fixtures/county/inbox/roster/roster.csv"),
            to: roster.appendingPathComponent("roster.csv"))
        try s.age(s.inbox)
        let rosterOnly = try s.run(["run", "--month", "2021-05", "--quiet"])
        XCTAssertEqual(rosterOnly.status, 0, rosterOnly.stderr)
        let towns = try FileManager.default.contentsOfDirectory(atPath: s.out.appendingPathComponent("2021-05/towns").path)
        XCTAssertEqual(towns.filter { $0.hasSuffix(".csv") }.count, 17, "every town of the roster gets its list")
    }

    func testConfigurationAndCommandLineErrorsHaveTheirExitCodes() throws {
        let s = try Sandbox("codes")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        // no monitoring line for monitoring year 2023 (a December 2022 run)
        var r = try s.run(["run", "--month", "2022-12"])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("2023"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.state.appendingPathComponent("manifest.jsonl").path), "nothing was done")
        // an unknown key names the key and the file
        let bad = s.root.appendingPathComponent("bad.toml")
        let text = try String(contentsOf: Sandbox.repo.appendingPathComponent("pipelines/default.toml"), encoding: .utf8)
        try (text + "\n[rules2]\nx = 1\n").write(to: bad, atomically: true, encoding: .utf8)
        r = try s.run(["run", "--month", "2021-05"], config: bad.path)
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("rules2") && r.stderr.contains("bad.toml"), r.stderr)
        try text.replacingOccurrences(of: "settle_seconds = 60", with: "settle_seconds = \"soon\"").write(
            to: bad, atomically: true, encoding: .utf8)
        r = try s.run(["run", "--month", "2021-05"], config: bad.path)
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("ingest.settle_seconds"), r.stderr)
        // bad command line
        r = try s.run(["run", "--month", "May"])
        XCTAssertEqual(r.status, 64)
        r = try s.run(["run", "--bogus"])
        XCTAssertEqual(r.status, 64)
        // a missing inbox folder
        try FileManager.default.removeItem(at: s.inbox)
        r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 78, r.stderr)
    }

    /// What `<executable> <arguments> --help` prints (its exit status checked), on a terminal of `columns`.
    func help(_ arguments: [String], executable: String = "fangfan", columns: Int? = nil) throws -> String {
        let p = Process()
        p.executableURL = Sandbox.binDir.appendingPathComponent(executable)
        p.arguments = arguments + ["--help"]
        if let columns { p.environment = ["COLUMNS": String(columns)] }
        let o = Pipe()
        p.standardOutput = o
        try p.run()
        let text = String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(executable) \(arguments) --help")
        return text
    }

    func testHelpExplainsEveryCommandWithExamples() throws {
        let s = try Sandbox("help")
        defer { s.remove() }
        for cmd in [["run"], ["ingest"], ["link"], ["detect"], ["emit"], ["ledger"]] {
            let text = try help(cmd)
            XCTAssertTrue(text.contains("Examples:"), "\(cmd) --help has no examples")
            if cmd != ["ledger"] {
                XCTAssertTrue(text.contains("--config") && text.contains("--inbox") && text.contains("--state") && text.contains("--out"))
            }
        }
        for stage in ["ingest", "link", "detect", "emit"] {
            let text = try help([], executable: "fangfan-\(stage)")
            XCTAssertTrue(text.contains("Examples:") && text.contains("--month"), "fangfan-\(stage) --help")
        }
    }

    /// Every command's explanation is written in lines that fit 80 columns: on such a terminal it reads as
    /// written, not with a line broken again a few words after each of its own breaks.
    func testHelpReadsAsWrittenOnAn80ColumnTerminal() throws {
        /// What comes after the overview (which the parser wraps itself) and before the usage line.
        func explanation(_ cmd: [String], columns: Int) throws -> String {
            let text = try help(cmd, columns: columns)
            guard let start = text.range(of: "\n\n"), let end = text.range(of: "USAGE:") else { return "" }
            return String(text[start.upperBound..<end.lowerBound])
        }
        let commands: [[String]] = [
            [], ["run"], ["ingest"], ["link"], ["detect"], ["emit"], ["sweep"], ["ledger"], ["ledger", "counts"],
            ["ledger", "cases"], ["ledger", "show"], ["ledger", "copy"], ["report"],
        ]
        for cmd in commands {
            let narrow = try explanation(cmd, columns: 80), wide = try explanation(cmd, columns: 1000)
            XCTAssertTrue(wide.contains("Example"), "\(cmd) --help has no example")
            XCTAssertEqual(narrow, wide, "\(cmd) --help: a line of its explanation is longer than 80 columns")
        }
    }

    func testStagesRunOneByOneGiveTheSameResultAsRun() throws {
        let a = try Sandbox("stages")
        defer { a.remove() }
        try a.fill(from: fixture.appendingPathComponent("inbox"))
        for stage in ["ingest", "link", "detect", "emit"] {
            let r = try a.run([stage] + (stage == "ingest" ? [] : ["--month", "2021-05"]))
            XCTAssertEqual(r.status, 0, "\(stage): \(r.stderr)")
        }
        XCTAssertEqual(try a.alertLines("2021-05"), try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv")))
    }
}

/// Splits one CSV line (no line breaks inside fields) for assertions.
func parseCSVLine(_ s: String) -> [String] {
    var out: [String] = [], cur = "", quoted = false
    var it = Array(s).makeIterator()
    var prevQuote = false
    while let c = it.next() {
        if quoted {
            if c == "\"" { quoted = false; prevQuote = true; continue }
            cur.append(c)
        } else {
            if c == "\"" { quoted = true; if prevQuote { cur.append("\"") }; continue }
            prevQuote = false
            if c == "," { out.append(cur); cur = "" } else { cur.append(c) }
        }
    }
    out.append(cur)
    return out
}
