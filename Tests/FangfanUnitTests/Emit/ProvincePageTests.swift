import XCTest

@testable import FangfanCore

/// The provincial page: one row per county in the order given, a total row adding them up, no household id.
final class ProvincePageTests: XCTestCase {
    func testRowsAndTotal() {
        var a = CountyFigures(county: "440825")
        a.evaluated = 1200
        a.alerts = [.red: 3, .orange: 10, .yellow: 7]
        a.cases = [.warned: 13, .monitored: 40]
        var b = CountyFigures(county: "440826")
        b.evaluated = 30
        b.alerts = [.red: 1]
        b.cases = [.eliminated: 2]
        let total = ProvincePage.sum([a, b])
        XCTAssertEqual(total.evaluated, 1230)
        XCTAssertEqual(total.alerts, [.red: 4, .orange: 10, .yellow: 7])
        XCTAssertEqual(total.cases, [.warned: 13, .monitored: 40, .eliminated: 2])
        let html = ProvincePage.render(month: "2021-05", generatedAt: "2021-06-02T08:00:00Z", counties: [a, b])
        XCTAssertTrue(html.contains("<th>县（区）代码</th><th>评估户数</th><th>红色预警</th><th>橙色预警</th><th>黄色预警</th><th>预警合计</th>"))
        // 440825: 1,200 evaluated, 3/10/7, 20 in all, then the states in CaseState's order
        let states = CaseState.allCases.map { a.cases[$0] ?? 0 }.map { "<td>\(ReportPage.num($0))</td>" }.joined()
        XCTAssertTrue(
            html.contains("<tr><td>440825</td><td>\(ReportPage.num(1200))</td><td>3</td><td>10</td><td>7</td><td>20</td>\(states)</tr>"))
        XCTAssertTrue(
            html.contains("<tr class=\"sum\"><td>合计</td><td>\(ReportPage.num(1230))</td><td>4</td><td>10</td><td>7</td><td>21</td>"))
        XCTAssertLessThan(html.range(of: "440825")!.lowerBound, html.range(of: "440826")!.lowerBound)
        XCTAssertTrue(ProvincePage.render(month: "2021-05", generatedAt: "x", counties: []).contains("台账中没有 2021-05 的记录"))
    }
}
