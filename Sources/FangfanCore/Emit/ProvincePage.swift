/// The provincial page (`fangfan report --month M --html FILE` on a shared ledger): the monthly report's
/// county breakdown — households evaluated, alerts per level and cases per state, one row per county and a
/// total row — in the report page's style, printable. Counts only: no ID, name or amount.
public enum ProvincePage {
    public static func render(month: String, generatedAt: String, counties: [CountyFigures]) -> String {
        let total = sum(counties)
        var h = ReportPage.documentHead(title: "防返贫监测 全省（市）汇总 · \(month)")
        h += "<header class=\"head\">\n<h1>防返贫监测 全省（市）汇总</h1>\n<dl class=\"meta\">\n"
        h += "<div><dt>评估月份</dt><dd>\(ReportPage.esc(month))</dd></div>\n"
        h += "<div><dt>县（区）</dt><dd>\(ReportPage.num(counties.count)) 个</dd></div>\n"
        h += "</dl>\n<p class=\"gen\">数据口径 \(ReportPage.esc(generatedAt))（台账）</p>\n</header>\n"
        h += "<section class=\"block\">\n<h2>各县预警与台账</h2>\n"
        guard !counties.isEmpty else {
            return h + "<p class=\"empty\">台账中没有 \(ReportPage.esc(month)) 的记录。</p>\n</section>\n</main>\n</body>\n</html>\n"
        }
        h += "<table class=\"quality\">\n<thead><tr><th>县（区）代码</th><th>评估户数</th>"
        for l in Level.allCases { h += "<th>\(ReportPage.esc(l.chinese))预警</th>" }
        h += "<th>预警合计</th>"
        for s in CaseState.allCases { h += "<th>案件·\(ReportPage.esc(s.rawValue))</th>" }
        h += "</tr></thead>\n<tbody>\n"
        for c in counties { h += row(c, label: c.county, sum: false) }
        h += row(total, label: "合计", sum: true)
        h += "</tbody>\n</table>\n"
        h += "<p class=\"empty\">评估户数：本月在台账中有案件或有预警、经评估的户。案件数为台账当前状态。</p>\n</section>\n"
        return h + "</main>\n</body>\n</html>\n"
    }

    /// The counties added up (the total row).
    public static func sum(_ counties: [CountyFigures]) -> CountyFigures {
        var total = CountyFigures(county: "合计")
        for f in counties {
            total.evaluated += f.evaluated
            for (l, n) in f.alerts { total.alerts[l, default: 0] += n }
            for (s, n) in f.cases { total.cases[s, default: 0] += n }
        }
        return total
    }

    static func row(_ f: CountyFigures, label: String, sum: Bool) -> String {
        let alerts = Level.allCases.reduce(0) { $0 + (f.alerts[$1] ?? 0) }
        var s = sum ? "<tr class=\"sum\">" : "<tr>"
        s += "<td>\(ReportPage.esc(label))</td><td>\(ReportPage.num(f.evaluated))</td>"
        for l in Level.allCases { s += "<td>\(ReportPage.num(f.alerts[l] ?? 0))</td>" }
        s += "<td>\(ReportPage.num(alerts))</td>"
        for st in CaseState.allCases { s += "<td>\(ReportPage.num(f.cases[st] ?? 0))</td>" }
        return s + "</tr>\n"
    }
}
