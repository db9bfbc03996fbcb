import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// A large staged file linked in pieces on both cores (`Linker+Pieces`) gives exactly what one pass gives:
/// the linked and unmatched records, the review list, link.json, and every household's figures and evidence,
/// whatever the pieces' size — records a later version replaces, records of people the roster does not know,
/// damaged IDs, and a quoted line break in a staged record (which sends the file to the one pass).
extension IngestTests {
    func testLinkInPiecesEqualsOnePass() throws {
        // the fixture county (messy: re-sent versions, unmatched people, damaged IDs), and a settlement whose
        // hospital name holds a line break
        let fixture = IngestTests.repo + "/fixtures/county/inbox"
        var k = 0
        for feed in try FileManager.default.contentsOfDirectory(atPath: fixture).sorted() {
            for name in try FileManager.default.contentsOfDirectory(atPath: fixture + "/" + feed).sorted() {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture + "/" + feed + "/" + name)))
                _ = try put(feed + "/" + name, bytes: bytes, age: 900 - k)
                k += 1
            }
        }
        let pid = IngestTests.id(born: "19700101", seq: 1)
        try put(
            "medical/zz-break.csv",
            [
                IngestTests.medicalHeader,
                [
                    "JSBREAK1", "正常", "", pid, "陈大明", "住院", "\"徐闻县人民医院\n(北院)\"", "", "", "2021-05-06", "1000.00", "600.00", "100.00",
                    "0.00", "300.00",
                ]
                .joined(separator: ","),
            ], age: 100)
        try ingest()
        let store = try StagedStore(layout: layout)
        let roster = try RosterIndex(store: store)
        let period = MonitoringPeriod(evaluating: Month(year: 2021, month: 5)!)
        let dir = layout.workDir(period.month)

        func linkOnce(pieceBytes: Int?) throws -> [String: [UInt8]] {
            try? FileManager.default.removeItem(atPath: dir)
            var linker = Linker(layout: layout, period: period, recentIncomeMonths: 3)
            if let b = pieceBytes {
                linker.linkPiecesFrom = 0
                linker.linkPieceBytes = b
            } else {
                linker.linkPiecesFrom = Int.max
            }
            let (_, figures) = try linker.run(store: store, roster: roster, accumulating: true)
            var out: [String: [UInt8]] = [:]
            let walker = FileManager.default.enumerator(atPath: dir)!
            while let rel = walker.nextObject() as? String {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir), !isDir.boolValue else { continue }
                var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + rel)))
                if rel == "link.json" {  // without the time the candidate search took
                    var o = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
                    o["reviewSeconds"] = nil
                    o["review_seconds"] = nil
                    bytes = [UInt8](try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]))
                }
                out[rel] = bytes
            }
            let merged = FeedFigures.Merged(figures, households: roster.households.count)
            var digest = ""
            for h in 0..<roster.households.count {
                digest += "\(h) \(merged[h]) \(merged.settlements(h)) \(merged.disasters(h))\n"
            }
            out["(figures)"] = Array(digest.utf8)
            return out
        }
        let whole = try linkOnce(pieceBytes: nil)
        XCTAssertNotNil(whole["linked/medical.csv"])
        for size in [200, 777, 3000, 20000, 1 << 22] {
            let pieces = try linkOnce(pieceBytes: size)
            XCTAssertEqual(Set(pieces.keys), Set(whole.keys), "pieces of \(size) bytes")
            for (k, v) in whole where pieces[k] != v {
                XCTFail("pieces of \(size) bytes: \(k) differs")
            }
        }
    }
}
