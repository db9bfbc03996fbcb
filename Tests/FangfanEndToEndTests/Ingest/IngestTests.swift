import FangfanTestSupport
import Foundation
import Logging
import XCTest

@testable import FangfanCore

#if canImport(Glibc)
import Glibc
#endif

/// The ingest stage (FEEDS.md, INTERFACE.md "Folders"): one scratch inbox/state/out per test, fixtures
/// written by the test itself, `Ingestor.run()` in process. The tests are split over the
/// `Ingest*Tests.swift` files as extensions of this one class (so `--filter IngestTests` runs them all).
final class IngestTests: XCTestCase {
    /// The repository, wherever it is cloned.
    static let repo = repositoryRoot.path
    static let samples = repo + "/fixtures/samples"
    static let defaultConfig = repo + "/pipelines/default.toml"

    var root = ""
    var config: PipelineConfig!
    var today = Day(year: 2021, month: 6, day: 2)!
    /// The whole second the test started: files given the same age get the very same modification time.
    var start = Date()
    var layout: StateLayout { StateLayout(root: config.state) }
    var inbox: String { config.inbox }

    override func setUpWithError() throws {
        root =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("fangfan-ingest-\(UUID().uuidString.prefix(12))").path
        try FileManager.default.createDirectory(atPath: root + "/inbox", withIntermediateDirectories: true)
        config = try PipelineConfig.load(path: IngestTests.defaultConfig)
        config.inbox = root + "/inbox"
        config.state = root + "/state"
        config.out = root + "/out"
        config.settleSeconds = 0
        start = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
    }

    override func tearDownWithError() throws {
        if !root.isEmpty { try? FileManager.default.removeItem(atPath: root) }
    }

    // MARK: - values for fixtures

    /// The 18-character ID for 17 body digits (check char by the spec's ISO 7064 MOD 11-2).
    static func id(_ body: String) -> String {
        precondition(body.count == 17 && body.allSatisfy(\.isNumber))
        let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let digits = body.map { Int(String($0))! }
        let sum = zip(digits, w).map { $0 * $1 }.reduce(0, +)
        return body + String(Array("10X98765432")[sum % 11])
    }

    /// A valid ID: county 440825, the birth date, a 3-digit sequence.
    static func id(born: String, seq: Int) -> String { id("440825" + born + String(format: "%03d", seq)) }

    /// The same ID with a wrong check char.
    static func badCheck(_ id: String) -> String {
        let c = id.last!
        return String(id.dropLast()) + (c == "0" ? "1" : "0")
    }

    /// Household 4408251010010NNN.
    static func hh(_ n: Int) -> String { "4408251010010" + String(format: "%03d", n) }

    static let rosterHeader = "户编号,乡镇,行政村,户类型,身份证号,姓名,与户主关系,劳动技能,上年家庭纯收入"
    static let incomeHeader = "户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入"
    static let medicalHeader = "结算流水号,结算类型,原结算流水号,身份证号,姓名,就诊类型,医疗机构名称,入院日期,出院日期,结算日期,医疗总费用,统筹基金支付,大病保险支付,医疗救助支付,个人自付"
    static let civilHeader = "身份证号,姓名,救助类型,变动类型,保障人数,金额,审批日期"
    static let disabilityHeader = "身份证号,姓名,残疾类别,残疾等级,发证日期,变动类型"
    static let applicationHeader = "户编号,申报人身份证号,发现方式,申报日期,风险类型,填报人,情况说明"
    static let verificationHeader = "预警编号,户编号,核查结论,核查人,核查日期,帮扶措施,备注"
    static let disasterHeader = "灾害编号,灾种,灾害名称,发生日期,户主身份证号,户主姓名,乡镇,行政村,房屋损毁程度,农作物受灾面积(亩),直接经济损失(元)"

    /// A roster row: household fields, then the person.
    static func rosterRow(
        _ h: String, _ pid: String, _ name: String, _ rel: String = "户主", town: String = "锦和镇",
        village: String = "锦和村", type: String = "一般农户", labour: String = "普通劳动力",
        prev: String = "12000.00"
    ) -> String {
        [h, town, village, type, pid, name, rel, labour, prev].joined(separator: ",")
    }

    /// A medical CSV row; amounts total = fund + critical + assistance + oop.
    static func medicalRow(
        _ sid: String, _ pid: String, kind: String = "正常", reverses: String = "", visit: String = "住院",
        settled: String = "2021-05-06", amounts: [String] = ["1000.00", "600.00", "100.00", "0.00", "300.00"]
    ) -> String {
        ([sid, kind, reverses, pid, "陈大明", visit, "徐闻县人民医院", "", "", settled] + amounts).joined(separator: ",")
    }

