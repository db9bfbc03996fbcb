import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The town lists as cadres open them: text IDs, inert formulas, a spreadsheet that opens without repair.
final class TownListTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")
    let hostile = "=HYPERLINK(\"http://x\")"

    /// Runs May on the fixture county with the head of one red household renamed to a formula.
    func runWithHostileName() throws -> (Sandbox, household: String, town: String) {
        let s = try Sandbox("lists")
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let red = String(
            try XCTUnwrap(
                try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv"))
                    .first { $0.contains(",red,") }
            ).prefix(16))
        let rosterURL = s.inbox.appendingPathComponent("roster/roster.csv")
        var town = ""
        let lines = try String(contentsOf: rosterURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map {
            line -> String in
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
        let header = rows[0].cells.map { c -> String in
            if case .text(let t)? = c { return t }; return ""
        }
        let hid = header.firstIndex(of: "户编号")!, name = header.firstIndex(of: "户主姓名")!, money = header.firstIndex(of: "人均纯收入")!
        let r = try XCTUnwrap(
            rows.first {
                if case .text(household)? = $0.cells[hid] { return true }; return false
            },
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
        p.arguments = [
            "--headless", "-env:UserInstallation=file://" + s.root.appendingPathComponent("lo-profile").path,
            "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", conv.path,
            s.out.appendingPathComponent("2021-05/towns/\(town).xlsx").path,
        ]
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

    /// LibreOffice reads back what cadres rely on (RULES.md §13): the drop-down on 核查结论 with its four values,
    /// the message on 帮扶措施, the header row repeated for printing; and prints the list on A4 landscape pages
    /// (pdfinfo), fitted to the width: one page across however wide the list is.
    func testLibreOfficeKeepsDropDownMessageAndPrintSetup() throws {
        let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let bin = soffice else { throw XCTSkip("LibreOffice is not installed (apt-get install libreoffice-calc)") }
        let s = try Sandbox("lists-lo")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        let r = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let towns = s.out.appendingPathComponent("2021-05/towns")
        let xlsx = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: towns.path).filter { $0.hasSuffix(".xlsx") }.sorted().first)
        let town = String(xlsx.dropLast(5))
        let rows = try XLSXReader.firstSheetRows(path: towns.appendingPathComponent(xlsx).path).count - 1
        let conv = s.root.appendingPathComponent("conv")
        try FileManager.default.createDirectory(at: conv, withIntermediateDirectories: true)
        func convert(_ format: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = [
                "--headless", "-env:UserInstallation=file://" + s.root.appendingPathComponent("lo-profile").path,
                "--convert-to", format, "--outdir", conv.path, towns.appendingPathComponent(xlsx).path,
            ]
            p.standardOutput = Pipe()
            p.standardError = Pipe()
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, format)
        }
        try convert("fods")
        let fods = try String(contentsOf: conv.appendingPathComponent("\(town).fods"), encoding: .utf8)
        // the validation, as LibreOffice states it: a list condition with the four values
        let condition = try XCTUnwrap(fods.range(of: #"cell-content-is-in-list("#), "a list validation in\n\(fods.prefix(3000))")
        let list = String(fods[condition.upperBound...].prefix { $0 != ")" })
        XCTAssertEqual(list, "&quot;确认纳入&quot;;&quot;不予纳入&quot;;&quot;风险已消除&quot;;&quot;待核&quot;")
        XCTAssertTrue(fods.contains("产业帮扶、就业帮扶、综合保障、扶志扶智、其他帮扶"), "the message on 帮扶措施")
        XCTAssertTrue(fods.contains(#"table:title="帮扶措施""#))
        XCTAssertTrue(fods.contains("<table:table-header-rows>"), "the header row repeated on every page")
        // the cells of 核查结论 carry it, down to 200 rows below the list (LibreOffice repeats equal cells)
        XCTAssertTrue(fods.contains("table:content-validation-name="))

        try convert("pdf")
        let info = Process()
        info.executableURL = URL(fileURLWithPath: "/usr/bin/pdfinfo")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdfinfo") else {
            throw XCTSkip("pdfinfo (poppler-utils) is not installed")
        }
        info.arguments = [conv.appendingPathComponent("\(town).pdf").path]
        let out = Pipe()
        info.standardOutput = out
        try info.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        info.waitUntilExit()
        let size = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("Page size:") }, text)
        let sides = size.split(separator: " ").compactMap { Double($0) }
        XCTAssertEqual(sides.count, 2, String(size))
        XCTAssertTrue(size.hasSuffix("(A4)") && sides[0] > sides[1], "A4 landscape: \(size)")
        let pages = Int(try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("Pages:") }).split(separator: " ").last!)!
        // one page across: a page holds some 20–40 rows of this width, so the pages grow with the rows only
        XCTAssertGreaterThanOrEqual(pages, 1)
        XCTAssertLessThanOrEqual(pages, max(1, rows / 8 + 1), "\(rows) rows on \(pages) pages: fitted to width, not split across")
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
        let config = try s.shippedConfig("county.toml", replacing: [("unmasked_ids = false", "unmasked_ids = true")])
        r = try s.run(["run", "--month", "2021-05"], config: config.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let masked = try String(contentsOf: s.out.appendingPathComponent("2021-05/alerts.jsonl"), encoding: .utf8)
        XCTAssertTrue(masked.contains("********"), "without --unmasked the lists stay masked")
        r = try s.run(["emit", "--month", "2021-05", "--unmasked"], config: config.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let red = String(
            try XCTUnwrap(
                try Sandbox.oracleLines(fixture.appendingPathComponent("expected-alerts-2021-05.csv"))
                    .first { $0.contains(",red,") }
            ).prefix(16))
        let roster = try String(contentsOf: fixture.appendingPathComponent("inbox/roster/roster.csv"), encoding: .utf8)
        let head = try XCTUnwrap(roster.split(separator: "\n").first { $0.hasPrefix(red) && $0.contains(",户主,") })
            .split(separator: ",")[4]
        let towns = try FileManager.default.contentsOfDirectory(atPath: s.out.appendingPathComponent("2021-05/towns").path)
        let all = try towns.filter { $0.hasSuffix(".csv") }.map {
            try String(contentsOf: s.out.appendingPathComponent("2021-05/towns/\($0)"), encoding: .utf8)
        }.joined()
        XCTAssertTrue(all.contains(String(head)), "the full ID is printed")
        XCTAssertFalse(
            try String(contentsOf: s.out.appendingPathComponent("2021-05/alerts.jsonl"), encoding: .utf8).contains(String(head)),
            "alerts.jsonl stays masked")
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        XCTAssertTrue(try ledger.history(household: red).contains { $0.event == "未脱敏名单" })
    }
}
