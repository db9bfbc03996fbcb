import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §11 through the built command, on a county generated with damaged IDs of every kind (gen.py
/// --damaged-ids): the candidates are found, the decoys get none, and once the review list comes back confirmed the
/// alerts equal those of the same county without damage.
final class ReviewEndToEndTests: XCTestCase {
    static let month = "2021-05"

    struct Planted { var kind, feed, file, line, raw, name, trueID, household: String; var decoy: Bool }

    func csvRows(_ path: String) throws -> [[String]] {
        let reader = CSVReader(try DecodedSource(try FileByteSource(path: path), encoding: .utf8))
        var out: [[String]] = []
        while let r = try reader.next() { out.append(r.strings) }
        if var h = out.first, let f = h.first, f.hasPrefix("\u{FEFF}") { h[0] = String(f.dropFirst()); out[0] = h }
        return out
    }

    /// The generated county (seed 7, 300 households): clean, or with `damaged` IDs planted (and what was planted).
    func county(_ name: String, damaged: Int) throws -> (URL, [Planted]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fangfan-\(name)-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        var args = ["tools/gen.py", "--seed", "7", "--households", "300", "--quiet", "--out", dir.appendingPathComponent("inbox").path]
        if damaged > 0 { args += ["--damaged-ids", "\(damaged)", "--damaged-expect", dir.appendingPathComponent("planted.csv").path] }
        try python(args)
        guard damaged > 0 else { return (dir.appendingPathComponent("inbox"), []) }
        let rows = try csvRows(dir.appendingPathComponent("planted.csv").path).dropFirst()
        return (
            dir.appendingPathComponent("inbox"),
            rows.map {
                Planted(
                    kind: $0[0], feed: $0[1], file: $0[2], line: $0[3], raw: $0[4], name: $0[5], trueID: $0[6], household: $0[7],
                    decoy: $0[8] == "1")
            }
        )
    }

    func summaryReview(_ s: Sandbox) throws -> [String: [String: Int]] {
        let o =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("\(Self.month)/summary.json")))
            as! [String: Any]
        return o["review"] as! [String: [String: Int]]
    }

    func linkedCounts(_ s: Sandbox) throws -> [String: Int] {
        let o =
            try JSONSerialization.jsonObject(with: Data(contentsOf: s.state.appendingPathComponent("work/\(Self.month)/link.json")))
            as! [String: Any]
        return o["linked"] as! [String: Int]
    }

    func list(_ s: Sandbox) throws -> [[String]] {
        try csvRows(s.out.appendingPathComponent("\(Self.month)/review/疑似匹配.csv").path)
    }

    /// Returns `rows` of the list as a review file in inbox/review/.
    func send(_ s: Sandbox, _ name: String, _ rows: [[String]]) throws {
        let dir = s.inbox.appendingPathComponent("review")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var text = "复核编号,复核结论,复核人,复核日期,备注\n"
        for r in rows { text += r.joined(separator: ",") + "\n" }
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        try s.age(dir)
    }

    func testDamagedIDsOfEveryKindAreFoundDecoysAreNotAndConfirmedTheAlertsEqualTheCleanCounty() throws {
        let (cleanInbox, _) = try county("review-clean", damaged: 0)
        let (damagedInbox, planted) = try county("review-damaged", damaged: 20)
        XCTAssertEqual(Set(planted.filter { !$0.decoy }.map(\.kind)), Set(MatchRule.allCases.map(\.rawValue)), "every kind planted")
        XCTAssertEqual(Set(planted.filter { !$0.decoy }.map(\.feed)), ["medical", "civil", "disability", "disaster"])
        XCTAssertEqual(Set(planted.filter(\.decoy).map(\.kind)), ["decoy_name", "decoy_two_digits"])

        let clean = try Sandbox("review-clean")
        defer { clean.remove() }
        try clean.fill(from: cleanInbox)
        XCTAssertEqual(try clean.run(["run", "--month", Self.month, "--quiet"]).status, 0)
        let cleanAlerts = try clean.alertLines(Self.month)
        XCTAssertEqual(try list(clean).count, 1, "a county without damaged IDs: the list has its header only")
        XCTAssertEqual(try summaryReview(clean)["medical"], ["pending": 0, "confirmed": 0, "denied": 0])

        let s = try Sandbox("review-damaged")
        defer { s.remove() }
        try s.fill(from: damagedInbox)
        XCTAssertEqual(try s.run(["run", "--month", Self.month, "--quiet"]).status, 0)
        XCTAssertNotEqual(try s.alertLines(Self.month), cleanAlerts, "the damage hides records that matter")
        let rows = try list(s)
        XCTAssertEqual(rows[0], ReviewList.headers)
        let col = { (h: String) in ReviewList.headers.firstIndex(of: h)! }
        var confirm: [[String]] = []
        for p in planted {
            let mine = rows.dropFirst().filter { $0[col("原始身份证号")] == p.raw && $0[col("姓名")] == p.name }
            if p.decoy {
                XCTAssertTrue(mine.isEmpty, "decoy \(p.kind) at \(p.file):\(p.line) got a candidate")
                continue
            }
            guard let right = mine.first(where: { $0[col("候选户编号")] == p.household }) else {
                XCTFail("no candidate for \(p.kind) at \(p.file):\(p.line)"); continue
            }
            XCTAssertTrue(right[col("依据")].contains(p.kind), right[col("依据")])
            XCTAssertEqual(right[col("候选身份证号")], String(p.trueID.prefix(6)) + "********" + String(p.trueID.suffix(4)), "masked")
            XCTAssertEqual(right[col("复核编号")].count, 12)
            confirm.append([right[col("复核编号")], "确认", "张科员", "2021-06-10", ""])
        }
        let text = try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/review/疑似匹配.csv"), encoding: .utf8)
        for p in planted where !p.decoy { XCTAssertFalse(text.contains(p.trueID), "a candidate's full ID on the list") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.out.appendingPathComponent("\(Self.month)/review/疑似匹配.xlsx").path))
        let pending = try summaryReview(s)
        XCTAssertEqual(pending.values.reduce(0) { $0 + $1["pending"]! }, 20)
        XCTAssertTrue(try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/report.html"), encoding: .utf8).contains("疑似匹配复核"))

        // the list comes back: every planted pair confirmed, a row left blank (skipped), an id the state does not
        // know (unknown_review) and a decision without 复核人 (missing_required)
        try send(
            s, "复核_1.csv",
            confirm + [
                ["FH0000000000", "", "", "", ""], ["FH0000000000", "确认", "张科员", "", ""],
                [confirm[0][0], "否认", "", "", ""],
            ])
        XCTAssertEqual(try s.run(["run", "--month", Self.month, "--quiet"]).status, 0)
        XCTAssertEqual(try s.alertLines(Self.month), cleanAlerts, "confirmed, the records count as if their IDs had been right")
        let q = try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/quarantine.csv"), encoding: .utf8)
        XCTAssertTrue(q.contains("unknown_review"))
        XCTAssertTrue(q.contains("复核_1.csv") && q.contains("missing_required"))
        let manifest = try s.manifest().filter { $0.contains("\"feed\":\"review\"") }
        XCTAssertEqual(manifest.count, 1)
        XCTAssertTrue(manifest[0].contains("\"rows_read\":\(confirm.count + 2)") && manifest[0].contains("\"quarantined\":2"), manifest[0])
        let after = try summaryReview(s)
        XCTAssertEqual(after.values.reduce(0) { $0 + $1["confirmed"]! }, 20)
        XCTAssertEqual(after.values.reduce(0) { $0 + $1["pending"]! }, 0)
        XCTAssertEqual(try list(s).count, 1, "confirmed records leave the list")
        let alerts = try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/alerts.jsonl"), encoding: .utf8)
        XCTAssertTrue(alerts.contains("经人工复核匹配（复核编号 FH"))
        for feed in ["medical", "civil", "disability", "disaster"] {
            let unmatched = try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/unmatched/\(feed).csv"), encoding: .utf8)
            for p in planted where !p.decoy && p.feed == feed {
                XCTAssertFalse(unmatched.contains(p.raw), "a confirmed record stays unmatched")
            }
        }
        let outputs = try s.outputs(Self.month)

        // the department sends the civil records again, now with the right IDs: each is one record with its
        // confirmed version (keyed as if its ID had been the candidate's), counted once
        let linkedBefore = try linkedCounts(s)
        let cleanCivil = try String(contentsOf: cleanInbox.appendingPathComponent("civil/civil.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let resent = planted.filter { !$0.decoy && $0.feed == "civil" }.map { cleanCivil[Int($0.line)! - 1] }
        XCTAssertEqual(resent.count, 5)
        try ([cleanCivil[0]] + resent).joined(separator: "\n").write(
            to: s.inbox.appendingPathComponent("civil/补报.csv"),
            atomically: true, encoding: .utf8)
        try s.age(s.inbox)
        XCTAssertEqual(try s.run(["run", "--month", Self.month, "--quiet"]).status, 0)
        XCTAssertEqual(try linkedCounts(s), linkedBefore, "the right version and the confirmed one are one record")
        XCTAssertEqual(try s.alertLines(Self.month), cleanAlerts)

        // the same decisions again (another file): nothing changes
        let alertsBefore = try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/alerts.jsonl"), encoding: .utf8)
        try send(s, "复核_2.csv", confirm.map { $0[0..<3] + ["2021-06-11", "再次报送"] })
        XCTAssertEqual(try s.run(["run", "--month", Self.month, "--quiet"]).status, 0)
        XCTAssertEqual(try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/alerts.jsonl"), encoding: .utf8), alertsBefore)
        XCTAssertEqual(try summaryReview(s), after)
        XCTAssertEqual(try s.manifest().last.map { $0.contains("\"quarantined\":0") }, true, "the same decisions again are not bad")
        _ = outputs
    }

    /// A kill at any point of applying a review file leaves a state that the next run completes: the same as a run
    /// never interrupted.
    func testAKilledReviewIngestIsCompletedByTheNextRun() throws {
        let (inbox, planted) = try county("review-kill", damaged: 5)
        let base = try Sandbox("review-kill-base")
        defer { base.remove() }
        try base.fill(from: inbox)
        XCTAssertEqual(try base.run(["run", "--month", Self.month, "--quiet"]).status, 0)
        let rows = try list(base).dropFirst()
        XCTAssertEqual(rows.count, planted.filter { !$0.decoy }.count)
        let decisions = rows.enumerated().map { i, r in [r[0], i % 2 == 0 ? "确认" : "否认", "张科员", "2021-06-10", ""] }

        func finish(_ crash: String?) throws -> (manifest: [String], review: [String: [String: Int]], alerts: [String], quarantine: String)
        {
            let s = try Sandbox("review-kill")
            defer { s.remove() }
            try FileManager.default.removeItem(at: s.root)
            try FileManager.default.copyItem(at: base.root, to: s.root)
            try send(s, "复核.csv", decisions)
            if let crash {
                let r = try s.run(["ingest", "--quiet"], env: ["FANGFAN_CRASH_AT": crash])
                XCTAssertEqual(r.status, -9, "\(crash): \(r.stderr)")
            }
            XCTAssertEqual(try s.run(["run", "--month", Self.month, "--quiet"]).status, 0)
            return (
                try s.manifest(), try summaryReview(s), try s.alertLines(Self.month),
                try String(contentsOf: s.out.appendingPathComponent("\(Self.month)/quarantine.csv"), encoding: .utf8)
            )
        }
        let whole = try finish(nil)
        XCTAssertEqual(whole.review.values.reduce(0) { $0 + $1["confirmed"]! + $1["denied"]! }, decisions.count)
        for point in ["before-staged", "before-move", "before-manifest", "after-manifest"] {
            let r = try finish(point)
            XCTAssertEqual(r.manifest, whole.manifest, point)
            XCTAssertEqual(r.review, whole.review, point)
            XCTAssertEqual(r.alerts, whole.alerts, point)
            XCTAssertEqual(r.quarantine, whole.quarantine, point)
        }
    }
}