    // MARK: - writing the inbox

    enum Encoding { case utf8, utf8BOM, gb18030 }

    /// Writes `inbox/<rel>` (lines joined by `\n` or `\r\n`, with a final line end), dated `age` seconds back.
    @discardableResult
    func put(_ rel: String, _ lines: [String], encoding: Encoding = .utf8, crlf: Bool = false, age: Int = 600) throws -> String {
        let text = lines.map { $0 + (crlf ? "\r\n" : "\n") }.joined()
        var bytes: [UInt8]
        switch encoding {
        case .utf8: bytes = Array(text.utf8)
        case .utf8BOM: bytes = [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .gb18030: bytes = try gb18030(text)
        }
        return try put(rel, bytes: bytes, age: age)
    }

    @discardableResult
    func put(_ rel: String, bytes: [UInt8], age: Int = 600) throws -> String {
        let path = inbox + "/" + rel
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        try setAge(path, age)
        return path
    }

    /// Sets a file's modification time `age` seconds before the test's start.
    func setAge(_ path: String, _ age: Int) throws {
        try FileManager.default.setAttributes([.modificationDate: start.addingTimeInterval(-Double(age))], ofItemAtPath: path)
    }

    /// gzip through the system's gzip (level 9).
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let tmp = root + "/gzip-input-\(UUID().uuidString.prefix(8))"
        XCTAssertTrue(FileManager.default.createFile(atPath: tmp, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let p = Process()
        p.executableURL = URL(
            fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") ? "/usr/bin/gzip" : "/bin/gzip")
        p.arguments = ["-9", "-c", "-n", tmp]
        let outPipe = Pipe()
        p.standardOutput = outPipe
        try p.run()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return [UInt8](out)
    }

    // MARK: - running ingest

    static let quiet = Logger(label: "ingest-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs ingest once, then checks the accounting every file must satisfy.
    @discardableResult
    func ingest(_ ledger: Ledger? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> IngestReport {
        let report = try Ingestor(config: config, today: today, logger: IngestTests.quiet, findings: ledger).run()
        for e in report.files {
            XCTAssertEqual(e.rows_read, e.accepted + e.quarantined, "rows read = accepted + quarantined: \(e.file)", file: file, line: line)
            XCTAssertLessThanOrEqual(e.replaced, e.accepted, e.file, file: file, line: line)
            if e.status != .accepted {
                XCTAssertEqual([e.rows_read, e.accepted, e.quarantined, e.replaced], [0, 0, 0, 0], e.file, file: file, line: line)
            }
            // the quarantine file holds exactly the quarantined rows
            XCTAssertEqual(quarantineLines(seq: e.seq).count, e.quarantined, e.file, file: file, line: line)
        }
        return report
    }

    func manifest() throws -> [ManifestEntry] { try Manifest(path: layout.manifest).entries }

    func entry(_ rel: String, file: StaticString = #filePath, line: UInt = #line) throws -> ManifestEntry {
        let es = try manifest().filter { $0.file == rel }
        XCTAssertEqual(es.count, 1, "one manifest entry for \(rel)", file: file, line: line)
        return try XCTUnwrap(es.last, file: file, line: line)
    }

    /// [rows_read, accepted, quarantined, replaced] of a file's manifest entry.
    func counts(_ rel: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        let e = try entry(rel, file: file, line: line)
        return [e.rows_read, e.accepted, e.quarantined, e.replaced]
    }

    /// Parses CSV text (the pipeline's own reader; RFC 4180).
    static func parseCSV(_ bytes: [UInt8]) throws -> [[String]] {
        let reader = CSVReader(try DecodedSource(MemoryByteSource(bytes), encoding: .utf8))
        var out: [[String]] = []
        while let r = try reader.next() { out.append(r.strings) }
        return out
    }

    static func readCSV(_ path: String) throws -> [[String]] {
        guard let d = FileManager.default.contents(atPath: path) else { return [] }
        return try parseCSV([UInt8](d))
    }

    /// The quarantine lines (header dropped) written for one file.
    func quarantineLines(seq: Int) -> [[String]] {
        ((try? IngestTests.readCSV(layout.quarantineFile(seq: seq))) ?? []).dropFirst().map { $0 }
    }

    /// Quarantine lines of a file without the message: [file, line or record, field, raw, code].
    func quarantine(_ rel: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        let e = try entry(rel, file: file, line: line)
        return quarantineLines(seq: e.seq).map { Array($0.prefix(5)) }
    }

    /// Full quarantine lines including the message.
    func quarantineWithMessages(_ rel: String) throws -> [[String]] {
        quarantineLines(seq: try entry(rel).seq)
    }

    /// Staged records of a file (header dropped), in the feed's field order.
    func staged(_ rel: String) throws -> [[String]] {
        let e = try entry(rel)
        guard let kind = FeedKind(rawValue: e.feed) else { return [] }
        let rows = try IngestTests.readCSV(layout.stagedFile(kind, seq: e.seq))
        if let h = rows.first { XCTAssertEqual(h, kind.schema.fields.map(\.name)) }
        return Array(rows.dropFirst())
    }

    /// Asserts a file was rejected whole: status, reason, the original in state/rejected/ beside NAME.reason.txt,
    /// nothing staged or quarantined for it, and the inbox no longer holding it.
    @discardableResult
    func assertRejected(
        _ rel: String, reasonContains needles: [String], original: [UInt8]? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> ManifestEntry {
        let e = try entry(rel, file: file, line: line)
        XCTAssertEqual(e.status, .rejected, rel, file: file, line: line)
        let reason = e.reason ?? ""
        for n in needles { XCTAssertTrue(reason.contains(n), "reason of \(rel) should name “\(n)”: \(reason)", file: file, line: line) }
        let base = (rel as NSString).lastPathComponent
        let stored = layout.rejected + "/" + layout.seqName(e.seq) + "-" + base
        XCTAssertEqual(e.stored_as, "rejected/" + layout.seqName(e.seq) + "-" + base, file: file, line: line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: stored), "moved to state/rejected/: \(stored)", file: file, line: line)
        if let o = original { XCTAssertEqual(FileManager.default.contents(atPath: stored).map { [UInt8]($0) }, o, file: file, line: line) }
        let reasonFile = (try? String(contentsOfFile: stored + ".reason.txt", encoding: .utf8)) ?? ""
        XCTAssertTrue(reasonFile.contains(reason) && !reason.isEmpty, "NAME.reason.txt beside it states the reason", file: file, line: line)
        XCTAssertTrue(reasonFile.contains(rel), file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: inbox + "/" + rel), "left the inbox", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stored + ".origin"), file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: layout.quarantineFile(seq: e.seq)), file: file, line: line)
        for k in FeedKind.allCases {
            XCTAssertFalse(FileManager.default.fileExists(atPath: layout.stagedFile(k, seq: e.seq)), file: file, line: line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: layout.keysFile(k, seq: e.seq)), file: file, line: line)
        }
        return e
    }

    /// Everything under a folder: relative path → contents (nil for folders).
    static func tree(_ dir: String) -> [String: Data?] {
        var out: [String: Data?] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir) else { return out }
        for case let rel as String in e {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir)
            out[rel] = isDir.boolValue ? .some(nil) : FileManager.default.contents(atPath: dir + "/" + rel)
        }
        return out
    }

    /// Files left in the inbox (markers included).
    func inboxFiles() -> [String] {
        IngestTests.tree(inbox).filter { $0.value != nil }.keys.sorted()
    }

    // MARK: - basics

    func testCleanSampleIsAcceptedWhole() throws {
        let clean = IngestTests.samples + "/clean"
        for feed in try FileManager.default.contentsOfDirectory(atPath: clean) {
            for f in try FileManager.default.contentsOfDirectory(atPath: clean + "/" + feed) {
                try put(feed + "/" + f, bytes: [UInt8](FileManager.default.contents(atPath: clean + "/" + feed + "/" + f)!))
            }
        }
        let report = try ingest()
        XCTAssertEqual(report.rejected, 0)
        XCTAssertEqual(report.files.count, 7)
        for e in report.files {
            XCTAssertEqual(e.status, .accepted, e.file)
            XCTAssertEqual(e.quarantined, 0, "\(e.file): \(quarantineLines(seq: e.seq))")
            XCTAssertEqual(e.accepted, e.rows_read, e.file)
            if e.feed != "disability" { XCTAssertGreaterThan(e.accepted, 0, e.file) }  // the clean disability file is a header only
            XCTAssertEqual(e.stored_as, "archive/\(e.feed)/\(layout.seqName(e.seq))-\((e.file as NSString).lastPathComponent)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: layout.root + "/" + e.stored_as))
        }
        XCTAssertEqual(inboxFiles(), [])
    }
}

