import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// FEEDS.md "Every row is accounted for", "The same file twice", "A file still being written", "Order",
/// and the header mapping by name.
extension IngestTests {
    // MARK: - replaced

    func testLaterIncomeDeclarationsReplaceEarlierOnes() throws {
        let a = "income/a.csv", b = "income/b.csv", c = "income/c.csv"
        try put(
            a,
            [
                T.incomeHeader,
                "\(T.hh(1)),2021-01,1000.00,0,0,0",
                "\(T.hh(1)),2021-02,1000.00,0,0,0",
                "\(T.hh(2)),2021-01,500.00,0,0,0",
            ], age: 300)
        try put(
            b,
            [
                T.incomeHeader,
                "\(T.hh(1)),2021年2月,1100.00,0,0,0",  // replaces a's (hh1, 2021-02): the month's spelling does not matter
                "\(T.hh(3)),2021-01,700.00,0,0,0",
                "\(T.hh(3)),202101,750.00,0,0,0",  // replaces the row above, within the file
                "\(T.hh(2)),2021-13,1.00,0,0,0",  // quarantined: replaces nothing
                "\(T.hh(2)),2021-02,1.00,0,0,0",
            ], age: 200)
        try ingest()
        XCTAssertEqual(try counts(a), [3, 3, 0, 0])
        XCTAssertEqual(try counts(b), [5, 4, 1, 2])
        // a third file re-sending the same corrections replaces them all again
        try put(
            c,
            [
                T.incomeHeader,
                "\(T.hh(1)),2021-02,1200.00,0,0,0",
                "\(T.hh(3)),2021-01,800.00,0,0,0",
                "\(T.hh(9)),2021-01,1.00,0,0,0",
            ], age: 100)
        try ingest()
        XCTAssertEqual(try counts(c), [3, 3, 0, 2])
        XCTAssertEqual(
            try latest(.income, key: [0, 1]),
            [
                "\(T.hh(1))|2021-01": "1000.00", "\(T.hh(1))|2021-02": "1200.00", "\(T.hh(2))|2021-01": "500.00",
                "\(T.hh(2))|2021-02": "1.00", "\(T.hh(3))|2021-01": "800.00", "\(T.hh(9))|2021-01": "1.00",
            ])
    }

    /// The staged records of a feed as the next stage reads them, the last version of each key winning:
    /// key (fields joined by |) → the field after the key.
    func latest(_ feed: FeedKind, key: [Int]) throws -> [String: String] {
        var out: [String: String] = [:]
        try StagedStore(layout: layout).forEach(feed) { r in
            out[key.map { r.string($0) }.joined(separator: "|")] = r.string(key.last! + 1)
        }
        return out
    }

    func testReSentSettlementsAreCountedOnce() throws {
        let p = T.id(born: "19870315", seq: 123)
        try put("medical/m1.csv", [T.medicalHeader, T.medicalRow("JS001", p), T.medicalRow("JS002", p)], age: 300)
        try put(
            "medical/m2.csv", [T.medicalHeader, T.medicalRow("JS002", p), T.medicalRow("JS003", p), T.medicalRow("JS003", p)], age: 200)
        try ingest()
        XCTAssertEqual(try counts("medical/m1.csv"), [2, 2, 0, 0])
        XCTAssertEqual(try counts("medical/m2.csv"), [3, 3, 0, 2])
        var seen: [String: Int] = [:]
        try StagedStore(layout: layout).forEach(.medical) { seen[$0.string(0), default: 0] += 1 }
        // staged keeps every version; the replaced count tells how many are repeats: 5 rows, 2 repeats, 3 settlements
        XCTAssertEqual(seen.count, 3)
        let es = try manifest()
        XCTAssertEqual(es.reduce(0) { $0 + $1.accepted - $1.replaced }, 3)
    }

