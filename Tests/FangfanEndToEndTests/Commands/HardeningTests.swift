import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

#if canImport(Glibc)
import Glibc
#endif

/// Hostile inboxes, full disks, signals and the lock, on the built `fangfan` end to end.
/// Every run here is `--verbose`, and none may show a resident ID or name of its inputs.
final class HardeningTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")
    var fixtureInbox: URL { fixture.appendingPathComponent("inbox") }
    var oracle: URL { fixture.appendingPathComponent("expected-alerts-2021-05.csv") }

    // MARK: - 1. inbox file names

    func testUnusualInboxFileNamesAreIngestedOrRejectedAndNothingEscapesState() throws {
        let s = try Sandbox("names")
        defer { s.remove() }
        try s.fill(from: fixtureInbox)
        let secrets = try Secrets.collect(s.inbox)
        let income = s.inbox.appendingPathComponent("income").path
        let incomeText = try String(contentsOf: fixtureInbox.appendingPathComponent("income/income_a.csv"), encoding: .utf8)
        let lines = incomeText.split(separator: "\n").map(String.init)
        let header = lines[0]
        var row = 1
        /// A one-row income file (a row income_a also has, so the alerts stay the oracle's), older than the
        /// fixture's files, so that the fixture's later versions of the same records win.
        func incomeFile(_ name: [UInt8], age: Int = 10_000) throws {
            row += 1
            try writeRaw(income, name, Array((header + "\n" + lines[row] + "\n").utf8), mtime: time(nil) - age - row)
        }
        func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

        try incomeFile(utf8("with space.csv"))
        try incomeFile(utf8("new\nline.csv"))
        try incomeFile([0x62, 0x61, 0x64, 0xFF, 0xFE] + utf8(".csv"))  // not UTF-8
        try incomeFile([0xCA, 0xD5, 0xC8, 0xEB] + utf8("_gbk.csv"))  // 收入 in GB18030
        try incomeFile(utf8("-dash.csv"))
        try incomeFile(utf8("a..b.csv"))
        try incomeFile(utf8("evil\u{202E}vsc.csv"))  // a direction override
        try incomeFile(utf8(String(repeating: "收", count: 82) + ".csv"))  // 250 bytes
        try incomeFile(utf8("..evil.csv"))  // hidden: left alone
        try incomeFile(utf8(".hidden.csv"))  // hidden: left alone
        // settled by its marker, both names not UTF-8: renamed together, the marker removed on commit
        try incomeFile(utf8("marked") + [0xFF] + utf8(".csv"), age: -5)
        try writeRaw(income, utf8("marked") + [0xFF] + utf8(".csv.done"), [], mtime: time(nil))
        // still being written (fresh, no marker): neither renamed nor taken
        try writeRaw(income, utf8("fresh") + [0xFF] + utf8(".csv"), Array((header + "\n").utf8), mtime: time(nil))
        // not a known file type, with a name that is neither UTF-8 nor GB18030: rejected with its reason
        try writeRaw(income, [0xFF] + utf8("notes.txt"), utf8("hello\n"), mtime: time(nil) - 20_000)
        // a file directly in the inbox: no feed, rejected
        try writeRaw(s.inbox.path, utf8("stray.csv"), utf8(header + "\n"), mtime: time(nil) - 20_000)
        // links out of the inbox and a folder inside a feed folder: never read, never moved
        let outside = s.root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let target = outside.appendingPathComponent("target.csv")
        let targetBytes = Data((header + "\n" + lines[40] + "\n").utf8)
        try targetBytes.write(to: target)
        XCTAssertEqual(symlink(target.path, income + "/link.csv"), 0)
        XCTAssertEqual(symlink(outside.path, income + "/linkdir"), 0)
        try FileManager.default.createDirectory(atPath: income + "/sub", withIntermediateDirectories: true)
        try writeRaw(income + "/sub", utf8("inner.csv"), utf8(header + "\n" + lines[41] + "\n"), mtime: time(nil) - 20_000)
        let outsideBefore = try tree(s.root, excluding: ["inbox", "state", "out"])

        let r = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
        XCTAssertEqual(r.status, 65, "a rejected file makes the run exit 65: \(r.stderr)")
        XCTAssertEqual(try s.alertLines("2021-05"), try Sandbox.oracleLines(oracle))

        // the manifest and the summary are valid JSON and name every file as shown
        let manifest = try manifestEntries(s)
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json"))) as! [String: Any]
        let files = summary["files"] as! [[String: Any]]
        XCTAssertEqual(files.map { $0["file"] as! String }, manifest.map { $0["file"] as! String })
        var status: [String: String] = [:]
        for e in manifest { status[e["file"] as! String] = e["status"] as? String }
        let long = InboxScanner.safeName(utf8(String(repeating: "收", count: 82) + ".csv"))
        XCTAssertTrue(long.hasSuffix("~.csv"), long)
        let expected: [String: String] = [
            "income/with space.csv": "accepted", "income/new%0Aline.csv": "accepted", "income/bad%FF%FE.csv": "accepted",
            "income/收入_gbk.csv": "accepted", "income/-dash.csv": "accepted", "income/a..b.csv": "accepted",
            "income/evil%E2%80%AEvsc.csv": "accepted", "income/\(long)": "accepted", "income/marked%FF.csv": "accepted",
            "income/%FFnotes.txt": "rejected", "stray.csv": "rejected",
        ]
        for (name, st) in expected { XCTAssertEqual(status[name], st, "\(name) in \(status.keys.sorted())") }
        XCTAssertEqual(manifest.count, 8 + expected.count, "the fixture's 8 files and the unusual ones, nothing else")
        for e in manifest {
            let name = e["file"] as! String
            XCTAssertFalse(name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E }, "\(name) is not printable")
            XCTAssertLessThanOrEqual(name.utf8.count, 7 + InboxScanner.maxNameBytes)
            // the original lies where the manifest says, under state/
            let stored = s.state.appendingPathComponent(e["stored_as"] as! String).path
            XCTAssertTrue(FileManager.default.fileExists(atPath: stored), "\(name) → \(stored)")
            if e["status"] as? String == "rejected" {
                XCTAssertTrue(FileManager.default.fileExists(atPath: stored + ".reason.txt"), name)
                XCTAssertFalse((e["reason"] as? String ?? "").isEmpty)
            }
        }
        // the log is one line per event: a name with a line break cannot forge a log line
        for line in r.stderr.split(separator: "\n") {
            XCTAssertNotNil(
                line.range(of: #"^\d{4}-\d\d-\d\dT"#, options: .regularExpression), "a log line that is not a log line: \(line)")
        }

        // what stays in the inbox: the hidden files, the links, the sub-folder, the file still being written
        let left = Set(try rawNames(income))
        XCTAssertEqual(
            left,
            Set([
                utf8("..evil.csv"), utf8(".hidden.csv"), utf8("link.csv"), utf8("linkdir"), utf8("sub"),
                utf8("fresh") + [0xFF] + utf8(".csv"),
            ]),
            "\(left.map { String(decoding: $0, as: UTF8.self) })")
        XCTAssertEqual(try rawNames(income + "/sub"), [utf8("inner.csv")])
        XCTAssertEqual(try Data(contentsOf: target), targetBytes, "the link's target is untouched")
        XCTAssertEqual(try tree(s.root, excluding: ["inbox", "state", "out"]), outsideBefore, "nothing is written outside state/ and out/")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: s.root.path).sorted(), ["inbox", "out", "outside", "state"])

        // a rerun takes nothing new, and the file still being written waits
        let again = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try manifestEntries(s).count, manifest.count)
    }

    func testSafeNames() {
        XCTAssertEqual(InboxScanner.safeName(Array("ok.csv".utf8)), "ok.csv")
        XCTAssertEqual(InboxScanner.safeName(Array("a\tb\r\n.csv".utf8)), "a%09b%0D%0A.csv")
        XCTAssertEqual(InboxScanner.safeName([0xCA, 0xD5, 0xC8, 0xEB, 0x2E, 0x63, 0x73, 0x76]), "收入.csv")
        XCTAssertEqual(InboxScanner.safeName(Array("é".utf8) + [0xFF] + Array(".csv".utf8)), "é%FF.csv")
        let long = InboxScanner.safeName(Array((String(repeating: "a", count: 250) + ".csv.gz").utf8))
        XCTAssertTrue(long.hasSuffix("~.csv.gz") && long.utf8.count <= 200, long)
    }

    // MARK: - 2. hostile contents

    func testHostileContentsAreRejectedFastInBoundedMemory() throws {
        let secretText = "XXE-SECRET-\(UUID().uuidString)"
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-xxe-\(UUID().uuidString.prefix(8)).txt")
        try Data((secretText + "\n").utf8).write(to: secretFile)
        defer { try? FileManager.default.removeItem(at: secretFile) }
        let incomeHeader = Array("户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入\n".utf8)

        // 1 GB of income rows in 3 MB of gzip (ratio ~340)
        let bombFile = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-bomb-\(UUID().uuidString.prefix(8)).gz")
        defer { try? FileManager.default.removeItem(at: bombFile) }
        try python([
            "-c",
            """
            import zlib, sys
            co = zlib.compressobj(9, zlib.DEFLATED, 31)
            f = open(sys.argv[1], 'wb')
            f.write(co.compress('户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入\\n'.encode()))
            rows = b'4408251010020014,2021-05,100,0,0,0\\n' * 30000
            for i in range(1000): f.write(co.compress(rows))
            f.write(co.flush())
            """, bombFile.path,
        ])
        let bombBytes = [UInt8](try Data(contentsOf: bombFile))

        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        var prev = "lol"
        for i in 1...9 { laughs += " <!ENTITY lol\(i) \"\(String(repeating: "&\(prev);", count: 10))\">\n"; prev = "lol\(i)" }
        laughs += "]>\n<YBJSSJ JLS=\"1\"><JL><JSLSH>&lol9;</JSLSH><XM>&lol9;</XM></JL></YBJSSJ>\n"
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE YBJSSJ [ <!ENTITY xxe SYSTEM "file://\(secretFile.path)"> ]>
            <YBJSSJ JLS="1"><JL><JSLSH>&xxe;</JSLSH><JSLX>1</JSLX><SFZH>&xxe;</SFZH><JSRQ>2021-05-06</JSRQ><YLZFY>1</YLZFY><GRZF>1</GRZF></JL></YBJSSJ>

            """
        let xxeParameter = """
            <?xml version="1.0"?>
            <!DOCTYPE YBJSSJ [ <!ENTITY % p SYSTEM "file://\(secretFile.path)"> %p; ]>
            <YBJSSJ JLS="0"></YBJSSJ>

            """
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(
            xxe.replacingOccurrences(of: "version=\"1.0\"", with: "version=\"1.0\" encoding=\"UTF-16\"").data(using: .utf16LittleEndian)!)

        let cases: [(name: String, bytes: () -> [UInt8], reason: String, seconds: Double)] = [
            ("income/nul.csv", { [UInt8](repeating: 0, count: 1 << 20) }, "", 5),
            (
                "income/field.csv", { incomeHeader + Array("\"".utf8) + [UInt8](repeating: 0x41, count: 10 << 20) + Array("\"\n".utf8) },
                "字段超过", 5
            ),
            ("income/unquoted.csv", { [UInt8](repeating: 0x41, count: 10 << 20) }, "字段超过", 5),
            ("income/commas.csv", { incomeHeader + [UInt8](repeating: 0x2C, count: 2_000_000) + [0x0A] }, "个字段", 5),
            // FINDING: the bomb is refused only once 16 MB have been inflated (InflateLimits.ratioGrace), all of
            // them parsed as rows first: ~7 s in a debug build (0.65 s in release). The bound here is 15 s until
            // the grace is lowered.
            ("income/bomb.csv.gz", { bombBytes }, "压缩炸弹", 15),
            ("medical/laughs.xml", { Array(laughs.utf8) }, "DOCTYPE", 5),
            ("medical/xxe.xml", { Array(xxe.utf8) }, "DOCTYPE", 5),
            ("medical/xxe-parameter.xml", { Array(xxeParameter.utf8) }, "DOCTYPE", 5),
            ("medical/xxe-utf16.xml", { [UInt8](utf16) }, "", 5),
        ]

        // the fixture county alone, for the memory baseline
        let base = try Sandbox("hostile-base")
        defer { base.remove() }
        try base.fill(from: fixtureInbox)
        let secrets = try Secrets.collect(base.inbox)
        let baseline = try Child(base, ["run", "--month", "2021-05", "--verbose"], measure: true).wait()
        XCTAssertEqual(baseline.status, 0, baseline.stderr)
        if baseline.maxRSSKB == 0 { print("no /usr/bin/time here: peak RSS is not measured") }

        for c in cases {
            let s = try Sandbox("hostile")
            defer { s.remove() }
            try s.fill(from: fixtureInbox)
            let dir = (c.name as NSString).deletingLastPathComponent
            try writeRaw(
                s.inbox.appendingPathComponent(dir).path, Array((c.name as NSString).lastPathComponent.utf8), c.bytes(),
                mtime: time(nil) - 3600)
            let r = try Child(s, ["run", "--month", "2021-05", "--verbose"], measure: true).wait()
            assertPrivate(r.stdout + r.stderr, secrets, c.name)
            print(
                "hostile \(c.name): \(String(format: "%.2f", r.seconds)) s, peak RSS \(r.maxRSSKB / 1024) MB (fixture alone \(baseline.maxRSSKB / 1024) MB)"
            )
            XCTAssertEqual(r.status, 65, "\(c.name): \(r.stderr)")
            XCTAssertLessThan(r.seconds, Bounds.seconds(c.seconds), "\(c.name) took \(r.seconds) s")
            XCTAssertLessThan(
                r.maxRSSKB, Bounds.kilobytes(baseline.maxRSSKB + 24 * 1024),
                "\(c.name): peak RSS \(r.maxRSSKB) KB, the fixture alone \(baseline.maxRSSKB) KB")
            XCTAssertEqual(try s.alertLines("2021-05"), try Sandbox.oracleLines(oracle), c.name)
            let entry = try manifestEntries(s).first { $0["file"] as? String == c.name }
            XCTAssertEqual(entry?["status"] as? String, "rejected", c.name)
            let reason = entry?["reason"] as? String ?? ""
            XCTAssertFalse(reason.isEmpty, c.name)
            XCTAssertLessThan(reason.utf8.count, 1000, "\(c.name): the reason is a sentence, not the file: \(reason.prefix(200))")
            if !c.reason.isEmpty { XCTAssertTrue(reason.contains(c.reason), "\(c.name): \(reason)") }
            // the entity's text never reaches an output, the state, or the log
            XCTAssertFalse(r.stdout.contains(secretText) || r.stderr.contains(secretText), c.name)
            for dir in [s.state, s.out] {
                for (path, data) in try contents(dir) {
                    XCTAssertNil(data.range(of: Data(secretText.utf8)), "\(c.name): the external entity's text is in \(path)")
                }
            }
            let summary =
                try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json")))
                as? [String: Any]
            XCTAssertNotNil(summary, c.name)
        }
    }

    /// FINDING (not fixed here, CSVReader/RowSources/Emitter): a record of many fields each under the 1 MB field
    /// limit is held whole (up to max_fields × max_field_bytes = 4 GB), and its whole raw text is copied into the
    /// quarantine as the row's "raw value" (and dropped again from out/<M>/quarantine.csv past 16 MB, together
    /// with every later line of that file). 200 fields of 1 MB: 23 s and 950 MB peak in debug, a 200 MB quarantine.
    /// Run with FANGFAN_KNOWN_ISSUES=1.
    func testAWideRecordIsBounded() throws {
        // fixed: CSVLimits.maxRecordBytes rejects the file once a record passes 4 MiB
        let s = try Sandbox("wide")
        defer { s.remove() }
        var bytes = Array("户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入\n".utf8)
        for _ in 0..<40 { bytes += [UInt8](repeating: 0x41, count: 1_000_000) + [0x2C] }
        bytes.append(0x0A)
        try FileManager.default.createDirectory(at: s.inbox.appendingPathComponent("income"), withIntermediateDirectories: true)
        try writeRaw(s.inbox.appendingPathComponent("income").path, Array("wide.csv".utf8), bytes, mtime: time(nil) - 3600)
        let r = try Child(s, ["ingest", "--verbose"], measure: true).wait()
        XCTAssertLessThan(r.seconds, Bounds.seconds(5))
        XCTAssertLessThan(r.maxRSSKB, Bounds.kilobytes(120 * 1024))
        for (path, data) in try contents(s.state.appendingPathComponent("quarantine")) {
            XCTAssertLessThan(data.count, 1 << 20, "\(path): the quarantine holds the whole record")
        }
    }

    // MARK: - 3. disk full

    func testFullStateDiskExits74AndTheRerunCompletesTheMonth() throws {
        let (expected, expectedManifest) = try referenceRun(fixtureInbox)
        var failed = 0
        for size in ["256k", "512k", "1m", "1100k", "1200k"] {
            let s = try Sandbox("fullstate")
            var mounted: String?
            defer { if let m = mounted { unmountTmpfs(m) }; s.remove() }
            try s.fill(from: fixtureInbox)
            let secrets = try Secrets.collect(s.inbox)
            mounted = try mountTmpfs(s.state.path, size: size)
            let r = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
            if r.status == 0 { continue }  // it fitted
            failed += 1
            XCTAssertEqual(r.status, 74, "\(size): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("No space left on device") || r.stderr.contains("disk is full"), "\(size): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Error Domain="), "\(size): one clear line, not an error dictionary: \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("while executing"), "\(size): SQLite's code and message, not the statement: \(r.stderr)")
            XCTAssertEqual(try listing(s.out), [], "\(size): nothing half-written in out/")
            XCTAssertEqual(try tree(s.state, excluding: []).filter { $0.contains(".tmp-") }, [], "\(size): temporaries left in state/")
            XCTAssertTrue(remountTmpfs(s.state.path, size: "200m"), size)
            let again = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
            XCTAssertEqual(again.status, 0, "\(size): \(again.stderr)")
            try assertSameResult(s, expected, expectedManifest, "state full at \(size)")
        }
        XCTAssertGreaterThan(failed, 2, "the small disks should have filled up")
    }

    func testFullOutputDiskExits74LeavesNoPartialMonthAndTheRerunCompletes() throws {
        let (expected, expectedManifest) = try referenceRun(fixtureInbox)
        for size in ["64k", "200k"] {
            let s = try Sandbox("fullout")
            var mounted: String?
            defer { if let m = mounted { unmountTmpfs(m) }; s.remove() }
            try s.fill(from: fixtureInbox)
            let secrets = try Secrets.collect(s.inbox)
            mounted = try mountTmpfs(s.out.path, size: size)
            let r = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
            XCTAssertEqual(r.status, 74, "\(size): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("No space left on device"), "\(size): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Error Domain="), "\(size): one clear line, not an error dictionary: \(r.stderr)")
            XCTAssertEqual(try listing(s.out), [], "\(size): no out/2021-05 and no half-built folder beside it")
            XCTAssertTrue(remountTmpfs(s.out.path, size: "200m"), size)
            let again = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
            XCTAssertEqual(again.status, 0, "\(size): \(again.stderr)")
            try assertSameResult(s, expected, expectedManifest, "out full at \(size)")
        }
    }

    func testFullOutputDiskOnARerunKeepsThePreviousOutputs() throws {
        let s = try Sandbox("fullrerun")
        var mounted: String?
        defer { if let m = mounted { unmountTmpfs(m) }; s.remove() }
        try s.fill(from: fixtureInbox)
        let secrets = try Secrets.collect(s.inbox)
        mounted = try mountTmpfs(s.out.path, size: "1m")
        XCTAssertEqual(try run(s, ["run", "--month", "2021-05"], secrets: secrets).status, 0)
        let before = try contents(s.out)
        XCTAssertTrue(remountTmpfs(s.out.path, size: "400k"))  // the second copy cannot fit
        let r = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
        XCTAssertEqual(r.status, 74, r.stderr)
        XCTAssertEqual(try contents(s.out), before, "the previous outputs stay whole, byte for byte (generated_at included)")
        XCTAssertTrue(remountTmpfs(s.out.path, size: "200m"))
        XCTAssertEqual(try run(s, ["run", "--month", "2021-05"], secrets: secrets).status, 0)
        XCTAssertEqual(try listing(s.out), ["2021-05"])
    }

    /// An inbox on another file system than state/ (a network share): the original is copied to the archive
    /// or rejected/ 1 MB at a time, not read whole into memory (it was: 133 MB peak for a 50 MB file).
    func testMovingALargeFileAcrossFileSystemsUsesBoundedMemory() throws {
        let small = try Sandbox("move-small")
        let s = try Sandbox("move-big")
        var mounted: [String] = []
        defer { mounted.forEach(unmountTmpfs); small.remove(); s.remove() }  // unmount first, then remove
        try FileManager.default.createDirectory(at: small.inbox.appendingPathComponent("misc"), withIntermediateDirectories: true)
        try writeRaw(small.inbox.appendingPathComponent("misc").path, Array("small.csv".utf8), Array("x\n".utf8), mtime: time(nil) - 3600)
        mounted.append(try mountTmpfs(small.state.path, size: "16m"))
        let baseline = try Child(small, ["ingest", "--verbose"], measure: true).wait()
        XCTAssertEqual(baseline.status, 65, baseline.stderr)

        try FileManager.default.createDirectory(at: s.inbox.appendingPathComponent("misc"), withIntermediateDirectories: true)
        var bytes = [UInt8](repeating: 0, count: 50_000_000)
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in bytes.indices { x = x &* 6364136223846793005 &+ 1442695040888963407; bytes[i] = UInt8(truncatingIfNeeded: x >> 56) }
        try writeRaw(s.inbox.appendingPathComponent("misc").path, Array("big.csv".utf8), bytes, mtime: time(nil) - 3600)
        mounted.append(try mountTmpfs(s.state.path, size: "200m"))
        let r = try Child(s, ["ingest", "--verbose"], measure: true).wait()
        XCTAssertEqual(r.status, 65, r.stderr)  // not a known feed: rejected, after its sha256
        print(
            "moved 50 MB across file systems: \(String(format: "%.2f", r.seconds)) s, peak RSS \(r.maxRSSKB / 1024) MB (small file \(baseline.maxRSSKB / 1024) MB)"
        )
        XCTAssertLessThan(r.maxRSSKB, baseline.maxRSSKB + 24 * 1024, "peak RSS \(r.maxRSSKB) KB for a 50 MB file")
        let stored = try Data(contentsOf: s.state.appendingPathComponent("rejected/000001-big.csv"))
        XCTAssertTrue(stored.elementsEqual(bytes), "the original is stored byte for byte")
        XCTAssertEqual(try rawNames(s.inbox.appendingPathComponent("misc").path), [])
        XCTAssertEqual(try tree(s.state, excluding: []).filter { $0.contains(".tmp-") }, [])
    }

    // MARK: - 4. signals

    func testSIGTERMAtAnyMomentEndsTheRunAndTheRerunConverges() throws {
        let big = try HardeningTests.bigInbox()
        let (expected, expectedManifest) = try referenceRun(big)
        for (delay, sig) in [(50, SIGTERM), (200, SIGTERM), (500, SIGTERM), (1000, SIGTERM), (300, SIGINT), (700, SIGHUP)] {
            let s = try Sandbox("term")
            defer { s.remove() }
            try s.fill(from: big)
            let secrets = try Secrets.collect(s.inbox)
            let child = try Child(s, ["run", "--month", "2021-05", "--verbose"])
            usleep(useconds_t(delay * 1000))
            child.signal(sig)
            let r = child.wait()
            assertPrivate(r.stdout + r.stderr, secrets, "signal \(sig) at \(delay) ms")
            XCTAssertTrue([0, 128 + sig, -sig].contains(r.status), "signal \(sig) at \(delay) ms: status \(r.status) \(r.stderr)")
            if r.status == 128 + sig { XCTAssertTrue(r.stderr.contains("interrupted"), r.stderr) }
            let again = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
            XCTAssertEqual(again.status, 0, "after signal \(sig) at \(delay) ms: \(again.stderr)")
            try assertSameResult(s, expected, expectedManifest, "signal \(sig) at \(delay) ms")
            XCTAssertEqual(try listing(s.out), ["2021-05"], "no half-built month folder is left")
        }
    }

    func testAnIgnoredHangupStaysIgnored() throws {
        let s = try Sandbox("nohup")
        defer { s.remove() }
        try s.fill(from: try HardeningTests.bigInbox())
        // as `nohup fangfan run`: the shell ignores SIGHUP, and exec keeps it ignored
        let child = try Child(s, ["run", "--month", "2021-05", "--verbose"], shell: "trap '' HUP; exec \"$0\" \"$@\"")
        XCTAssertTrue(waitForLock(s, pid: child.pid))
        child.signal(SIGHUP)
        let r = child.wait()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try listing(s.out), ["2021-05"])
    }

    // MARK: - 5. the lock

    func testALockLeftByAKilledRunDoesNotBlockTheNext() throws {
        let big = try HardeningTests.bigInbox()
        let (expected, expectedManifest) = try referenceRun(big)
        let s = try Sandbox("lockkill")
        defer { s.remove() }
        try s.fill(from: big)
        let secrets = try Secrets.collect(s.inbox)
        let child = try Child(s, ["run", "--month", "2021-05", "--verbose"])
        XCTAssertTrue(waitForLock(s, pid: child.pid), "the run never took the lock")
        child.signal(SIGKILL)
        XCTAssertEqual(child.wait().status, -SIGKILL)
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.state.appendingPathComponent("lock").path), "the lock file stays behind")
        let r = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertSameResult(s, expected, expectedManifest, "after kill -9 holding the lock")
    }

    func testASecondRunWhileOneRunsExits75AtOnceAndTheFirstCompletes() throws {
        let big = try HardeningTests.bigInbox()
        let (expected, expectedManifest) = try referenceRun(big)
        let s = try Sandbox("locktwo")
        defer { s.remove() }
        try s.fill(from: big)
        let secrets = try Secrets.collect(s.inbox)
        let first = try Child(s, ["run", "--month", "2021-05", "--verbose"])
        XCTAssertTrue(waitForLock(s, pid: first.pid), "the first run never took the lock")
        for args in [["run", "--month", "2021-05"], ["ingest"], ["emit", "--month", "2021-05"]] {
            let t0 = Date()
            let second = try run(s, args, secrets: secrets)
            XCTAssertEqual(second.status, 75, "\(args): \(second.stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(t0), 3, "exit 75 at once")
            XCTAssertTrue(second.stderr.contains("holds the lock"), second.stderr)
        }
        XCTAssertEqual(kill(first.pid, 0), 0, "the first run was still running while the others were refused")
        let r = first.wait()
        assertPrivate(r.stdout + r.stderr, secrets, "first run")
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertSameResult(s, expected, expectedManifest, "the first of two runs")
    }

    // MARK: - 6. privacy on a messy county

    func testMessyInputsAndVerboseLogsShowNoResidentIDOrName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-messy-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        try python(["tools/gen.py", "--seed", "11", "--households", "300", "--messy", "--quiet", "--out", dir.path])
        let s = try Sandbox("messy-privacy")
        defer { s.remove() }
        try s.fill(from: dir)
        let secrets = try Secrets.collect(s.inbox)
        XCTAssertGreaterThan(secrets.count, 500)
        let r = try run(s, ["run", "--month", "2021-05"], secrets: secrets)
        XCTAssertTrue([0, 65].contains(r.status), r.stderr)
        // the stages one by one, as a data officer reruns them by hand
        for cmd in [["ingest"], ["link", "--month", "2021-05"], ["detect", "--month", "2021-05"], ["emit", "--month", "2021-05"]] {
            let r = try run(s, cmd, secrets: secrets)
            XCTAssertEqual(r.status, 0, "\(cmd): \(r.stderr)")
        }
    }

    // MARK: - helpers

    /// `fangfan <args> --verbose`, asserting that no resident ID or name reaches standard output or error.
    func run(_ s: Sandbox, _ args: [String], secrets: Set<String>, file: StaticString = #filePath, line: UInt = #line) throws
        -> Sandbox.Result
    {
        let r = try s.run(args + ["--verbose"])
        assertPrivate(r.stdout + r.stderr, secrets, args.joined(separator: " "), file: file, line: line)
        return r
    }

    func assertPrivate(_ log: String, _ secrets: Set<String>, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let leaked = secrets.filter { log.contains($0) }
        XCTAssertTrue(leaked.isEmpty, "\(context): \(leaked.count) resident IDs or names reached the log", file: file, line: line)
    }

    /// The uninterrupted run's outputs and manifest for an inbox.
    func referenceRun(_ inbox: URL) throws -> ([String: Data], [String]) {
        let s = try Sandbox("reference")
        defer { s.remove() }
        try s.fill(from: inbox)
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try s.outputs("2021-05"), try s.manifest())
    }

    func assertSameResult(
        _ s: Sandbox, _ expected: [String: Data], _ manifest: [String], _ context: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(try s.manifest(), manifest, "\(context): files lost or taken twice", file: file, line: line)
        let got = try s.outputs("2021-05")
        XCTAssertEqual(Set(got.keys), Set(expected.keys), context, file: file, line: line)
        for (k, v) in expected where got[k] != v {
            XCTFail("\(context): \(k) differs from the uninterrupted run", file: file, line: line)
        }
    }

    func manifestEntries(_ s: Sandbox) throws -> [[String: Any]] {
        let data = try Data(contentsOf: s.state.appendingPathComponent("manifest.jsonl"))
        return try data.split(separator: 0x0A).map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
    }

    func waitForLock(_ s: Sandbox, pid: pid_t) -> Bool {
        let lock = s.state.appendingPathComponent("lock").path
        for _ in 0..<1000 {
            if let text = try? String(contentsOfFile: lock, encoding: .utf8), text == "\(pid)\n" { return true }
            usleep(2000)
        }
        return false
    }

    /// A 3000-household inbox from gen.py (seed 3), made once: a run long enough to interrupt.
    nonisolated(unsafe) static var big: URL?
    static func bigInbox() throws -> URL {
        if let b = big { return b }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-gen3000-\(getpid())")
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("roster").path) {
            try python(["tools/gen.py", "--seed", "3", "--households", "3000", "--quiet", "--out", dir.path])
        }
        big = dir
        return dir
    }

    override class func tearDown() {
        if let b = big { try? FileManager.default.removeItem(at: b) }
        super.tearDown()
    }

    // tmpfs mounts for the disk-full cases (root only)

    func mountTmpfs(_ path: String, size: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if mount("tmpfs", path, "tmpfs", 0, "size=\(size),mode=0700") != 0 {
            let e = String(cString: strerror(errno))
            throw XCTSkip("cannot mount a tmpfs at \(path) (\(e)): the disk-full tests need root and permission to mount")
        }
        addTeardownBlock { _ = umount2(path, 2 /* MNT_DETACH */) }
        return path
    }

    func remountTmpfs(_ path: String, size: String) -> Bool {
        mount("tmpfs", path, "tmpfs", 32 /* MS_REMOUNT */, "size=\(size),mode=0700") == 0
    }

    func unmountTmpfs(_ path: String) { _ = umount2(path, 2) }
}

// MARK: - support

/// Resident IDs and names of an inbox's CSV files (columns named 身份证… and …姓名), before a run moves them.
enum Secrets {
    static func collect(_ inbox: URL) throws -> Set<String> {
        var out = Set<String>()
        let e = FileManager.default.enumerator(atPath: inbox.path)!
        for case let rel as String in e where rel.lowercased().hasSuffix(".csv") {
            guard let data = FileManager.default.contents(atPath: inbox.appendingPathComponent(rel).path) else { continue }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            guard let header = lines.first else { continue }
            let names = parseCSVLine(String(header))
            let cols = names.indices.filter {
                names[$0].contains("身份证") || names[$0].contains("姓名") || names[$0] == "核查人" || names[$0] == "填报人"
            }
            for l in lines.dropFirst() {
                let f = parseCSVLine(String(l))
                for c in cols where c < f.count {
                    let v = f[c].trimmingCharacters(in: .whitespaces)
                    let isID = v.count >= 15 && v.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }
                    let isName = (2...4).contains(v.count) && v.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) }
                    if isID || isName { out.insert(v) }
                }
            }
        }
        return out
    }
}

/// A `fangfan` started with posix_spawn: its pid (to signal it), then its status, time and peak RSS.
final class Child {
    let pid: pid_t
    let started = Date()
    let outPath: String
    let errPath: String

    /// Where /usr/bin/time writes the peak RSS when the child is measured.
    let rssPath: String?

    /// - Parameter shell: when given, `/bin/sh -c shell fangfan args…` (the script ends with `exec "$0" "$@"`).
    /// - Parameter measure: run under `/usr/bin/time -f %M`, which forks fangfan from its own small process.
    ///   (wait4's ru_maxrss of a child made by posix_spawn also counts this test process's memory: glibc spawns
    ///   with CLONE_VM, and Linux carries the high-water mark of the memory left at exec.)
    init(_ s: Sandbox, _ args: [String], env: [String: String] = [:], shell: String? = nil, measure: Bool = false) throws {
        let fangfan = Sandbox.binDir.appendingPathComponent("fangfan").path
        let tag = UUID().uuidString.prefix(8)
        let timing = measure && FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        rssPath = timing ? FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-child-\(tag).rss").path : nil
        let exe = shell != nil ? "/bin/sh" : (timing ? "/usr/bin/time" : fangfan)
        let prefix = (shell.map { ["/bin/sh", "-c", $0] } ?? []) + (rssPath.map { ["/usr/bin/time", "-f", "%M", "-o", $0] } ?? [])
        let full =
            prefix + [fangfan] + args + [
                "--config", Sandbox.repo.appendingPathComponent("pipelines/default.toml").path,
                "--inbox", s.inbox.path, "--state", s.state.path, "--out", s.out.path, "--today", "2021-06-02",
            ]
        outPath = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-child-\(tag).out").path
        errPath = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-child-\(tag).err").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        let argv: [UnsafeMutablePointer<CChar>?] = full.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, &attr, argv, envp)
        if rc != 0 { throw IOFailure(path: exe, errno: rc, doing: "cannot start") }
        self.pid = pid
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    struct Outcome {
        /// The exit status, or minus the signal that killed it.
        var status: Int32
        var seconds: Double
        /// Peak RSS of fangfan when measured (0 when not, or without /usr/bin/time).
        var maxRSSKB: Int
        var stdout: String
        var stderr: String
    }

    func wait() -> Outcome {
        var st: Int32 = 0
        while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(started)
        let status: Int32 = (st & 0x7F) == 0 ? (st >> 8) & 0xFF : -(st & 0x7F)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        unlink(outPath)
        unlink(errPath)
        var rss = 0
        if let p = rssPath {
            let text = (try? String(contentsOfFile: p, encoding: .utf8)) ?? ""
            rss = Int(text.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "") ?? 0
            unlink(p)
        }
        return Outcome(status: status, seconds: seconds, maxRSSKB: rss, stdout: out, stderr: err)
    }
}

/// Writes a file under a name given as bytes (FileManager refuses names that are not UTF-8), with an mtime.
func writeRaw(_ dir: String, _ name: [UInt8], _ bytes: [UInt8], mtime: Int) throws {
    let path = Array(dir.utf8) + [0x2F] + name + [0]
    try path.withUnsafeBufferPointer { pb in
        try pb.baseAddress!.withMemoryRebound(to: CChar.self, capacity: pb.count) { p in
            let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd < 0 { throw IOFailure(path: dir, errno: errno, doing: "cannot create a test file") }
            defer { close(fd) }
            var off = 0
            while off < bytes.count {
                let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { throw IOFailure(path: dir, errno: errno, doing: "cannot write a test file") }
                off += n
            }
            var times = [timeval(tv_sec: mtime, tv_usec: 0), timeval(tv_sec: mtime, tv_usec: 0)]
            if utimes(p, &times) != 0 { throw IOFailure(path: dir, errno: errno, doing: "cannot date a test file") }
        }
    }
}

/// The names in a folder as bytes.
func rawNames(_ dir: String) throws -> [[UInt8]] {
    guard let d = opendir(dir) else { throw IOFailure(path: dir, errno: errno, doing: "cannot list") }
    defer { closedir(d) }
    var out: [[UInt8]] = []
    while let e = readdir(d) {
        let raw: [UInt8] = withUnsafeBytes(of: &e.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
        if raw != [0x2E] && raw != [0x2E, 0x2E] { out.append(raw) }
    }
    return out.sorted { $0.lexicographicallyPrecedes($1) }
}

/// Relative paths under a folder (links not followed), skipping the named top-level entries.
func tree(_ root: URL, excluding: Set<String>) throws -> [String] {
    var out: [String] = []
    let e = FileManager.default.enumerator(atPath: root.path)!
    for case let rel as String in e {
        if let top = rel.split(separator: "/").first, excluding.contains(String(top)) { e.skipDescendants(); continue }
        out.append(rel)
    }
    return out.sorted()
}

/// The entries directly in a folder, hidden ones included.
func listing(_ dir: URL) throws -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
}

/// Every regular file under a folder, by relative path.
func contents(_ root: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    guard let e = FileManager.default.enumerator(atPath: root.path) else { return out }
    for case let rel as String in e {
        let path = root.appendingPathComponent(rel).path
        var st = stat()
        if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG { out[rel] = FileManager.default.contents(atPath: path) }
    }
    return out
}

func python(_ args: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3"] + args
    p.currentDirectoryURL = Sandbox.repo
    try p.run()
    p.waitUntilExit()
    if p.terminationStatus != 0 { throw IOFailure(path: args.joined(separator: " "), message: "python3 failed (\(p.terminationStatus))") }
}
