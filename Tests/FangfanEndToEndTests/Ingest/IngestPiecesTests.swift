import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// A large CSV file read in pieces on both cores (`CSVParallelParse`) leaves exactly what one pass leaves:
/// the staged file, the quarantine (its lines), the record keys, the kept ID rows and the manifest line
/// (`ingested_at` aside), whatever the pieces' size — cuts inside quoted line breaks, CRLF, GB18030, a
/// record that starts exactly at a cut, a file smaller than one piece.
extension IngestTests {
    typealias Files = [(rel: String, bytes: [UInt8])]

    /// Every file of the state folder (the manifest without its times), after ingesting `files` with
    /// pieces of `pieceBytes` (nil: in one pass), and how many files were read in pieces.
    func stateAfterIngest(_ files: Files, pieceBytes: Int?) throws -> (files: [String: [UInt8]], inPieces: Int) {
        for d in ["/inbox", "/state", "/out"] { try? FileManager.default.removeItem(atPath: root + d) }
        try FileManager.default.createDirectory(atPath: root + "/inbox", withIntermediateDirectories: true)
        for (k, f) in files.enumerated() { _ = try put(f.rel, bytes: f.bytes, age: 600 + 10 * k) }
        let ingestor = Ingestor(config: config, today: today, logger: IngestTests.quiet, findings: nil)
        if let b = pieceBytes {
            ingestor.csvPiecesFrom = 0
            ingestor.csvPieceBytes = b
        } else {
            ingestor.csvPiecesFrom = Int.max
        }
        _ = try ingestor.run()
        var out: [String: [UInt8]] = [:]
        let base = root + "/state"
        let walker = FileManager.default.enumerator(atPath: base)!
        while let rel = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &isDir), !isDir.boolValue,
                !rel.hasPrefix("archive"), !rel.hasSuffix(".lock"), !rel.contains("ledger")
            else { continue }
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: base + "/" + rel)))
            if rel.hasSuffix("manifest.jsonl") {
                let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { line -> String in
                    var o = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                    o["ingested_at"] = nil
                    return String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
                }
                bytes = Array(lines.joined(separator: "\n").utf8)
            }
            out[rel] = bytes
        }
        return (out, ingestor.filesReadInPieces)
    }

    /// Ingests `files` in one pass and in pieces of each size; every result equals the one pass's.
    /// Returns how many of the runs in pieces read a file in pieces to the end.
    @discardableResult
    func assertPiecesAsOnePass(
        _ files: Files, sizes: [Int], file: StaticString = #filePath, line: UInt = #line
    ) throws -> Int {
        let (whole, none) = try stateAfterIngest(files, pieceBytes: nil)
        XCTAssertEqual(none, 0, file: file, line: line)
        XCTAssertFalse(whole.isEmpty, file: file, line: line)
        var used = 0
        for size in sizes {
            let (pieces, n) = try stateAfterIngest(files, pieceBytes: size)
            used += n > 0 ? 1 : 0
            XCTAssertEqual(Set(pieces.keys), Set(whole.keys), "pieces of \(size) bytes: the same files", file: file, line: line)
            for (k, v) in whole where pieces[k] != v {
                XCTFail(
                    "pieces of \(size) bytes: \(k) differs:\n\(String(decoding: pieces[k] ?? [], as: UTF8.self).prefix(600))\n---\n\(String(decoding: v, as: UTF8.self).prefix(600))",
                    file: file, line: line)
            }
        }
        return used
    }

    /// Medical rows, good and bad (a wrong check char — kept for review —, a field too many, a bad amount,
    /// a bad date), a hospital name with a comma in quotes.
    func medicalLines(_ n: Int, quotedBreaks: Bool = false) -> [String] {
        typealias T = IngestTests
        var lines = [T.medicalHeader]
        for i in 0..<n {
            let pid = T.id(born: "19700101", seq: i % 900 + 1)
            switch i % 11 {
            case 3: lines.append(T.medicalRow("JS\(i)", String(pid.dropLast()) + (pid.last == "1" ? "2" : "1")))
            case 5: lines.append(T.medicalRow("JS\(i)", pid) + ",多余")
            case 7: lines.append(T.medicalRow("JS\(i)", pid, amounts: ["1000.005", "600.00", "100.00", "0.00", "300.00"]))
            case 8: lines.append(T.medicalRow("JS\(i)", pid, settled: "2021-02-30"))
            case 9:
                let hospital = quotedBreaks ? "\"徐闻县人民医院\n(北院),住院部\"" : "\"徐闻县人民医院(北院),住院部\""
                lines.append(
                    ["JS\(i)", "正常", "", pid, "陈大明", "住院", hospital, "", "", "2021-05-06", "1000.00", "600.00", "100.00", "0.00", "300.00"]
                        .joined(separator: ","))
            default: lines.append(T.medicalRow("JS\(i)", pid))
            }
        }
        return lines
    }

    func bytesOf(_ lines: [String], crlf: Bool = false) -> [UInt8] {
        Array(lines.map { $0 + (crlf ? "\r\n" : "\n") }.joined().utf8)
    }

    func testPiecesEqualOnePassAtEveryCut() throws {
        // every piece size from a fraction of a row to a few rows: cuts fall on every byte of a row, and
        // exactly on a record's start (a piece of whole rows)
        let lines = medicalLines(60)
        let bytes = bytesOf(lines)
        let rowBytes = bytesOf([lines[1]]).count
        let headerBytes = bytesOf([lines[0]]).count
        // (a piece is at most twice its size: from 160 bytes on, every row and the header fit)
        let sizes = Array(stride(from: 160, through: 900, by: 23)) + [headerBytes + rowBytes, headerBytes + 3 * rowBytes]
        let used = try assertPiecesAsOnePass(
            [("medical/m.csv", bytes), ("income/i.csv", bytesOf([IngestTests.incomeHeader]))], sizes: sizes)
        XCTAssertEqual(used, sizes.count, "every run read the file in pieces to the end")
    }

    func testQuotedLineBreaksAtCutsFallBackToOnePass() throws {
        let bytes = bytesOf(medicalLines(80, quotedBreaks: true))
        let sizes = Array(stride(from: 50, through: 2000, by: 97))
        let used = try assertPiecesAsOnePass([("medical/m.csv", bytes)], sizes: sizes)
        // some cut fell inside the quotes of a line break (then one pass read the file), some did not
        XCTAssertLessThan(used, sizes.count)
    }

    func testCRLFAndBOMInPieces() throws {
        let lines = medicalLines(50)
        try assertPiecesAsOnePass([("medical/crlf.csv", bytesOf(lines, crlf: true))], sizes: [41, 133, 400, 1500])
        try assertPiecesAsOnePass([("medical/bom.csv", [0xEF, 0xBB, 0xBF] + bytesOf(lines))], sizes: [41, 133, 400, 1500])
    }

    func testGB18030InPieces() throws {
        let text = medicalLines(50).map { $0 + "\n" }.joined()
        let used = try assertPiecesAsOnePass([("medical/gb.csv", try gb18030(text))], sizes: [37, 211, 900])
        XCTAssertGreaterThan(used, 0)  // auto: the first pass meets GB18030 and starts again; the second is in pieces
        config.feeds[.medical]!.encoding = .gb18030
        try assertPiecesAsOnePass([("medical/gb.csv", try gb18030(text))], sizes: [37, 211, 900])
    }

    func testALineLongerThanTwoPiecesGoesToOnePass() throws {
        // no line feed within twice the piece's size (small pieces): the file is read in one pass (which streams the line)
        var lines = medicalLines(20)
        lines[7] = IngestTests.medicalRow("JS7", IngestTests.id(born: "19700101", seq: 7)) + "," + String(repeating: "长", count: 400)
        XCTAssertEqual(try assertPiecesAsOnePass([("medical/long.csv", bytesOf(lines))], sizes: [300]), 0)
    }

    func testFileSmallerThanOnePieceAndBadFiles() throws {
        let lines = medicalLines(12)
        XCTAssertEqual(try assertPiecesAsOnePass([("medical/small.csv", bytesOf(lines))], sizes: [1 << 20]), 1)
        // no line end at the end of the file
        var last = bytesOf(lines)
        last.removeLast()
        try assertPiecesAsOnePass([("medical/nolf.csv", last)], sizes: [50, 300, 1 << 20])
        // an unterminated quote, a missing column, bytes that are not text: rejected as in one pass
        try assertPiecesAsOnePass([("medical/q.csv", bytesOf(lines + ["JS9,正常,\"abc"]))], sizes: [50, 300])
        try assertPiecesAsOnePass([("medical/h.csv", bytesOf(["结算流水号,结算类型"] + lines.dropFirst()))], sizes: [50, 300])
        try assertPiecesAsOnePass([("medical/nul.csv", bytesOf(lines) + [0] + bytesOf(lines.suffix(3)))], sizes: [50, 300])
        // blank lines, also at cuts
        try assertPiecesAsOnePass([("medical/blank.csv", bytesOf(lines.flatMap { [$0, ""] }))], sizes: [45, 46, 47, 200])
    }
}
