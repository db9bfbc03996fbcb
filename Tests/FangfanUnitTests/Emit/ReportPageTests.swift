import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

final class ReportPageTests: XCTestCase {

    // MARK: Fixtures

    static let townNames = [
        "徐城街道", "东方街道", "新城街道", "下洋镇", "锦和镇", "和安镇", "新寮镇", "南山镇",
        "海安镇", "曲界镇", "前山镇", "西连镇", "下桥镇", "龙塘镇", "迈陈镇",
    ]

    /// A realistic month: 15 towns, 6 months of trend, some rejected files.
    static func example() -> ReportData {
        let towns = townNames.enumerated().map { i, name in
            TownCounts(
                town: name, red: (i * 7) % 5, orange: (i * 5) % 9 + (i == 3 ? 12 : 0),
                yellow: (i * 11) % 14 + 2)
        }
        return ReportData(
            title: "徐闻县防返贫监测预警月报",
            month: "2021-05",
            periodFrom: "2020-06", periodTo: "2021-05", periodMonths: 12,
            line: "9600.00",
            generatedAt: "2021-06-03T02:15:07Z",
            households: 48_213,
            towns: towns,
            riskTypes: [
                ("因病", 61), ("收入骤减", 48), ("刚性支出骤增", 23), ("因灾", 17), ("因残", 12),
                ("救助变动", 9), ("因务工就业不稳", 4), ("因学", 2), ("其他", 1),
            ],
            channels: [("申报", 11), ("排查", 0), ("部门预警", 167)],
            cases: [("预警", 86), ("监测中", 412), ("不予纳入", 37), ("风险已消除", 129)],
            trend: [
                ("2020-12", 20, 44, 71), ("2021-01", 22, 51, 80), ("2021-02", 31, 49, 88),
                ("2021-03", 27, 40, 76), ("2021-04", 24, 45, 90), ("2021-05", 28, 61, 98),
            ],
            quality: [
                FeedQuality(
                    feed: "花名册", files: 1, rejected: 0, duplicates: 0, rowsRead: 171_452,
                    accepted: 171_452, quarantined: 0, unmatched: 0),
                FeedQuality(
                    feed: "收入", files: 2, rejected: 0, duplicates: 1, rowsRead: 48_213,
                    accepted: 48_190, quarantined: 23, unmatched: 0),
                FeedQuality(
                    feed: "医保结算", files: 3, rejected: 1, duplicates: 0, rowsRead: 12_877,
                    accepted: 12_801, quarantined: 76, unmatched: 311),
                FeedQuality(
                    feed: "民政救助", files: 1, rejected: 0, duplicates: 0, rowsRead: 3_904,
                    accepted: 3_904, quarantined: 0, unmatched: 17),
                FeedQuality(
                    feed: "应急灾情", files: 1, rejected: 0, duplicates: 0, rowsRead: 655,
                    accepted: 641, quarantined: 14, unmatched: 3),
                FeedQuality(
                    feed: "残联", files: 1, rejected: 0, duplicates: 0, rowsRead: 2_110,
                    accepted: 2_110, quarantined: 0, unmatched: 0),
                FeedQuality(
                    feed: "农户申报", files: 2, rejected: 0, duplicates: 0, rowsRead: 11,
                    accepted: 11, quarantined: 0, unmatched: 0),
                FeedQuality(
                    feed: "核实结果", files: 1, rejected: 1, duplicates: 0, rowsRead: 0,
                    accepted: 0, quarantined: 0, unmatched: 0),
            ],
            rejectedFiles: [
                ("medical/yb_2021-05_第3批.xlsx", "缺少必填列：结算日期"),
                ("verification/hs_202105.csv.gz", "gzip 数据损坏"),
            ],
            eliminationSuggested: 14)
    }

    static func allZero(towns: [String] = ["甲镇", "乙镇"]) -> ReportData {
        ReportData(
            title: "测试县防返贫监测预警月报", month: "2021-05", periodFrom: "2021-01", periodTo: "2021-05",
            periodMonths: 0, line: "0.00", generatedAt: "2021-06-01T00:00:00Z", households: 0,
            towns: towns.map { TownCounts(town: $0, red: 0, orange: 0, yellow: 0) },
            riskTypes: [("因病", 0)], channels: [("申报", 0), ("排查", 0), ("部门预警", 0)],
            cases: [("预警", 0), ("监测中", 0), ("不予纳入", 0), ("风险已消除", 0)],
            trend: [("2021-05", 0, 0, 0)],
            quality: [
                FeedQuality(
                    feed: "医保结算", files: 0, rejected: 0, duplicates: 0, rowsRead: 0,
                    accepted: 0, quarantined: 0, unmatched: 0)
            ],
            rejectedFiles: [], eliminationSuggested: 0)
    }

    static func empty() -> ReportData {
        ReportData(
            title: "", month: "", periodFrom: "", periodTo: "", periodMonths: 0, line: "", generatedAt: "",
            households: 0, towns: [], riskTypes: [], channels: [], cases: [], trend: [], quality: [],
            rejectedFiles: [], eliminationSuggested: 0)
    }

