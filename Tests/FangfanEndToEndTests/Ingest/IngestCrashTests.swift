import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

#if canImport(Glibc)
import Glibc
#endif

/// Safe to interrupt: the built `fangfan ingest` killed (SIGKILL, through the FANGFAN_CRASH_AT test hook)
/// between any two of its durable steps, then run again without the hook, ends in exactly the state an
/// uninterrupted run reaches on the same inbox.
extension IngestTests {
    struct CLIRun { var status: Int32; var stderr: String }

    /// `fangfan ingest --config <repo>/pipelines/default.toml --inbox … --state … --out … --today 2021-06-02`;
    /// status is −signal when the process was killed.
    func fangfanIngest(_ dir: String, crashAt: String? = nil) throws -> CLIRun {
        let bin = try builtExecutable("fangfan")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = [
            "ingest", "--config", IngestTests.defaultConfig, "--inbox", dir + "/inbox", "--state", dir + "/state",
            "--out", dir + "/out", "--today", "2021-06-02", "--quiet",
        ]
        var env = ProcessInfo.processInfo.environment
        env["FANGFAN_CRASH_AT"] = crashAt
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? -p.terminationStatus : p.terminationStatus
        return CLIRun(status: status, stderr: String(decoding: e, as: UTF8.self))
    }

