import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §7's suggestion of 风险已消除 on the lists. Emit makes the lists while it writes the ledger, as if
/// nothing were suggested, and makes again the lists of the towns where the ledger suggests an elimination:
/// these tests hold both halves of that to the lists a plain run makes.
final class EmitEliminationTests: XCTestCase {
    let fixture = Sandbox.repo.appendingPathComponent("fixtures/county")

    func listedHouseholds(_ s: Sandbox, _ month: String) throws -> Set<String> {
        let data = try Data(contentsOf: s.out.appendingPathComponent("\(month)/alerts.jsonl"))
        return Set(
            try data.split(separator: 0x0A).map {
                (try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any])["household_id"] as! String
            })
    }

    func townCSVs(_ s: Sandbox, _ month: String) throws -> [String: Data] {
        let dir = s.out.appendingPathComponent("\(month)/towns")
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".csv") {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    func testMonitoredCasesSuggestedWithoutAnAlertAreListedInTheirTownsAndTheOtherListsAreUnchanged() throws {
        // a plain May: no case in the ledger
        let plain = try Sandbox("elim-plain")
        defer { plain.remove() }
        try plain.fill(from: fixture.appendingPathComponent("inbox"))
        XCTAssertEqual(try plain.run(["run", "--month", "2021-05"]).status, 0)
        let alerted = try listedHouseholds(plain, "2021-05")
        let roster = try RosterIndex(store: try StagedStore(layout: StateLayout(root: plain.state.path)))
        // quiet households (no alert in May) with labour, in two towns
        let quiet = roster.households.filter { h in
            !alerted.contains(h.id.description) && h.members.contains { $0.labour.hasAny }
        }
        let towns = Array(Set(quiet.map(\.town)).sorted().prefix(2))
        XCTAssertEqual(towns.count, 2, "the fixture has quiet households in at least two towns")
        let chosen = towns.flatMap { t in quiet.filter { $0.town == t }.prefix(2) }

        // the same May, with those households monitored since 2020-11 (with a measure) and evaluated at or above
        // the line, with no trigger, in each month since: six months by May
        let s = try Sandbox("elim-seeded")
        defer { s.remove() }
        try s.fill(from: fixture.appendingPathComponent("inbox"))
        try FileManager.default.createDirectory(at: s.state, withIntermediateDirectories: true)
        do {
            let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
            try ledger.recordMonth(
                "2020-11", run: "setup",
                alerts: chosen.map { h in
                    LedgerAlert(
                        alertId: "YJ2020-\(h.id)-01", householdId: h.id.description, town: h.town, village: h.village,
                        month: "2020-11", level: .red, triggers: ["illness"], householdType: "监测户")
                }, evaluations: [])
            for h in chosen {
                _ = try ledger.applyFinding(
                    Finding(
                        alertId: "YJ2020-\(h.id)-01", householdId: h.id.description, kind: .include,
                        verifiedBy: "王村干", verifiedOn: "2020-12-05", measures: ["就业帮扶"]),
                    source: "setup")
                let c = try XCTUnwrap(try ledger.caseRow(household: h.id.description))
                XCTAssertEqual(c.state, .monitored)
                XCTAssertEqual(c.monitoredSince, "2020-11")
            }
            for m in ["2020-12", "2021-01", "2021-02", "2021-03", "2021-04"] {
                try ledger.recordMonth(
                    m, run: "setup", alerts: [],
                    evaluations: chosen.map {
                        LedgerEvaluation(householdId: $0.id.description, month: m, atOrAboveLine: true, triggered: false)
                    })
            }
        }
        let run = try s.run(["run", "--month", "2021-05"])
        XCTAssertEqual(run.status, 0, run.stderr)

        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        let suggested = try ledger.eliminationSuggested(month: "2021-05")
        XCTAssertFalse(suggested.isEmpty, "a quiet monitored household with six good months is suggested")
        XCTAssertTrue(suggested.isSubset(of: Set(chosen.map { $0.id.description })))
        let seededLists = try townCSVs(s, "2021-05"), plainLists = try townCSVs(plain, "2021-05")
        XCTAssertEqual(Set(seededLists.keys), Set(plainLists.keys))
        let suggestedTowns = Set(chosen.filter { suggested.contains($0.id.description) }.map { TownList.fileName($0.town) + ".csv" })
        for (name, data) in seededLists {
            let text = String(decoding: data, as: UTF8.self)
            let lines = text.split(separator: "\n").filter { $0.contains("建议标注风险已消除") }
            let expected = chosen.filter { suggested.contains($0.id.description) && TownList.fileName($0.town) + ".csv" == name }
            XCTAssertEqual(lines.count, expected.count, "\(name): one suggestion row per suggested household of the town")
            for h in expected {
                XCTAssertTrue(lines.contains { $0.contains(h.id.description) && $0.contains("在监测") }, "\(name) lists \(h.id)")
            }
            if !suggestedTowns.contains(name) {
                XCTAssertEqual(data, plainLists[name], "\(name): a town without a suggestion is listed as in the plain run")
            }
        }
        // and the XLSX of a town with a suggestion holds the same row
        let town = try XCTUnwrap(chosen.first { suggested.contains($0.id.description) })
        let rows = try XLSXReader.firstSheetRows(
            path: s.out.appendingPathComponent("2021-05/towns/\(TownList.fileName(town.town)).xlsx").path)
        XCTAssertTrue(
            rows.contains { r in r.cells.contains { if case .text(let t)? = $0 { return t == town.id.description } else { return false } } }
        )
    }
}
