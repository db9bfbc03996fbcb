import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// `fangfan sweep` as cron and data officers run it: the built binary on the fixture county.
final class SweepCommandTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    /// Every file under out/sweep, by relative path; with `strip`, summary.json without `generated_at`/`timings`.
    func sweepOutputs(_ s: Sandbox, strip: Bool) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = s.out.appendingPathComponent("sweep")
        for case let rel as String in FileManager.default.enumerator(atPath: base.path)! {
            var isDir: ObjCBool = false
            let path = base.appendingPathComponent(rel).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            var d = try Data(contentsOf: URL(fileURLWithPath: path))
            if strip && rel.hasSuffix("summary.json") {
                var o = try JSONSerialization.jsonObject(with: d) as! [String: Any]
                o["timings"] = nil
                o["generated_at"] = nil
                d = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
            }
            files[rel] = d
        }
        return files
    }

    func summary(_ s: Sandbox, _ event: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("sweep/\(event)/summary.json")))
            as! [String: Any]
    }

    /// The events a sweep's log says it swept.
    func swept(_ r: Sandbox.Result) -> [String] {
        r.stderr.split(separator: "\n").filter { $0.contains("event swept") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("event=") }.map { String($0.dropFirst(6)) }
        }
    }

    /// Rows of a town's CSV list (header and BOM off), split on commas (the fixture's values hold none).
    func rows(_ s: Sandbox, _ event: String, _ town: String) throws -> [[String]] {
        let text = try String(contentsOf: s.out.appendingPathComponent("sweep/\(event)/towns/\(town).csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func testSweepsNewEventsOnlyAndRerunsIdentically() throws {
        let s = try Sandbox("sweep")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05"]).status, 0)

        // a state never swept: every event of the disaster feed
        var r = try s.run(["sweep", "--verbose"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNil(r.stderr.range(of: "[0-9]{17}[0-9X]", options: .regularExpression), "a resident ID reached the log")
        XCTAssertNil(r.stderr.range(of: "[0-9]{16}", options: .regularExpression), "a household number reached the log")
        XCTAssertEqual(swept(r), ["ZH2020001", "ZH2021001", "ZH2021004"])
        for event in ["ZH2020001", "ZH2021001", "ZH2021004"] {
            let sum = try summary(s, event)
            let towns = try FileManager.default.contentsOfDirectory(atPath: s.out.appendingPathComponent("sweep/\(event)/towns").path)
            XCTAssertEqual(
                Set(towns.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }),
                Set((sum["towns"] as! [String: Any]).keys), "files only for the towns holding a struck village")
            XCTAssertEqual(towns.filter { $0.hasSuffix(".xlsx") }.count, towns.filter { $0.hasSuffix(".csv") }.count)
            let listed = try towns.filter { $0.hasSuffix(".csv") }.reduce(0) { $0 + (try rows(s, event, String($1.dropLast(4)))).count }
            XCTAssertEqual(listed, sum["households_listed"] as! Int, event)
        }
        let first = try sweepOutputs(s, strip: false)

        // nothing new: says so, writes nothing, exits 0
        r = try s.run(["sweep"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(swept(r), [])
        XCTAssertTrue(r.stderr.contains("nothing to sweep"), r.stderr)
        XCTAssertEqual(try sweepOutputs(s, strip: false), first, "a sweep with nothing new touches no file")
        XCTAssertEqual(try s.run(["sweep", "--quiet"]).stderr, "", "--quiet: nothing on stderr when there is nothing to sweep")
        // an idle sweep makes the roster's sweep index when it is missing (a new roster), and still writes no output
        let indexFolder = s.state.appendingPathComponent("sweep")
        func indexFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: indexFolder.path).filter { $0.hasSuffix(".idx") }
        }
        let indexed = try indexFiles()
        XCTAssertEqual(indexed.count, 1)
        for f in indexed { try FileManager.default.removeItem(at: indexFolder.appendingPathComponent(f)) }
        r = try s.run(["sweep"])
        XCTAssertEqual(swept(r), [])
        XCTAssertEqual(try indexFiles(), indexed)
        XCTAssertEqual(try sweepOutputs(s, strip: false), first)

        // a named event is swept again, into identical files (generated_at and timings aside)
        r = try s.run(["sweep", "--event", "ZH2021004"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(swept(r), ["ZH2021004"])
        XCTAssertTrue(r.stderr.contains(#"from="sweep index""#), "the first sweep wrote the roster's sweep index: \(r.stderr)")
        XCTAssertEqual(try sweepOutputs(s, strip: true), try firstStripped(first))
        // the same lists from the whole roster, without the sweep index
        let idx = s.state.appendingPathComponent("sweep")
        for f in try FileManager.default.contentsOfDirectory(atPath: idx.path) where f.hasSuffix(".idx") {
            try FileManager.default.removeItem(at: idx.appendingPathComponent(f))
        }
        r = try s.run(["sweep", "--event", "ZH2021004", "--event", "ZH2021001"])
        XCTAssertTrue(r.stderr.contains(#"from="staged roster""#), r.stderr)
        XCTAssertEqual(try sweepOutputs(s, strip: true), try firstStripped(first))
        // an index whose people point past its households (length and header intact) is not trusted: the
        // sweep says so, reads the whole roster, and the lists are the same
        let idxFile = idx.appendingPathComponent(
            try FileManager.default.contentsOfDirectory(atPath: idx.path).first { $0.hasSuffix(".idx") }!)
        var bytes = [UInt8](try Data(contentsOf: idxFile))
        let persons = bytes[24..<32].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        for p in 0..<persons { for b in 0..<8 { bytes[88 + p * 16 + 8 + b] = 0xFF } }
        try Data(bytes).write(to: idxFile)
        r = try s.run(["sweep", "--event", "ZH2021004", "--event", "ZH2021001"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("sweep index is damaged"), r.stderr)
        XCTAssertEqual(try sweepOutputs(s, strip: true), try firstStripped(first))

        // a new disaster file: only its event is swept, without --event
        let roster = try String(contentsOf: fixture.appendingPathComponent("inbox/roster/roster.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let heads = roster.filter { $0[6] == "户主" }
        let (a, b, c) = (heads[0], heads[1], heads[2])
        let file = """
            灾害编号,灾种,灾害名称,发生日期,户主身份证号,户主姓名,乡镇,行政村,房屋损毁程度,农作物受灾面积(亩),直接经济损失(元)
            ZH2021009,洪涝,2021年6月洪涝,2021-06-01,\(a[4]),\(a[5]),\(a[1]),\(a[2]),倒塌,1.0,20000.00
            ZH2021009,洪涝,2021年6月洪涝,2021-06-01,\(b[4]),\(b[5]),\(b[1]),\(b[2]),一般损坏,0,
            ZH2021009,洪涝,2021年6月洪涝,2021-06-01,\(c[4]),\(c[5]),,,严重损坏,0,500.00
            ZH2021009,洪涝,2021年6月洪涝,2021-06-01,440825196502034412,林海,锦和镇,锦和村,严重损坏,3.5,18000.00

            """
        let dir = s.inbox.appendingPathComponent("disaster")
        try file.write(to: dir.appendingPathComponent("灾情_20210601.csv"), atomically: true, encoding: .utf8)
        try s.age(dir)
        r = try s.run(["sweep", "--verbose"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(swept(r), ["ZH2021009"])
        XCTAssertTrue(r.stderr.contains(#"from="sweep index""#), r.stderr)
        for secret in [a[4], b[4], c[4], "440825196502034412", a[5], b[5], c[5], "林海"] {
            XCTAssertFalse(r.stderr.contains(secret), "a resident ID or name reached the log")
        }
        let sum = try summary(s, "ZH2021009")
        XCTAssertEqual(sum["records"] as? Int, 4)
        XCTAssertEqual(sum["matched"] as? Int, 3)
        XCTAssertEqual(sum["unmatched"] as? Int, 1)
        XCTAssertEqual(sum["households_struck"] as? Int, 3)
        XCTAssertEqual((sum["files"] as! [[String: Any]]).map { $0["file"] as! String }, ["disaster/灾情_20210601.csv"])
        // the record lacking town and village is listed where the roster puts its household
        let cRows = try rows(s, "ZH2021009", c[1])
        XCTAssertTrue(cRows.contains { $0[4] == c[0] && $0[2] == c[1] && $0[3] == c[2] && $0[10] == "是" && $0[11] == "严重损坏" })
        // the first struck household of A's town: 倒塌 comes first; its head's ID masked, first 6 and last 4 kept
        let aRows = try rows(s, "ZH2021009", a[1])
        let aRow = aRows.first { $0[4] == a[0] }!
        XCTAssertEqual(aRow[6], String(a[4].prefix(6)) + "********" + String(a[4].suffix(4)))
        XCTAssertEqual(Array(aRow[10...12]), ["是", "倒塌", "20000.00"])
        XCTAssertEqual(Array(aRow.suffix(4)), ["", "", "", ""])
        let unmatched = try String(contentsOf: s.out.appendingPathComponent("sweep/ZH2021009/unmatched.csv"), encoding: .utf8)
        XCTAssertTrue(unmatched.contains("440825********4412,林海,锦和镇,锦和村"))
        XCTAssertFalse(unmatched.contains("440825196502034412"))
        // the events swept before are left as they were
        let now = try sweepOutputs(s, strip: true)
        for (k, v) in try firstStripped(first) { XCTAssertEqual(now[k], v, k) }

        // and the next sweep has nothing to do
        r = try s.run(["sweep"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(swept(r), [])
    }

    func firstStripped(_ raw: [String: Data]) throws -> [String: Data] {
        var out = raw
        for (k, d) in raw where k.hasSuffix("summary.json") {
            var o = try JSONSerialization.jsonObject(with: d) as! [String: Any]
            o["timings"] = nil
            o["generated_at"] = nil
            out[k] = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
        }
        return out
    }

    func testUnknownEventExits64NamingItAndASweepNeedsNoRun() throws {
        let s = try Sandbox("sweep-unknown")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        var r = try s.run(["sweep", "--event", "ZH2021004", "--event", "ZH2099999"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("ZH2099999"), r.stderr)
        XCTAssertFalse(r.stderr.contains("unknown disaster event ZH2021004"))
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: s.out.appendingPathComponent("sweep/ZH2021004").path),
            "nothing is swept when the command line names an unknown event")
        // no monthly run has been made: the sweep still works (no case in the ledger)
        r = try s.run(["sweep", "--event", "ZH2021004"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(swept(r), ["ZH2021004"])
        // the other events were not swept yet: they are still due
        r = try s.run(["sweep"])
        XCTAssertEqual(swept(r), ["ZH2020001", "ZH2021001"])
        r = try s.run(["sweep", "--event", ""])
        XCTAssertEqual(r.status, 64)
    }

    func testSweepWhileARunHoldsTheLockExits75AndDoesNothing() throws {
        let s = try Sandbox("sweep-lock")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        try FileManager.default.createDirectory(at: s.state, withIntermediateDirectories: true)
        let held = try RunLock(path: s.state.appendingPathComponent("lock").path)
        let r = try s.run(["sweep"])
        XCTAssertEqual(r.status, 75)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.state.appendingPathComponent("manifest.jsonl").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.out.appendingPathComponent("sweep").path))
        _ = held
    }

    func testHelpHasExamples() throws {
        let s = try Sandbox("sweep-help")
        defer { s.remove() }
        let p = Process()
        p.executableURL = Sandbox.binDir.appendingPathComponent("fangfan")
        p.arguments = ["sweep", "--help"]
        let o = Pipe()
        p.standardOutput = o
        try p.run()
        let text = String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertTrue(text.contains("fangfan sweep --event ZH2021007"))
        XCTAssertTrue(text.contains("--event <id>"))
        XCTAssertTrue(text.contains("bin/fangfan sweep --quiet"))
    }
}