    private func assertClean(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        let lower = html.lowercased()
        for bad in ["http://", "https://", "<script", "@import", "url(", "<link", "<iframe", "<img", "src="] {
            XCTAssertFalse(lower.contains(bad), "page contains \(bad)", file: file, line: line)
        }
        XCTAssertFalse(html.contains("NaN"), "page contains NaN", file: file, line: line)
        XCTAssertFalse(lower.contains("inf"), "page contains inf", file: file, line: line)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"), file: file, line: line)
        XCTAssertTrue(html.hasSuffix("</html>\n"), file: file, line: line)
    }

    // MARK: Content

    func testExampleIsSelfContained() {
        let html = ReportPage.render(Self.example())
        assertClean(html)
        XCTAssertTrue(html.contains("<html lang=\"zh-CN\">"))
        XCTAssertTrue(html.contains("<meta charset=\"utf-8\">"))
        XCTAssertTrue(html.contains("<style>"))
        XCTAssertTrue(html.contains("@media print"))
        XCTAssertTrue(html.contains("size: A4 portrait"))
        XCTAssertTrue(html.contains("break-inside: avoid"))
        XCTAssertTrue(html.contains("\"Noto Sans CJK SC\", \"WenQuanYi Micro Hei\", \"Microsoft YaHei\", \"PingFang SC\", sans-serif"))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 5, "five charts")
    }

    func testHeaderTilesAndTables() {
        let html = ReportPage.render(Self.example())
        for s in [
            "徐闻县防返贫监测预警月报", "评估月份", "2021-05", "监测期", "2020-06 至 2021-05", "12 个月",
            "9600.00 元/人·年", "2021-06-03T02:15:07Z", "48,213 户",
            "预警户数", "台账在监测", "建议标注风险已消除", "拒收文件",
            "#c0392b", "#e67e22", "#f1c40f",
            "文件数", "拒收", "重复", "读取行数", "接收", "隔离", "未匹配", "接收率 %",
            "171,452", "99.4", "合计",
            "medical/yb_2021-05_第3批.xlsx", "缺少必填列：结算日期",
            "因务工就业不稳", "部门预警", "风险已消除",
        ] {
            XCTAssertTrue(html.contains(s), "missing \(s)")
        }
        // Level totals over the towns.
        let d = Self.example()
        let red = d.towns.reduce(0) { $0 + $1.red }
        XCTAssertTrue(html.contains("<div class=\"k\">红色预警</div><div class=\"v\">\(red)</div>"))
        // Monitored cases tile shows the 监测中 count.
        XCTAssertTrue(html.contains("<div class=\"k\">台账在监测</div><div class=\"v\">412</div>"))
    }

    func testEveryTownNamePresent() {
        let d = Self.example()
        let html = ReportPage.render(d)
        for t in d.towns { XCTAssertTrue(html.contains(ReportPage.esc(t.town)), "missing town \(t.town)") }
        // Towns are ordered by alerts, most first.
        let sorted = d.towns.sorted { $0.total > $1.total }
        let first = html.range(of: ">\(sorted[0].town)</text>")
        let last = html.range(of: ">\(sorted.last!.town)</text>")
        XCTAssertNotNil(first)
        XCTAssertNotNil(last)
        if let first, let last { XCTAssertLessThan(first.lowerBound, last.lowerBound) }
    }

    func testHostileNamesAreEscaped() {
        var d = Self.example()
        let evil = "<b>&\"x'"
        d.towns.append(TownCounts(town: evil, red: 1, orange: 2, yellow: 3))
        d.title = "<script>alert(1)</script>"
        d.riskTypes.append((name: evil, count: 5))
        d.channels.append((name: evil, count: 1))
        d.cases.append((state: evil, count: 2))
        d.trend.append((month: evil, red: 1, orange: 1, yellow: 1))
        d.quality.append(
            FeedQuality(
                feed: evil, files: 1, rejected: 1, duplicates: 0, rowsRead: 3, accepted: 2,
                quarantined: 1, unmatched: 0))
        d.rejectedFiles.append((file: "a<b>&c\"d'.csv", reason: "<i>坏</i> & \"错\""))
        d.generatedAt = "\"'><"
        let html = ReportPage.render(d)
        assertClean(html)
        XCTAssertFalse(html.contains(evil))
        XCTAssertFalse(html.contains("<b>"))
        XCTAssertFalse(html.contains("<i>"))
        XCTAssertTrue(html.contains("&lt;b&gt;&amp;&quot;x&#39;"))
        XCTAssertTrue(html.contains("a&lt;b&gt;&amp;c&quot;d&#39;.csv"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertEqual(ReportPage.esc(evil), "&lt;b&gt;&amp;&quot;x&#39;")
    }

    func testAllZeroRenders() {
        let html = ReportPage.render(Self.allZero())
        assertClean(html)
        XCTAssertTrue(html.contains("甲镇"))
        XCTAssertTrue(html.contains("乙镇"))
        XCTAssertTrue(html.contains("本次运行没有拒收文件"))
        XCTAssertTrue(html.contains("—"), "acceptance rate of a feed with no rows is a dash")
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 5)
    }

    func testEmptyDataRenders() {
        let html = ReportPage.render(Self.empty())
        assertClean(html)
        XCTAssertTrue(html.contains("花名册中没有乡镇"))
        XCTAssertTrue(html.contains("台账中尚无逐月记录"))
        XCTAssertTrue(html.contains("本次运行没有部门数据"))
    }

    func testLargeNumbers() {
        var d = Self.example()
        d.towns[0] = TownCounts(town: "大镇", red: 150_000, orange: 250_000, yellow: 1_000_000)
        d.riskTypes = [("因病", 1_234_567), ("因灾", 0)]
        d.trend = [("2021-04", 0, 0, 0), ("2021-05", 150_000, 250_000, 1_000_000)]
        d.households = 9_999_999
        d.quality[0].rowsRead = 3_000_000_000
        d.quality[0].accepted = 2_999_999_999
        let html = ReportPage.render(d)
        assertClean(html)
        XCTAssertTrue(html.contains("1,400,000"))
        XCTAssertTrue(html.contains("1,234,567"))
        XCTAssertTrue(html.contains("3,000,000,000"))
        XCTAssertTrue(html.contains(">99.9<"), "truncated acceptance rate: 100.0 only when every row was accepted")
    }

    func testSingleMonthAndManyMonthsTrend() {
        var d = Self.example()
        d.trend = [("2021-05", 3, 4, 5)]
        let one = ReportPage.render(d)
        assertClean(one)
        XCTAssertTrue(one.contains(">2021-05</text>"))
        d.trend = (0..<36).map { i in (month: String(format: "%04d-%02d", 2019 + i / 12, i % 12 + 1), red: i, orange: 2 * i, yellow: 3 * i)
        }
        let many = ReportPage.render(d)
        assertClean(many)
        XCTAssertTrue(many.contains(">2019-01</text>"))
    }

    func testDeterministic() {
        XCTAssertEqual(ReportPage.render(Self.example()), ReportPage.render(Self.example()))
    }

    func testHelpers() {
        XCTAssertEqual(ReportPage.niceScale(0).max, 1)
        XCTAssertEqual(ReportPage.niceScale(-5).max, 1)
        XCTAssertEqual(ReportPage.niceScale(1).max, 1)
        XCTAssertEqual(ReportPage.niceScale(7).max, 8)
        XCTAssertEqual(ReportPage.niceScale(7).step, 2)
        XCTAssertEqual(ReportPage.niceScale(100_000).max, 100_000)
        XCTAssertEqual(ReportPage.niceScale(123_456).max, 150_000)
        XCTAssertEqual(ReportPage.num(0), "0")
        XCTAssertEqual(ReportPage.num(999), "999")
        XCTAssertEqual(ReportPage.num(1000), "1,000")
        XCTAssertEqual(ReportPage.num(-1234567), "-1,234,567")
        XCTAssertEqual(ReportPage.percent(1, of: 3), "33.3")
        XCTAssertEqual(ReportPage.percent(5, of: 0), "0.0")
        XCTAssertEqual(ReportPage.rate(48_190, of: 48_213), "99.9")
        XCTAssertEqual(ReportPage.rate(2, of: 3), "66.6")
        XCTAssertEqual(ReportPage.rate(5, of: 5), "100.0")
        XCTAssertEqual(ReportPage.rate(0, of: 0), "0.0")
        XCTAssertEqual(ReportPage.rate(Int.max / 2, of: Int.max / 2), "100.0")
        XCTAssertEqual(ReportPage.f(.nan), "0")
        XCTAssertEqual(ReportPage.f(.infinity), "0")
        XCTAssertEqual(ReportPage.f(12.25), "12.3")
        XCTAssertEqual(ReportPage.f(-0.5), "-0.5")
        XCTAssertEqual(ReportPage.truncate("城北街道办事处第一社区", width: 60, size: 12).last, "…")
    }

    // MARK: Rendering in a real browser

    static func findChromium() -> String? {
        let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in names {
            for dir in dirs + ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
                let path = dir + "/" + name
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// Renders the page in headless Chromium and checks a real screenshot comes out.
    func testRendersInHeadlessChromium() throws {
        guard let chromium = Self.findChromium() else { throw XCTSkip("chromium not installed") }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("fangfan-report-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        let png = dir.appendingPathComponent("report.png")
        try ReportPage.render(Self.example()).write(to: page, atomically: true, encoding: .utf8)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=" + dir.appendingPathComponent("profile").path,
            "--screenshot=" + png.path, "--window-size=1200,2400", page.absoluteString,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            XCTFail("chromium did not finish within 120 s")
            return
        }
        let attrs = try FileManager.default.attributesOfItem(atPath: png.path)
        let size = (attrs[.size] as? NSNumber)?.intValue ?? 0
        XCTAssertGreaterThan(size, 20_000, "screenshot is suspiciously small (\(size) bytes)")
        let head = try Data(contentsOf: png).prefix(8)
        XCTAssertEqual(Array(head), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
    }
}