extension IngestTests {
    /// `fangfan run` takes the roster index ingest made while reading the roster (no second parse in
    /// link): it must be the index link would build from the staged roster, conflicts left out, and
    /// it must be the latest roster's.
    func testRosterIndexMadeByIngestEqualsTheOneFromTheStagedRoster() throws {
        typealias T = IngestTests
        func p(_ n: Int) -> String { T.id(born: "19700101", seq: n) }
        try put(
            "roster/a.csv",
            [
                T.rosterHeader,
                T.rosterRow(T.hh(1), p(1), "甲", town: "锦和镇"),
                T.rosterRow(T.hh(2), p(2), "乙"),
                T.rosterRow(T.hh(1), p(3), "丙", "配偶", town: "锦和镇"),  // a household's rows apart
            ], age: 900)
        try put(
            "roster/b.csv",
            [
                T.rosterHeader,
                T.rosterRow(T.hh(1), p(1), "甲", town: "前山镇"),
                T.rosterRow(T.hh(3), p(4), "丁"),  // two 户主: quarantined
                T.rosterRow(T.hh(4), p(6), "己", prev: "1200.5"),
                T.rosterRow(T.hh(3), p(5), "戊"),
            ])
        let report = try Ingestor(
            config: config, today: today, logger: IngestTests.quiet, findings: nil,
            buildsRosterIndex: true
        ).run()
        let made = try XCTUnwrap(report.roster)
        let store = try StagedStore(layout: layout)
        XCTAssertEqual(made.seq, store.files(.roster).last?.entry.seq)
        let staged = try RosterIndex(store: store)
        func describe(_ r: RosterIndex) -> [String] {
            r.households.map { h in
                "\(h.id) \(h.town) \(h.village) \(h.type.rawValue) \(h.prevIncome) "
                    + h.members.map { "\($0.person.description)/\($0.name)/\($0.relation)/\($0.labour)" }.joined(separator: ",")
            } + r.towns
        }
        XCTAssertEqual(describe(made.index), describe(staged))
        XCTAssertEqual(made.index.households.count, 2)
        XCTAssertEqual(made.index.household(of: ResidentID.staged(Array(p(6).utf8))), 1)
        XCTAssertNil(made.index.household(of: ResidentID.staged(Array(p(2).utf8))))  // only in the older roster
    }