    /// Link's plan of a feed (which records a later version replaces): no key is read while ingest counted no
    /// replaced record; once a file replaces one, the keys say which; without a keys file, the records do.
    func testLinkPlanReadsKeysOnlyWhenARecordWasReplaced() throws {
        let p = T.id(born: "19870315", seq: 123)
        try put("medical/m1.csv", [T.medicalHeader, T.medicalRow("JS001", p), T.medicalRow("JS002", p)], age: 300)
        try put("medical/m2.csv", [T.medicalHeader, T.medicalRow("JS003", p)], age: 200)
        try ingest()
        let join = FeedJoin(feed: .medical, roster: RosterIndex())
        var store = try StagedStore(layout: layout)
        var plan = try Linker.plan(join, store: store)
        XCTAssertNil(plan.superseded)
        XCTAssertEqual(plan.files.map(\.first), [0, 2])
        XCTAssertEqual(plan.files.map(\.file), ["medical/m1.csv", "medical/m2.csv"])
        XCTAssertNotNil(Linker.noneReplaced(store.files(.medical)) { self.layout.keysFile(.medical, seq: $0.seq) })
        // m3 re-sends JS001 (record 0) and JS003 (record 2): those two are replaced, by records 3 and 4
        try put("medical/m3.csv", [T.medicalHeader, T.medicalRow("JS001", p), T.medicalRow("JS003", p)], age: 100)
        try ingest()
        XCTAssertEqual(try counts("medical/m3.csv"), [2, 2, 0, 2])
        store = try StagedStore(layout: layout)
        XCTAssertNil(Linker.noneReplaced(store.files(.medical)) { self.layout.keysFile(.medical, seq: $0.seq) })
        plan = try Linker.plan(join, store: store)
        XCTAssertEqual(plan.files.map(\.first), [0, 2, 3])
        XCTAssertEqual((0..<5).filter { plan.superseded?.contains($0) == true }, [0, 2])
        // a keys file missing or cut short: the keys come from the records, with the same answer
        let seqs = store.files(.medical).map(\.entry.seq)
        XCTAssertEqual(unlink(layout.keysFile(.medical, seq: seqs[0])), 0)
        XCTAssertEqual(truncate(layout.keysFile(.medical, seq: seqs[1]), 4), 0)
        XCTAssertFalse(Linker.holds(layout.keysFile(.medical, seq: seqs[0]), keys: 2))
        XCTAssertFalse(Linker.holds(layout.keysFile(.medical, seq: seqs[1]), keys: 1))
        plan = try Linker.plan(join, store: store)
        XCTAssertEqual(plan.files.map(\.first), [0, 2, 3])
        XCTAssertEqual((0..<5).filter { plan.superseded?.contains($0) == true }, [0, 2])
        // and with nothing replaced, a missing keys file is not trusted to have been there when ingest counted
        var unreplaced = store.files(.medical)
        for i in unreplaced.indices { unreplaced[i].entry.replaced = 0 }
        XCTAssertNil(Linker.noneReplaced(unreplaced) { self.layout.keysFile(.medical, seq: $0.seq) })
    }

    /// A roster replaces the previous one whole: `replaced` counts its people the previous roster had.
    func testARosterReplacesThePreviousRosterWhole() throws {
        func p(_ n: Int) -> String { T.id(born: "19700101", seq: n) }
        try put("roster/r1.csv", [T.rosterHeader, T.rosterRow(T.hh(1), p(1), "甲"), T.rosterRow(T.hh(2), p(2), "乙")], age: 300)
        try ingest()
        try put(
            "roster/r2.csv", [T.rosterHeader, T.rosterRow(T.hh(1), p(1), "甲", prev: "9000"), T.rosterRow(T.hh(3), p(3), "丙")], age: 200)
        try ingest()
        XCTAssertEqual(try counts("roster/r1.csv"), [2, 2, 0, 0])
        XCTAssertEqual(try counts("roster/r2.csv"), [2, 2, 0, 1])
        var people: [String] = []
        try StagedStore(layout: layout).forEach(.roster) { people.append($0.string(4)) }
        XCTAssertEqual(people, [p(1), p(3)])
    }

    // MARK: - header mapping

