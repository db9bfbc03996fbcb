import Foundation
import XCTest
@testable import FangfanCore
import FangfanTestSupport

/// The town lists as cadres open them: text IDs, inert formulas, a spreadsheet that opens without repair.
final class TownListTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")
    let hostile = "=HYPERLINK(\"http://x\")"

    /// Runs May on the fixture county with the head of one red household renamed to a formula.
    func runWithHostileName() throws -> (Sandbox, household: String, town: String) {
        let s = try Sandbox("lists")
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let red = String(try XCTUnwrap(try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv"))
            .first { $0.contains(",red,") }).prefix(16))
        let rosterURL = s.inbox.appendingPathComponent("roster/roster.csv")
        var town = ""
        let lines = try String(contentsOf: rosterURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 9, f[0] == red, f[6] == "户主" else { return String(line) }
            town = f[1]
            f[5] = "\"" + hostile.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return f.joined(separator: ",")
        }
        try lines.joined(separator: "\n").write(to: rosterURL, atomically: true, encoding: .utf8)
        try s.age(s.inbox)
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (s, red, town)
    }

    func testFormulaIsInertAndIDsStayTextInCSVAndXLSX() throws {
        let (s, household, town) = try runWithHostileName()
        defer { s.remove() }
        let csvData = try Data(contentsOf: s.out.appendingPathComponent("2021-05/towns/\(town).csv"))
        XCTAssertEqual(Array(csvData.prefix(3)), [0xEF, 0xBB, 0xBF], "CSV is UTF-8 with BOM")
        let csv = String(decoding: csvData.dropFirst(3), as: UTF8.self)
        let row = try XCTUnwrap(csv.split(separator: "\n").first { $0.contains(household) })
        XCTAssertTrue(row.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), String(row))
        XCTAssertFalse(row.contains(",=HYPERLINK"), "a cell starting with = would be a formula")
        // money stays numeric in CSV: plain numbers without quotes or prefixes
        let fields = parseCSVLine(String(row))
        XCTAssertNotNil(Double(fields[9]), fields[9])
        XCTAssertEqual(fields[5], household)

        let rows = try XLSXReader.firstSheetRows(path: s.out.appendingPathComponent("2021-05/towns/\(town).xlsx").path)
        let header = rows[0].cells.map { c -> String in if case .text(let t)? = c { return t }; return "" }
        let hid = header.firstIndex(of: "户编号")!, name = header.firstIndex(of: "户主姓名")!, money = header.firstIndex(of: "人均纯收入")!
        let r = try XCTUnwrap(rows.first { if case .text(household)? = $0.cells[hid] { return true }; return false },
                              "the household number is a text cell")
        XCTAssertEqual(r.cells[name], .text("'" + hostile))
        guard case .number = r.cells[money] else { return XCTFail("money is a numeric cell") }
        // frozen header and no formula anywhere in the sheet
        let zip = try ZipArchive(path: s.out.appendingPathComponent("2021-05/towns/\(town).xlsx").path)
        let sheet = String(decoding: try zip.read(zip.entry(named: "xl/worksheets/sheet1.xml")!), as: UTF8.self)
        XCTAssertTrue(sheet.contains("state=\"frozen\""))
        XCTAssertFalse(sheet.contains("<f>"))
    }

    /// LibreOffice opens the list without repair and keeps IDs intact (skipped where it is not installed).
    func testLibreOfficeReadsTheListWithIDsIntact() throws {
        let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let bin = soffice else { throw XCTSkip("LibreOffice is not installed (apt-get install libreoffice-calc)") }
        let (s, household, town) = try runWithHostileName()
        defer { s.remove() }
        let conv = s.root.appendingPathComponent("conv")
        try FileManager.default.createDirectory(at: conv, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["--headless", "-env:UserInstallation=file://" + s.root.appendingPathComponent("lo-profile").path,
                       "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", conv.path,
                       s.out.appendingPathComponent("2021-05/towns/\(town).xlsx").path]
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let text = try String(contentsOf: conv.appendingPathComponent("\(town).csv"), encoding: .utf8)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.contains(household) }, "household number intact")
        XCTAssertTrue(row.contains("'=HYPERLINK") || row.contains("''=HYPERLINK"), String(row))
        XCTAssertTrue(row.contains("********"), "masked ID intact")
    }

    /// Full IDs only where configured, and the disclosure is in the ledger history.
    func testUnmaskedListsOnlyWhereConfiguredAndRecorded() throws {
        let s = try Sandbox("unmasked")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        var r = try s.run(["run", "--month", "2021-05", "--unmasked"])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("output.unmasked_ids"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.state.appendingPathComponent("manifest.jsonl").path))
        let config = s.root.appendingPathComponent("county.toml")
        try String(contentsOf: Sandbox.repo.appendingPathComponent("pipelines/default.toml"), encoding: .utf8)
            .replacingOccurrences(of: "unmasked_ids = false", with: "unmasked_ids = true")
            .write(to: config, atomically: true, encoding: .utf8)
        r = try s.run(["run", "--month", "2021-05"], config: config.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let masked = try String(contentsOf: s.out.appendingPathComponent("2021-05/alerts.jsonl"), encoding: .utf8)
        XCTAssertTrue(masked.contains("********"), "without --unmasked the lists stay masked")
        r = try s.run(["emit", "--month", "2021-05", "--unmasked"], config: config.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let red = String(try XCTUnwrap(try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv"))
            .first { $0.contains(",red,") }).prefix(16))
        let roster = try String(contentsOf: fixture.appendingPathComponent("inbox/roster/roster.csv"), encoding: .utf8)
        let head = try XCTUnwrap(roster.split(separator: "\n").first { $0.hasPrefix(red) && $0.contains(",户主,") })
            .split(separator: ",")[4]
        let towns = try FileManager.default.contentsOfDirectory(atPath: s.out.appendingPathComponent("2021-05/towns").path)
        let all = try towns.filter { $0.hasSuffix(".csv") }.map {
            try String(contentsOf: s.out.appendingPathComponent("2021-05/towns/\($0)"), encoding: .utf8) }.joined()
        XCTAssertTrue(all.contains(String(head)), "the full ID is printed")
        XCTAssertFalse(try String(contentsOf: s.out.appendingPathComponent("2021-05/alerts.jsonl"), encoding: .utf8).contains(String(head)),
                       "alerts.jsonl stays masked")
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        XCTAssertTrue(try ledger.history(household: red).contains { $0.event == "未脱敏名单" })
    }
}