    /// A small inbox exercising every path of ingest: accepted, quarantined, replaced, roster conflicts,
    /// duplicate, rejected (truncated transfer, unknown feed), gzip, a NAME.done marker, and a verification
    /// file whose findings change the ledger. Modification times are fixed so every copy ingests in the same order.
    func writeCrashInbox(_ dir: String, base: Date) throws {
        let saved = config.inbox
        config.inbox = dir + "/inbox"
        defer { config.inbox = saved }
        var t = 0
        func next() -> Int { t += 1; return t }
        func putAt(_ rel: String, _ lines: [String], encoding: Encoding = .utf8) throws {
            let path = try put(rel, lines, encoding: encoding)
            try FileManager.default.setAttributes([.modificationDate: base.addingTimeInterval(Double(next() * 10))], ofItemAtPath: path)
        }
        func p(_ n: Int) -> String { T.id(born: "19700101", seq: n) }
        try putAt(
            "roster/花名册.csv",
            [T.rosterHeader]
                + (1...6).flatMap { h in
                    [T.rosterRow(T.hh(h), p(h * 10), "户主\(h)"), T.rosterRow(T.hh(h), p(h * 10 + 1), "配偶\(h)", "配偶")]
                } + [T.rosterRow(T.hh(7), p(71), "无户主", "之子"), T.rosterRow(T.hh(8), "4.40825E+17", "坏号")], encoding: .gb18030)
        let incomeA = [T.incomeHeader] + (1...6).map { "\(T.hh($0)),2021-04,1000.00,0,0,0" } + ["\(T.hh(1)),2021-13,1,2,3,4"]
        try putAt("income/a.csv", incomeA)
        try putAt("income/b.csv", [T.incomeHeader] + (1...3).map { "\(T.hh($0)),2021-04,1500.00,0,0,0" } + ["x,y"])
        try putAt("income/a(副本).csv", incomeA)
        let gz = try gzip(Array(([T.incomeHeader] + (4...5).map { "\(T.hh($0)),2021-05,10,0,0,0" }).joined(separator: "\n").utf8))
        let gzPath = try put("income/c.csv.gz", bytes: gz)
        try FileManager.default.setAttributes([.modificationDate: base.addingTimeInterval(Double(next() * 10))], ofItemAtPath: gzPath)
        let pm = T.id(born: "19870315", seq: 123)
        try putAt(
            "medical/补传.xml",
            [
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<YBJSSJ JLS=\"3\">",
                "<JL><JSLSH>JS9</JSLSH><JSLX>1</JSLX><SFZH>\(pm)</SFZH><JSRQ>2021-05-01</JSRQ><YLZFY>1</YLZFY><GRZF>1</GRZF></JL>",
                "</YBJSSJ>",
            ])
        try putAt(
            "medical/m.csv",
            [
                T.medicalHeader, T.medicalRow("JS1", pm), T.medicalRow("JS2", pm, settled: "2021-02-30"),
                T.medicalRow("JS1", pm, amounts: ["10.00", "0", "0", "0", "10.00"]),
            ])
        try putAt(
            "verification/核查.csv",
            [
                T.verificationHeader, "R1,\(T.hh(1)),确认纳入,林海,2021-06-08,就业帮扶,",
                "R2,\(T.hh(2)),风险已消除,林海,,,", "R9,\(T.hh(3)),待核,,,,", "R2,\(T.hh(2)),确认纳入,,,,",
            ])
        try putAt("其他.csv", ["x"])
        try putAt("disability/残疾人证.csv", [T.disabilityHeader, "\(p(10)),户主1,肢体,2,2021-05-01,新办"])
        try put("disability/残疾人证.csv.done", bytes: [])

        // the ledger knows alerts R1 and R2
        try FileManager.default.createDirectory(
            atPath: dir + "/state", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let ledger = try Ledger(path: dir + "/state/ledger.sqlite", clock: { "2021-06-01T08:00:00Z" })
        try ledger.recordMonth(
            "2021-05", run: "run 2021-05",
            alerts: [1, 2].map {
                LedgerAlert(
                    alertId: "R\($0)", householdId: T.hh($0), town: "锦和镇", village: "锦和村", month: "2021-05",
                    level: .red, triggers: ["illness"], householdType: "一般农户")
            }, evaluations: [])
    }

    /// What must be equal between an interrupted-then-rerun ingest and an uninterrupted one.
    struct IngestState: Equatable {
        var manifest: [String]
        var files: [String: Data]
        var inbox: [String]
        var history: [String]
    }

    func ingestState(_ dir: String) throws -> IngestState {
        let state = dir + "/state"
        let entries = try Manifest(path: state + "/manifest.jsonl").entries.map { e -> String in
            "\(e.seq)|\(e.feed)|\(e.file)|\(e.sha256)|\(e.status)|\(e.reason ?? "")|\(e.rows_read)|\(e.accepted)|\(e.quarantined)|"
                + "\(e.replaced)|\(e.extra_columns)|\(e.stored_as)|\(e.encoding ?? "")|\(e.format ?? "")"
        }
        var files: [String: Data] = [:]
        for top in ["staged", "quarantine", "archive", "rejected"] {
            for (rel, d) in T.tree(state + "/" + top) {
                if let d { files[top + "/" + rel] = d }
            }
        }
        let ledger = try Ledger(path: state + "/ledger.sqlite")
        let history = try (1...3).flatMap { try ledger.history(household: T.hh($0)) }
            .map { "\($0.event)|\($0.fromState?.rawValue ?? "")|\($0.toState?.rawValue ?? "")|\($0.actor)|\($0.detail)" }
        return IngestState(
            manifest: entries, files: files, inbox: T.tree(dir + "/inbox").filter { $0.value != nil }.keys.sorted(),
            history: history)
    }

    func testKilledAtAnyPointIngestConvergesToTheUninterruptedState() throws {
        let base = Date(timeIntervalSinceNow: -3600)
        let reference = root + "/reference"
        try writeCrashInbox(reference, base: base)
        XCTAssertEqual(try fangfanIngest(reference).status, 65, "a file was rejected")
        let expected = try ingestState(reference)
        XCTAssertEqual(expected.inbox, [])
        XCTAssertEqual(expected.manifest.count, 10)
        XCTAssertFalse(expected.files.keys.contains { $0.hasSuffix(".origin") || $0.contains(".tmp-") })
        XCTAssertEqual(expected.history.count, 3, "\(expected.history)")  // R1's and R2's alerts, R1's finding
        assertOwnerOnly(reference + "/state")

        // each run: the kill points, in turn, then a clean rerun
        let scenarios: [[String]] = [
            ["row:1"], ["row:9"], ["row:21"], ["row:30"],
            ["before-staged"], ["before-staged:4"], ["before-staged:6"],
            ["before-move"], ["before-move:3"], ["before-move:5"], ["before-move:7"], ["before-move:8"], ["before-move:10"],
            ["before-manifest"], ["before-manifest:4"], ["before-manifest:7"], ["before-manifest:9"],
            ["after-manifest"], ["after-manifest:6"], ["after-manifest:10"],
            ["before-move:6", "row:4", "before-manifest:2"],  // killed again while recovering
        ]
        for (i, kills) in scenarios.enumerated() {
            let dir = root + "/run\(i)"
            try writeCrashInbox(dir, base: base)
            for point in kills {
                let r = try fangfanIngest(dir, crashAt: point)
                XCTAssertEqual(r.status, -SIGKILL, "\(kills): \(point) should have killed the run: \(r.stderr)")
            }
            let r = try fangfanIngest(dir)
            XCTAssertTrue(r.status == 65 || r.status == 0, "\(kills): \(r.status) \(r.stderr)")
            let got = try ingestState(dir)
            XCTAssertEqual(got.manifest, expected.manifest, "\(kills)")
            XCTAssertEqual(got.files.keys.sorted(), expected.files.keys.sorted(), "\(kills)")
            for (k, v) in expected.files where got.files[k] != v { XCTFail("\(kills): \(k) differs") }
            XCTAssertEqual(got.inbox, expected.inbox, "\(kills)")
            XCTAssertEqual(got.history, expected.history, "\(kills)")
            assertOwnerOnly(dir + "/state")
            // and a further run finds nothing to do
            XCTAssertEqual(try fangfanIngest(dir).status, 0)
            XCTAssertEqual(try ingestState(dir).manifest, expected.manifest)
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// In process: a killed run's leftovers (uncommitted staged, keys and quarantine files, originals moved
    /// aside with their .origin and .reason.txt, a stale NAME.done) are undone by the next run's recovery.
    func testRecoveryUndoesUncommittedLeftovers() throws {
        try put("income/a.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,1,2,3,4"], age: 300)
        try ingest()
        let committed = T.tree(layout.root)
        // what a run killed while taking seq 2 (b.csv, rejected) and seq 3 could leave
        try put("income/b.csv", ["x"], age: 200)
        try put("income/c.csv", [T.incomeHeader, "\(T.hh(2)),2021-05,1,2,3,4"], age: 100)
        let fm = FileManager.default
        try Data("x".utf8).write(to: URL(fileURLWithPath: layout.stagedFile(.income, seq: 3)))
        try Data("x".utf8).write(to: URL(fileURLWithPath: layout.keysFile(.income, seq: 3)))
        try Data("x".utf8).write(to: URL(fileURLWithPath: layout.quarantineFile(seq: 3)))
        try Data("x".utf8).write(to: URL(fileURLWithPath: layout.stagedFile(.income, seq: 3) + ".tmp-99999"))
        // b.csv: reason and origin written, killed before the move (the original is still in the inbox)
        try AtomicFile.write("income/b.csv", to: layout.rejected + "/000002-b.csv.origin")
        try AtomicFile.write("拒收原因：x\n", to: layout.rejected + "/000002-b.csv.reason.txt")
        // c.csv: moved to the archive, killed before its manifest line
        try fm.createDirectory(atPath: layout.archive + "/income", withIntermediateDirectories: true)
        try AtomicFile.write("income/c.csv", to: layout.archive + "/income/000003-c.csv.origin")
        try fm.moveItem(atPath: inbox + "/income/c.csv", toPath: layout.archive + "/income/000003-c.csv")
        // a marker whose file was committed but not yet removed, and the committed file's .origin
        try put("income/a.csv.done", bytes: [])
        try AtomicFile.write("income/a.csv", to: layout.archive + "/income/000001-a.csv.origin")
        // a manifest line torn by the kill
        let fd = open(layout.manifest, O_WRONLY | O_APPEND)
        XCTAssertGreaterThan(fd, 0)
        _ = Array(#"{"seq":3,"feed":"inc"#.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)

        let manifest = try Manifest(path: layout.manifest)
        try Ingestor(config: config, today: today, logger: T.quiet, findings: nil).recover(manifest)
        XCTAssertEqual(T.tree(layout.root), committed, "everything uncommitted is gone")
        XCTAssertEqual(inboxFiles(), ["income/b.csv", "income/c.csv"])

        let report = try ingest()
        XCTAssertEqual(report.files.map(\.file), ["income/b.csv", "income/c.csv"])
        XCTAssertEqual(report.files.map(\.status), [.rejected, .accepted])
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: layout.rejected).sorted(), ["000002-b.csv", "000002-b.csv.reason.txt"])
    }
}