    func testExtraColumnsAreListed() throws {
        let f = "income/多列.csv"
        try put(
            f,
            [
                "户编号,年月,备注,工资性收入,经营净收入,财产净收入,转移净收入,填报人,",
                "\(T.hh(1)),2021-05,无,1,2,3,4,李干部,",
            ])
        try ingest()
        XCTAssertEqual(try entry(f).extra_columns, ["备注", "填报人"])
        XCTAssertEqual(try staged(f), [[T.hh(1), "2021-05", "1.00", "2.00", "3.00", "4.00"]])
        XCTAssertEqual(try entry(f).status, .accepted)
    }

    func testReorderedColumnsWithABOMAreReadByName() throws {
        let f = "income/收入_重排.csv"
        try put(
            f,
            [
                " 转移净收入 ,财产净收入,户编号,经营净收入,年月,工资性收入,填报人",
                "-471.93,312.77,\(T.hh(1)),\"1,980.09\",2021年3月,\"6,622.49\",李干部",
                "1,2,\(T.hh(2)),3,2021-13,4,杨干部",
            ], encoding: .utf8BOM, crlf: true)
        try ingest()
        let e = try entry(f)
        XCTAssertEqual(e.encoding, "utf-8")
        XCTAssertEqual(e.extra_columns, ["填报人"])
        XCTAssertEqual(try counts(f), [2, 1, 1, 0])
        XCTAssertEqual(try staged(f), [[T.hh(1), "2021-03", "6622.49", "1980.09", "312.77", "-471.93"]])
        XCTAssertEqual(try quarantine(f), [[f, "3", "年月", "2021-13", "bad_month"]])
    }

    func testGB18030WithCRLFIsDetected() throws {
        let f = "roster/花名册_gbk.csv"
        let p1 = T.id(born: "19770210", seq: 271), p2 = T.id(born: "19780317", seq: 945)
        try put(
            f,
            [
                T.rosterHeader,
                T.rosterRow(T.hh(1), p1, "张勇玉", town: "下桥镇", village: "头桥村", prev: "108883.76元"),
                T.rosterRow(T.hh(1), p2, "邓霞", "配偶", town: "下桥镇", village: "头桥村", prev: "108883.76元"),
                T.rosterRow(T.hh(2), "4.40825E+17", "错误行", town: "下桥镇"),
            ], encoding: .gb18030, crlf: true)
        try ingest()
        let e = try entry(f)
        XCTAssertEqual(e.encoding, "gb18030")
        XCTAssertEqual(try counts(f), [3, 2, 1, 0])
        XCTAssertEqual(
            try staged(f),
            [
                [T.hh(1), "下桥镇", "头桥村", "一般农户", p1, "张勇玉", "户主", "普通劳动力", "108883.76"],
                [T.hh(1), "下桥镇", "头桥村", "一般农户", p2, "邓霞", "配偶", "普通劳动力", "108883.76"],
            ])
        XCTAssertEqual(try quarantine(f), [[f, "4", "身份证号", "4.40825E+17", "id_scientific_notation"]])
    }

    func testEncodingCanBePinnedToGB18030() throws {
        config.feeds[.income]!.encoding = .gb18030
        let f = "income/收入.csv"
        try put(f, [T.incomeHeader, "\(T.hh(1)),2021年5月,1,2,3,4"], encoding: .gb18030)
        try ingest()
        XCTAssertEqual(try counts(f), [1, 1, 0, 0])
        XCTAssertEqual(try entry(f).encoding, "gb18030")
    }

    /// Verification and application forms come back as spreadsheets; date cells hold Excel serial days.
    func testXLSXApplicationRows() throws {
        let f = "application/申报.xlsx"
        let cols = ["户编号", "发现方式", "申报日期", "风险类型", "填报人", "村别"].map { XLSXColumn(header: $0, width: 10) }
        let sheet = XLSXSheetSpec(
            name: "申报", columns: cols,
            rows: [
                [.text(T.hh(1)), .text("农户申报"), .number("44317"), .text("因病"), .empty, .text("锦和村")],  // 2021-05-01
                [.text(T.hh(2)), .text("干部排查"), .text("2021/5/2"), .text("因灾;因学"), .empty, .empty],
                [.empty, .empty, .empty, .empty, .empty, .empty],
                [.text(T.hh(3)), .text("干部排查"), .text("2021-05-03"), .text("因灾"), .text("李干部"), .empty],
            ])
        try put(f, bytes: try XLSXWriter.data(sheet))
        try ingest()
        XCTAssertEqual(try counts(f), [3, 2, 1, 0])
        XCTAssertEqual(try entry(f).extra_columns, ["村别"])
        XCTAssertEqual(try quarantine(f), [[f, "3", "填报人", "", "missing_required"]])
        XCTAssertEqual(try staged(f).map { $0[3] }, ["2021-05-01", "2021-05-03"])
    }

