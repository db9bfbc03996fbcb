import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// The department samples (fixtures/samples, see its README) through ingest.
extension IngestTests {
    /// Copies a sample folder of feeds into the inbox, every file dated the same 2 minutes back (`touch -d`).
    func fillInbox(from src: String) throws {
        let fm = FileManager.default
        let when = Date(timeIntervalSinceNow: -120)
        for feed in try fm.contentsOfDirectory(atPath: src).sorted() {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: src + "/" + feed, isDirectory: &isDir), isDir.boolValue else { continue }
            for f in try fm.contentsOfDirectory(atPath: src + "/" + feed) {
                let path = try put(feed + "/" + f, bytes: [UInt8](fm.contents(atPath: src + "/" + feed + "/" + f)!))
                try fm.setAttributes([.modificationDate: when], ofItemAtPath: path)
            }
        }
    }

    func testMessySampleEndToEnd() throws {
        let messy = T.samples + "/messy"
        try fillInbox(from: messy)
        let report = try ingest()
        XCTAssertEqual(report.rejected, 1, "exit status 65")
        XCTAssertEqual(report.waiting, 0)
        let expected: [(String, [Int])] = [
            ("civil/民政救助_202105.xml", [13, 13, 0, 0]),
            ("disability/残疾人证_2021.csv", [3, 3, 0, 0]),
            ("disaster/灾情_2021.xml.gz", [7, 7, 0, 0]),
            ("income/收入申报_2021Q1a.csv", [436, 433, 3, 0]),
            ("income/收入申报_2021Q1b.csv", [435, 432, 3, 0]),
            ("medical/医保结算_202012-202103.csv", [354, 349, 5, 0]),
            ("medical/医保结算_202104-202105.xml", [353, 353, 0, 3]),  // three settlements re-sent from the CSV
            ("medical/医保结算_补传.xml", [0, 0, 0, 0]),
            ("roster/花名册_2021.csv", [548, 548, 0, 0]),
        ]
        // same modification time: ingested by name
        XCTAssertEqual(report.files.map(\.file), expected.map(\.0))
        for (f, c) in expected { XCTAssertEqual(try counts(f), c, f) }
        XCTAssertEqual(
            report.files.map(\.status),
            [
                .accepted, .accepted, .accepted, .accepted, .accepted, .accepted, .accepted,
                .rejected, .accepted,
            ])
        try assertRejected("medical/医保结算_补传.xml", reasonContains: ["JLS=80", "50", "传输不完整"])

        XCTAssertEqual(try entry("income/收入申报_2021Q1b.csv").extra_columns, ["填报人"])
        XCTAssertEqual(try entry("income/收入申报_2021Q1b.csv").encoding, "utf-8")  // BOM
        XCTAssertEqual(try entry("income/收入申报_2021Q1a.csv").encoding, "utf-8")
        XCTAssertEqual(try entry("medical/医保结算_202012-202103.csv").encoding, "gb18030")
        XCTAssertEqual(try entry("roster/花名册_2021.csv").encoding, "gb18030")
        XCTAssertEqual(try entry("disaster/灾情_2021.xml.gz").format, "xml.gz")

        let fa = "income/收入申报_2021Q1a.csv", fb = "income/收入申报_2021Q1b.csv", fm = "medical/医保结算_202012-202103.csv"
        XCTAssertEqual(try quarantine(fa), [35, 203, 280].map { [fa, "\($0)", "年月", "2021-13", "bad_month"] })
        XCTAssertEqual(try quarantine(fb), [330, 354, 381].map { [fb, "\($0)", "年月", "2021-13", "bad_month"] })
        XCTAssertEqual(
            try quarantine(fm),
            [
                [fm, "30", "个人自付", "12a.5", "bad_amount"],
                [fm, "57", "身份证号", "440825198806192210", "id_check_char"],
                [fm, "106", "医疗总费用", "188.32元", "amounts_do_not_add_up"],  // the raw value, as sent
                [fm, "227", "身份证号", "4408251980A3011234", "id_length"],
                [fm, "247", "结算日期", "2021-02-30", "bad_date"],
            ])

        // the re-sent settlements are counted once: 349 + 353 rows, 3 repeats
        var settlements = Set<String>()
        var rows = 0
        try StagedStore(layout: layout).forEach(.medical) {
            settlements.insert($0.string(0)); rows += 1
        }
        XCTAssertEqual(rows, 702)
        XCTAssertEqual(settlements.count, 699)
        XCTAssertEqual(inboxFiles(), [])

        // messy spellings reach their normal forms (staged records are the contract of the next stage)
        let roster = try staged("roster/花名册_2021.csv")
        XCTAssertTrue(roster.allSatisfy { $0[4].count == 18 && !$0[4].contains("x") && $0[0].count == 16 })
        XCTAssertTrue(roster.allSatisfy { $0[8].hasSuffix(".00") || $0[8].range(of: #"^\d+\.\d\d$"#, options: .regularExpression) != nil })
        let disaster = try staged("disaster/灾情_2021.xml.gz")
        XCTAssertTrue(disaster.allSatisfy { $0[3].range(of: #"^\d{4}-\d\d-\d\d$"#, options: .regularExpression) != nil })

        // the month's summary says so per file, and quarantine.csv holds every quarantined row
        let pipeline = Pipeline(config: config, today: today, logger: T.quiet, progress: nil)
        let m = Month(year: 2021, month: 5)!
        _ = try pipeline.link(m)
        XCTAssertTrue(pipeline.holdsRoster)
        // as `fangfan run` does: the roster index let go of once the households are evaluated; emit needs none
        _ = try pipeline.detect(m, releasingRoster: true)
        XCTAssertFalse(pipeline.holdsRoster)
        _ = try pipeline.emit(m, timings: [:])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config.out + "/2021-05/summary.json")))
        let files = try XCTUnwrap((summary as? [String: Any])?["files"] as? [[String: Any]])
        XCTAssertEqual(files.count, expected.count)
        for f in files {
            let name = f["file"] as? String ?? "?"
            let c = ["rows_read", "accepted", "quarantined", "replaced"].map { f[$0] as? Int ?? -1 }
            XCTAssertEqual(c, expected.first { $0.0 == name }?.1, name)
            XCTAssertEqual(c[0], c[1] + c[2], name)
        }
        XCTAssertEqual((files.first { ($0["file"] as? String) == "medical/医保结算_补传.xml" })?["status"] as? String, "rejected")
        let qcsv = try T.readCSV(config.out + "/2021-05/quarantine.csv")
        XCTAssertEqual(qcsv.count, 1 + 3 + 3 + 5)
    }

    func testVerificationSampleAgainstAnEmptyLedger() throws {
        let dir = T.samples + "/verification"
        for f in try FileManager.default.contentsOfDirectory(atPath: dir) {
            try put("verification/" + f, bytes: [UInt8](FileManager.default.contents(atPath: dir + "/" + f)!), age: 120)
        }
        let ledger = try Ledger(path: root + "/ledger.sqlite")
        let report = try ingest(ledger)
        XCTAssertEqual(report.files.count, 2)
        for f in ["verification/核查结果_锦和镇_202105.csv", "verification/核查结果_锦和镇_202105.xlsx"] {
            XCTAssertEqual(try entry(f).status, .accepted)
            XCTAssertEqual(try counts(f), [4, 0, 4, 0], f)
            XCTAssertEqual(
                try quarantine(f),
                [
                    [f, "2", "预警编号", "A-0001", "unknown_alert"],
                    [f, "3", "预警编号", "A-0002", "unknown_alert"],
                    [f, "4", "预警编号", "A-0003", "unknown_alert"],
                    [f, "5", "核查人", "", "missing_required"],
                ], f)
            XCTAssertEqual(try entry(f).extra_columns, ["预警等级", "乡镇", "行政村", "户主姓名"])
        }
        XCTAssertEqual(try ledger.countsByState().values.reduce(0, +), 0, "nothing in the ledger changed")
    }
}