    /// A roster with conflicts is read twice (the conflicted households' rows held on the second pass): the
    /// index made while reading is still the one of the staged rows, without the conflicted households' people.
    func testRosterIndexMadeByIngestAfterConflictsEqualsTheOneFromTheStagedRoster() throws {
        func p(_ n: Int) -> String { T.id(born: "19700101", seq: n) }
        try put(
            "roster/a.csv",
            [
                T.rosterHeader,
                T.rosterRow(T.hh(1), p(1), "甲"),
                T.rosterRow(T.hh(2), p(2), "乙"),  // 户主 of 2, and listed again in 5: both households out
                T.rosterRow(T.hh(1), p(3), "丙", "配偶"),  // a household's rows apart
                T.rosterRow(T.hh(3), p(4), "丁", town: "前山镇"),  // household fields disagree
                T.rosterRow(T.hh(3), p(5), "戊", "配偶"),
                T.rosterRow(T.hh(4), p(6), "己"),
                T.rosterRow(T.hh(5), p(7), "庚"),
                T.rosterRow(T.hh(5), p(2), "乙", "之子"),
                T.rosterRow(T.hh(6), p(8), "辛", "配偶"),  // no 户主
            ])
        let report = try Ingestor(
            config: config, today: today, logger: IngestTests.quiet, findings: nil,
            buildsRosterIndex: true
        ).run()
        let made = try XCTUnwrap(report.roster)
        let staged = try RosterIndex(store: try StagedStore(layout: layout))
        func describe(_ r: RosterIndex) -> [String] {
            r.households.map { h in "\(h.id) \(h.town) " + h.members.map { $0.person.description }.joined(separator: ",") } + r.towns
        }
        XCTAssertEqual(describe(made.index), describe(staged))
        XCTAssertEqual(made.index.households.map(\.id), [T.hh(1), T.hh(4)].map { HouseholdID.staged(Array($0.utf8)) })
        for (n, household) in [(1, 0), (3, 0), (6, 1)] {
            XCTAssertEqual(made.index.household(of: ResidentID.staged(Array(p(n).utf8))), household)
        }
        for n in [2, 4, 5, 7, 8] { XCTAssertNil(made.index.household(of: ResidentID.staged(Array(p(n).utf8))), "\(n)") }
        XCTAssertEqual(try quarantine("roster/a.csv").map { $0[1] }, ["3", "5", "6", "8", "9", "10"])
    }
}