    // MARK: - the same file twice

    func testTheSameBytesUnderAnotherNameAreADuplicate() throws {
        let rows = [T.incomeHeader, "\(T.hh(1)),2021-05,1,2,3,4"]
        try put("income/收入.csv", rows, age: 300)
        try put("income/收入(1).csv", rows, age: 200)
        try put("medical/放错了.csv", rows, age: 100)  // same bytes in another feed's folder
        let report = try ingest()
        XCTAssertEqual(report.files.map(\.status), [.accepted, .duplicate, .duplicate])
        let dup = try entry("income/收入(1).csv")
        XCTAssertEqual([dup.rows_read, dup.accepted, dup.quarantined, dup.replaced], [0, 0, 0, 0])
        XCTAssertEqual(dup.sha256, try entry("income/收入.csv").sha256)
        XCTAssertTrue(dup.reason?.contains("income/收入.csv") ?? false)
        XCTAssertEqual(dup.stored_as, "archive/income/000002-收入(1).csv")
        XCTAssertTrue(FileManager.default.fileExists(atPath: layout.root + "/" + dup.stored_as))
        XCTAssertEqual(try entry("medical/放错了.csv").stored_as, "archive/medical/000003-放错了.csv")
        var n = 0
        try StagedStore(layout: layout).forEach(.income) { _ in n += 1 }
        XCTAssertEqual(n, 1, "counted once")
        XCTAssertFalse(FileManager.default.fileExists(atPath: layout.stagedFile(.income, seq: 2)))
        XCTAssertEqual(inboxFiles(), [])
    }

