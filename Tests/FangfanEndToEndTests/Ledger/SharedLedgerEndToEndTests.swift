import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// Issue #21's "done when", through the built command: two generated counties (440825, 440826) run at the same
/// time into one PostgreSQL ledger, and each ends with exactly the cases, alerts and outputs of its own SQLite
/// run; a rerun with nothing new changes nothing; the same county twice at once is refused (75); an unreachable
/// server is 74 and a URL that does not parse 78.
final class SharedLedgerEndToEndTests: XCTestCase {
    static let month = "2021-05"

    /// A generated county's inbox (gen.py, 300 households).
    func county(_ code: String, seed: Int) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-county-\(code)-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try python(["tools/gen.py", "--seed", "\(seed)", "--households", "300", "--quiet", "--county", code, "--out", dir.path])
        return dir
    }

    /// Rows per table of the shared ledger, and its last history id: what a rerun must leave as it was.
    func snapshot(_ url: String) throws -> [String] {
        let l = try Ledger(url: LedgerURL(url, file: "test", key: "url"), county: nil, lock: false)
        return try l.reading { db in
            try [
                "cases", "history", "alert_ids", "alerts", "alert_counts", "evaluations", "last_findings", "finding_sources",
                "review_pairs",
                "notice_marks",
            ].map { t in "\(t) \(try db.text("SELECT COUNT(*) FROM \(t)") ?? "")" }
                + [
                    try db.text("SELECT COALESCE(MAX(id), 0) FROM history") ?? "",
                    try db.text("SELECT md5(string_agg(household_id || state || updated_at, ',' ORDER BY household_id)) FROM cases") ?? "",
                ]
        }
    }

    func testTwoCountiesAtOnceIntoOneLedgerEachEndsAsItsOwnSQLiteRun() throws {
        let url = try PostgresTestServer.createDatabase()
        addTeardownBlock { PostgresTestServer.dropDatabase(url) }
        let counties = [("440825", try county("440825", seed: 7)), ("440826", try county("440826", seed: 8))]
        let run = ["run", "--month", Self.month, "--quiet"]

        // each county on its own SQLite ledger
        var alone: [Sandbox] = []
        for (code, inbox) in counties {
            let s = try Sandbox("sqlite-\(code)")
            addTeardownBlock { s.remove() }
            try s.fill(from: inbox)
            XCTAssertEqual(try s.run(run).status, 0, code)
            alone.append(s)
        }

        // both at once into the shared ledger
        var shared: [Sandbox] = []
        for (code, inbox) in counties {
            let s = try Sandbox("shared-\(code)")
            addTeardownBlock { s.remove() }
            try s.fill(from: inbox)
            shared.append(s)
        }
        let sandboxes = shared
        nonisolated(unsafe) var results = [Sandbox.Result?](repeating: nil, count: 2)
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            results[i] = try? sandboxes[i].run(run + ["--ledger", url])
        }
        XCTAssertEqual(results.map { $0?.status }, [0, 0], results.map { $0?.stderr ?? "" }.joined(separator: "\n"))
        print("two counties into one ledger at once: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")

        for (i, (code, _)) in counties.enumerated() {
            let (s, p) = (alone[i], shared[i])
            let own = try s.run(["ledger", "cases"]).stdout
            XCTAssertGreaterThan(own.split(separator: "\n").count, 10, "the county has cases")
            XCTAssertEqual(try p.run(["ledger", "cases", "--ledger", url, "--county", code]).stdout, own, code)
            XCTAssertEqual(try p.alertLines(Self.month), try s.alertLines(Self.month), code)
            XCTAssertEqual(try p.outputs(Self.month), try s.outputs(Self.month), "\(code): lists, summary, report and metrics")
            // the county's alerts in the ledger, per level, are those of its SQLite ledger
            XCTAssertEqual(
                try p.run(["report", "--month", Self.month, "--ledger", url, "--county", code]).stdout.split(separator: "\n").dropFirst()
                    .first,
                try s.run(["report", "--month", Self.month]).stdout.split(separator: "\n").dropFirst().first, code)
        }
        // the whole ledger: both counties
        let byCounty = try shared[0].run(["ledger", "counts", "--by", "county", "--ledger", url]).stdout
        XCTAssertEqual(Set(byCounty.split(separator: "\n").map { String($0.prefix(6)) }), ["440825", "440826"])
        // the provincial page: a row per county and the total, the same figures as the report's lines
        let page = shared[0].root.appendingPathComponent("province.html")
        let report = try shared[0].run(["report", "--month", Self.month, "--ledger", url, "--html", page.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        let lines = report.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(lines.map { $0[0] }, ["440825", "440826", "合计"])
        for l in lines {
            XCTAssertTrue(html.contains("<td>\(l[0])</td>"), l[0])
        }
        XCTAssertEqual(Int(lines[2][3])!, Int(lines[0][3])! + Int(lines[1][3])!, "red alerts add up")
        XCTAssertTrue(html.contains("<tr class=\"sum\"><td>合计</td>"))
        XCTAssertFalse(html.contains("4408250"), "no household id on the page")

        // a rerun with nothing new changes nothing: no case, history entry, alert, evaluation or mark (detect
        // evaluates the households with a case or an alert, so the first run already evaluates those its alerts
        // open cases for)
        func rerun() {
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                results[i] = try? sandboxes[i].run(run + ["--ledger", url])
            }
            XCTAssertEqual(results.map { $0?.status }, [0, 0])
        }
        let first = try snapshot(url)
        rerun()
        let second = try snapshot(url)
        XCTAssertEqual(second, first)
        rerun()
        XCTAssertEqual(try snapshot(url), second)
        for (i, (code, _)) in counties.enumerated() {
            XCTAssertEqual(try alone[i].run(run).status, 0)
            XCTAssertEqual(
                try shared[i].run(["ledger", "cases", "--ledger", url, "--county", code]).stdout,
                try alone[i].run(["ledger", "cases"]).stdout, code)
        }

        // the same county twice at once (another machine: its own state folder) is refused; the other county is not
        let other = try Sandbox("shared-again")
        addTeardownBlock { other.remove() }
        try other.fill(from: counties[0].1)
        let holder = try Ledger(url: LedgerURL(url, file: "test", key: "url"), county: "440825", lock: true)
        let refused = try other.run(run + ["--ledger", url])
        XCTAssertEqual(refused.status, 75, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("440825"), refused.stderr)
        XCTAssertEqual(try shared[1].run(run + ["--ledger", url]).status, 0, "another county is not blocked")
        XCTAssertEqual(
            try holder.countsByState().values.reduce(0, +), try alone[0].run(["ledger", "cases"]).stdout.split(separator: "\n").count - 1)
    }

    func testUnreachableServerAndBadURL() throws {
        let s = try Sandbox("shared-errors")
        defer { s.remove() }
        let down = try s.run(["ledger", "counts", "--ledger", "postgresql://fangfan:pw-never-shown@127.0.0.1:1/provincial"])
        XCTAssertEqual(down.status, 74)
        XCTAssertTrue(down.stderr.contains("127.0.0.1") && down.stderr.contains("provincial"), down.stderr)
        XCTAssertFalse(down.stderr.contains("pw-never-shown"), down.stderr)
        let good = try PostgresTestServer.url()
        let wrong = good.replacingOccurrences(of: #"://([^:]+):[^@]+@"#, with: "://$1:pw-wrong-one@", options: .regularExpression)
        let login = try s.run(["ledger", "counts", "--ledger", wrong])
        XCTAssertEqual(login.status, 74, login.stderr)
        XCTAssertFalse(login.stderr.contains("pw-wrong-one"), login.stderr)
        let bad = try s.run(["ledger", "counts", "--ledger", "postgresql://u:pw-bad@host:port/db"])
        XCTAssertEqual(bad.status, 78)
        XCTAssertTrue(bad.stderr.contains("--ledger"), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("pw-bad"), bad.stderr)
        // the configuration's key
        let config = s.root.appendingPathComponent("shared.toml")
        let base = try String(contentsOf: Sandbox.repo.appendingPathComponent("pipelines/default.toml"), encoding: .utf8)
        try (base + "\n[ledger]\nurl = \"mysql://x\"\n").write(to: config, atomically: true, encoding: .utf8)
        let fromConfig = try s.run(["ledger", "counts"], config: config.path)
        XCTAssertEqual(fromConfig.status, 78)
        XCTAssertTrue(fromConfig.stderr.contains("ledger.url"), fromConfig.stderr)
    }

    /// `ledger copy --to URL` moves a county's SQLite ledger once; its runs then carry on in the shared ledger.
    func testCopyMovesASQLiteLedgerOnceAndTheCountyCarriesOnThere() throws {
        let url = try PostgresTestServer.createDatabase()
        addTeardownBlock { PostgresTestServer.dropDatabase(url) }
        let s = try Sandbox("copy")
        defer { s.remove() }
        try s.fill(from: Sandbox.repo.appendingPathComponent("fixtures/county/inbox"))
        XCTAssertEqual(try s.run(["run", "--month", Self.month, "--quiet"]).status, 0)
        let cases = try s.run(["ledger", "cases"]).stdout
        let household = try XCTUnwrap(cases.split(separator: "\n").dropFirst().first?.split(separator: "\t").first).description
        let history = try s.run(["ledger", "show", household]).stdout
        let copied = try s.run(["ledger", "copy", "--to", url])
        XCTAssertEqual(copied.status, 0, copied.stderr)
        XCTAssertTrue(copied.stdout.contains("cases\t\(cases.split(separator: "\n").count - 1)"), copied.stdout)
        XCTAssertEqual(try s.run(["ledger", "cases", "--ledger", url]).stdout, cases)
        XCTAssertEqual(try s.run(["ledger", "show", household, "--ledger", url]).stdout, history)
        let again = try s.run(["ledger", "copy", "--to", url])
        XCTAssertEqual(again.status, 78, again.stderr)
        XCTAssertTrue(again.stderr.contains("once"), again.stderr)
        // the month again, now on the shared ledger: the same cases, no history entry twice
        XCTAssertEqual(try s.run(["run", "--month", Self.month, "--quiet", "--ledger", url]).status, 0)
        XCTAssertEqual(try s.run(["ledger", "cases", "--ledger", url]).stdout, cases)
        XCTAssertEqual(try s.run(["ledger", "show", household, "--ledger", url]).stdout, history)
        XCTAssertEqual(try s.run(["ledger", "cases"]).stdout, cases, "the SQLite ledger is left as it was")
    }

    /// A run belongs to one county: a roster of two counties is refused (78, naming the key `county`) on a
    /// shared ledger, with `county` set or not.
    func testARosterOfSeveralCountiesIsRefusedOnTheSharedLedger() throws {
        let url = try PostgresTestServer.createDatabase()
        addTeardownBlock { PostgresTestServer.dropDatabase(url) }
        let a = try county("440825", seed: 7), b = try county("440826", seed: 8)
        let s = try Sandbox("two-counties")
        defer { s.remove() }
        try s.fill(from: a)
        let roster = s.inbox.appendingPathComponent("roster/roster.csv")
        let other = try String(contentsOf: b.appendingPathComponent("roster/roster.csv"), encoding: .utf8)
        let handle = try FileHandle(forWritingTo: roster)
        handle.seekToEndOfFile()
        handle.write(Data(other.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n").utf8))
        try handle.close()
        try s.age(s.inbox)
        let refused = try s.run(["run", "--month", Self.month, "--quiet", "--ledger", url])
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("county"), refused.stderr)
        let config = s.root.appendingPathComponent("county.toml")
        let base = try String(contentsOf: Sandbox.repo.appendingPathComponent("pipelines/default.toml"), encoding: .utf8)
        try ("county = \"440825\"\n" + base).write(to: config, atomically: true, encoding: .utf8)
        let named = try s.run(["run", "--month", Self.month, "--quiet", "--ledger", url], config: config.path)
        XCTAssertEqual(named.status, 78, named.stderr)
        XCTAssertTrue(named.stderr.contains("440826"), named.stderr)
    }
}