    func testIngestingTheSameInboxTwiceChangesNothing() throws {
        try put("income/a.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,1,2,3,4", "\(T.hh(1)),2021-13,1,2,3,4"])
        try put("income/bad.csv", ["x"])
        try ingest()
        let before = T.tree(layout.root)
        let report = try ingest()
        XCTAssertEqual(report.files.count, 0)
        XCTAssertEqual(report.waiting, 0)
        XCTAssertEqual(T.tree(layout.root), before)
        // the same file dropped again after it was archived: a duplicate, nothing staged
        try put("income/a.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,1,2,3,4", "\(T.hh(1)),2021-13,1,2,3,4"])
        let again = try ingest()
        XCTAssertEqual(again.files.map(\.status), [.duplicate])
        XCTAssertEqual(try manifest().filter { $0.file == "income/a.csv" }.map(\.status), [.accepted, .duplicate])
    }

    // MARK: - a file still being written

    func testUnsettledFilesWaitAndDoneMarkersReleaseThem() throws {
        config.settleSeconds = 60
        let rows = [T.incomeHeader, "\(T.hh(1)),2021-05,1,2,3,4"]
        try put("income/正在写.csv", rows, age: 0)
        try put("income/写完了.csv", [T.incomeHeader, "\(T.hh(2)),2021-05,1,2,3,4"], age: 0)
        try put("income/写完了.csv.done", bytes: [], age: 0)
        try put("income/早就写完.csv", [T.incomeHeader, "\(T.hh(3)),2021-05,1,2,3,4"], age: 61)
        let report = try ingest()
        XCTAssertEqual(report.files.map(\.file), ["income/早就写完.csv", "income/写完了.csv"])
        XCTAssertEqual(report.waiting, 1)
        XCTAssertEqual(inboxFiles(), ["income/正在写.csv"], "the marker is removed with its file")
        // once settled, it is taken
        try setAge(inbox + "/income/正在写.csv", 60)
        let later = try ingest()
        XCTAssertEqual(later.files.map(\.file), ["income/正在写.csv"])
        XCTAssertEqual(later.waiting, 0)
        XCTAssertEqual(inboxFiles(), [])
    }

    // MARK: - order

    func testFilesAreIngestedByModificationTimeThenNameAndTheLastVersionWins() throws {
        try put("income/a.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,300,0,0,0"], age: 100)  // newest
        try put("income/b.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,100,0,0,0"], age: 300)  // oldest
        try put("income/d.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,250,0,0,0"], age: 200)
        try put("income/c.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,200,0,0,0"], age: 200)  // same time as d: by name
        try put("medical/m.csv", [T.medicalHeader, T.medicalRow("JS1", T.id(born: "19870315", seq: 123))], age: 250)
        let report = try ingest()
        XCTAssertEqual(report.files.map(\.file), ["income/b.csv", "medical/m.csv", "income/c.csv", "income/d.csv", "income/a.csv"])
        XCTAssertEqual(try manifest().map(\.seq), [1, 2, 3, 4, 5])
        XCTAssertEqual(try manifest().map(\.replaced), [0, 0, 1, 1, 1])
        XCTAssertEqual(try latest(.income, key: [0, 1]), ["\(T.hh(1))|2021-05": "300.00"])
    }

    /// Modification time at full precision: two files written within the same second keep their order.
    func testFilesWrittenWithinOneSecondKeepTheirOrder() throws {
        let second = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970) - 600)
        let b = try put("income/b.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,100,0,0,0"])
        let a = try put("income/a.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,200,0,0,0"])
        try FileManager.default.setAttributes([.modificationDate: second.addingTimeInterval(0.2)], ofItemAtPath: b)
        try FileManager.default.setAttributes([.modificationDate: second.addingTimeInterval(0.7)], ofItemAtPath: a)
        var st = stat()
        XCTAssertEqual(stat(a, &st), 0)
        try XCTSkipIf(st.st_mtim.tv_nsec == 0, "the file system keeps whole seconds only")
        let report = try ingest()
        XCTAssertEqual(report.files.map(\.file), ["income/b.csv", "income/a.csv"])
        XCTAssertEqual(try latest(.income, key: [0, 1]), ["\(T.hh(1))|2021-05": "200.00"])
    }

    // MARK: - state is owner-only

    func testStateFilesAndFoldersAreOwnerOnly() throws {
        let old = umask(0o022)
        defer { umask(old) }
        try put("income/a.csv", [T.incomeHeader, "\(T.hh(1)),2021-05,1,2,3,4", "\(T.hh(1)),2021-13,1,2,3,4"])
        try put("income/a(1).csv", [T.incomeHeader, "\(T.hh(1)),2021-05,1,2,3,4", "\(T.hh(1)),2021-13,1,2,3,4"])
        try put("income/bad.csv", ["x"])
        try put("nowhere.csv", ["x"])
        for f in inboxFiles() { XCTAssertEqual(chmod(inbox + "/" + f, 0o644), 0) }
        try ingest()
        XCTAssertEqual(try manifest().count, 4)
        assertOwnerOnly(layout.root)
    }

    /// Every file under `dir` is 0600 and every folder 0700.
    func assertOwnerOnly(_ dir: String, file: StaticString = #filePath, line: UInt = #line) {
        var checked = 0
        var wrong: [String] = []
        for (rel, content) in T.tree(dir).sorted(by: { $0.key < $1.key }) {
            var st = stat()
            XCTAssertEqual(lstat(dir + "/" + rel, &st), 0)
            let mode = st.st_mode & 0o777
            if mode != (content == nil ? 0o700 : 0o600) { wrong.append("\(rel) \(String(mode, radix: 8))") }
            checked += 1
        }
        XCTAssertEqual(wrong, [], "not owner-only (files 0600, folders 0700)", file: file, line: line)
        var st = stat()
        XCTAssertEqual(stat(dir, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o700, "the state folder itself", file: file, line: line)
        XCTAssertGreaterThan(checked, 10, file: file, line: line)
    }
}
