import Foundation

// MARK: - Input

// MARK: - Page

/// Renders `report.html`: one self-contained page (inline CSS and SVG, no
/// script, no external resource) that opens offline and prints on A4.
public enum ReportPage {
    static let red = "#c0392b"
    static let orange = "#e67e22"
    static let yellow = "#f1c40f"
    /// Darker shade of yellow for text on white (the bar colour is too light to read).
    static let yellowText = "#9a7d0a"
    static let ink = "#2c3e50"
    static let muted = "#7f8c8d"
    static let grid = "#e3e6e8"
    static let riskColor = "#2e86ab"
    static let channelColor = "#16a085"
    static let caseColors: [String: String] = [
        "预警": "#d35400", "监测中": "#2980b9", "不予纳入": "#95a5a6", "风险已消除": "#27ae60",
    ]

    /// Width of a full-width chart (SVG user units ≈ CSS px on screen).
    static let fullWidth = 720.0
    /// Width of a half-width chart (two side by side).
    static let halfWidth = 348.0

    public static func render(_ d: ReportData) -> String {
        var h = ""
        h.reserveCapacity(48_000)
        let red = d.towns.reduce(0) { $0 + $1.red }
        let orange = d.towns.reduce(0) { $0 + $1.orange }
        let yellow = d.towns.reduce(0) { $0 + $1.yellow }
        let total = red + orange + yellow

        h += documentHead(title: "\(d.title) · \(d.month)")

        // Header
        h += "<header class=\"head\">\n<h1>\(esc(d.title))</h1>\n<dl class=\"meta\">\n"
        h += "<div><dt>评估月份</dt><dd>\(esc(d.month))</dd></div>\n"
        let rolling = d.periodKind == MonitoringPeriod.Kind.rolling12.rawValue
        h +=
            "<div><dt>监测期</dt><dd>\(rolling ? "滚动12个月 " : "")\(esc(d.periodFrom)) 至 \(esc(d.periodTo))（\(num(d.periodMonths)) 个月）</dd></div>\n"
        h += "<div><dt>监测线</dt><dd>\(esc(d.line)) 元/人·年</dd></div>\n"
        h += "<div><dt>花名册</dt><dd>\(num(d.households)) 户</dd></div>\n"
        h += "</dl>\n<p class=\"gen\">数据口径 \(esc(d.generatedAt))</p>\n</header>\n"

        // KPI tiles
        let monitored = d.cases.filter { $0.state == "监测中" }.reduce(0) { $0 + $1.count }
        let ledgerTotal = d.cases.reduce(0) { $0 + $1.count }
        h += "<section class=\"kpis\">\n"
        h += tile(
            "预警户数", num(total), ink,
            sub: d.households > 0
                ? "占花名册 \(percent(total, of: d.households))%" : "花名册无户")
        h += tile("红色预警", num(red), ReportPage.red, sub: "建议纳入监测")
        h += tile("橙色预警", num(orange), ReportPage.orange, sub: "重点关注")
        h += tile("黄色预警", num(yellow), yellowText, bar: ReportPage.yellow, sub: "一般关注")
        h += tile("台账在监测", num(monitored), caseColors["监测中"]!, sub: "台账共 \(num(ledgerTotal)) 户")
        h += tile("建议标注风险已消除", num(d.eliminationSuggested), caseColors["风险已消除"]!, sub: "待核实确认")
        h += tile(
            "拒收文件", num(d.rejectedFiles.count), d.rejectedFiles.isEmpty ? muted : ReportPage.red,
            sub: d.rejectedFiles.isEmpty ? "本次无拒收" : "见文末清单")
        h += tile("未匹配记录", num(d.quality.reduce(0) { $0 + $1.unmatched }), muted, sub: "人员不在花名册")
        h += "</section>\n"
        // §12: the alerts per category, only with the third category on
        if !d.categories.isEmpty {
            h +=
                "<p class=\"gen\">按类别：" + d.categories.map { "\(esc($0.name)) \(num($0.count)) 户" }.joined(separator: "，")
                + "</p>\n"
        }

        // Charts
        h += figure(
            "各乡镇预警户数", note: "按红、橙、黄三级堆叠；按预警户数从多到少排列",
            svg: townChart(d.towns))
        h += figure(
            "按风险类型", note: "一户可同时有多种风险，合计可多于预警户数",
            svg: barChart(
                d.riskTypes.map { ($0.name, $0.count, riskColor) },
                width: fullWidth, label: "预警户数（按风险类型）", sorted: true))
        h += figure(
            "逐月预警趋势", note: "台账记录的各月预警户数",
            svg: trendChart(d.trend))
        h += "<div class=\"pair\">\n"
        h += figure(
            "台账案件状态", note: "动态管理台账中各状态的户数",
            svg: barChart(
                d.cases.map { ($0.state, $0.count, caseColors[$0.state] ?? "#5d6d7e") },
                width: halfWidth, label: "台账案件状态", sorted: false))
        h += figure(
            "发现渠道", note: "本月预警的发现方式",
            svg: barChart(
                d.channels.map { ($0.name, $0.count, channelColor) },
                width: halfWidth, label: "发现渠道", sorted: false))
        h += "</div>\n"

        // Data quality
        h += overdueTable(d.overdue)
        h += precisionTable(d.precision)
        h += qualityTable(d.quality)
        h += reviewTable(d.review)
        h += rejectedList(d.rejectedFiles)

        h += "<footer class=\"foot\">fangfan 防返贫监测预警 · \(esc(d.generatedAt)) · "
        h += "预警与帮扶措施均为建议，以入户核实结果为准</footer>\n"
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    // MARK: CSS

    /// The page's start, up to the opened `<main>`: the document head with `title` (escaped) and the style.
    static func documentHead(title: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>\(esc(title))</title>\n"
            + "<style>\n\(css)</style>\n</head>\n<body>\n<main class=\"page\">\n"
    }

    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { margin: 0; background: #f4f6f7; color: #2c3e50;
          font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
          font-size: 14px; line-height: 1.5; }
        .page { max-width: 784px; margin: 0 auto; padding: 24px 32px 32px; background: #fff; }
        .head { border-bottom: 3px solid #c0392b; padding-bottom: 10px; margin-bottom: 16px; }
        h1 { font-size: 24px; margin: 0 0 8px; letter-spacing: 1px; }
        .meta { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0; }
        .meta div { display: flex; gap: 6px; }
        .meta dt { color: #7f8c8d; }
        .meta dd { margin: 0; font-weight: 600; }
        .gen { margin: 4px 0 0; font-size: 11px; color: #95a5a6; }
        .kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 0 0 8px; }
        .tile { border: 1px solid #e3e6e8; border-top: 4px solid var(--c); border-radius: 4px; padding: 8px 10px; }
        .tile .k { font-size: 12px; color: #7f8c8d; }
        .tile .v { font-size: 26px; font-weight: 700; line-height: 1.2; color: var(--t); font-variant-numeric: tabular-nums; }
        .tile .s { font-size: 11px; color: #95a5a6; }
        figure { margin: 18px 0 0; break-inside: avoid; page-break-inside: avoid; }
        figure h2, section h2 { font-size: 16px; margin: 0 0 2px; padding-left: 8px; border-left: 4px solid #2c3e50;
          break-after: avoid; page-break-after: avoid; }
        figure .note { font-size: 11px; color: #95a5a6; margin: 0 0 6px 12px; }
        figure svg { display: block; width: 100%; height: auto; }
        .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
        .pair figure { min-width: 0; }
        section.block { margin-top: 20px; }
        table { width: 100%; border-collapse: collapse; font-size: 12.5px; margin-top: 6px; }
        th, td { border-bottom: 1px solid #e3e6e8; padding: 4px 6px; }
        th { background: #f4f6f7; font-weight: 600; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        td { text-align: right; font-variant-numeric: tabular-nums; }
        tr.sum td { font-weight: 700; border-top: 2px solid #2c3e50; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        td.bad { color: #c0392b; font-weight: 600; }
        td.warn { color: #d35400; }
        td.zero { color: #bdc3c7; }
        .rate { display: inline-block; width: 44px; height: 6px; margin-left: 6px; background: #e3e6e8;
          vertical-align: middle; border-radius: 3px; overflow: hidden; }
        .rate i { display: block; height: 100%; background: #27ae60; }
        .rejected th, .rejected td { text-align: left; word-break: break-all; }
        .rejected td.file { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; width: 45%; }
        .empty { color: #7f8c8d; font-size: 13px; margin: 6px 0 0 12px; }
        .foot { margin-top: 24px; padding-top: 8px; border-top: 1px solid #e3e6e8; font-size: 11px; color: #95a5a6; }
        @media screen and (max-width: 640px) {
          .page { padding: 16px 12px; }
          .kpis { grid-template-columns: repeat(2, 1fr); }
          .pair { grid-template-columns: 1fr; gap: 0; }
        }
        @page { size: A4 portrait; margin: 12mm 12mm 14mm; }
        @media print {
          body { background: #fff; font-size: 12px; }
          .page { max-width: none; margin: 0; padding: 0; }
          .kpis { break-inside: avoid; page-break-inside: avoid; }
          section.block { break-inside: auto; }
          thead { display: table-header-group; }
        }

        """

    // MARK: Building blocks

    static func tile(_ key: String, _ value: String, _ color: String, bar: String? = nil, sub: String) -> String {
        "<div class=\"tile\" style=\"--c:\(bar ?? color);--t:\(color)\"><div class=\"k\">\(esc(key))</div>"
            + "<div class=\"v\">\(value)</div><div class=\"s\">\(esc(sub))</div></div>\n"
    }

    static func figure(_ title: String, note: String, svg: String) -> String {
        "<figure>\n<h2>\(esc(title))</h2>\n<p class=\"note\">\(esc(note))</p>\n\(svg)</figure>\n"
    }

    /// Opening tag of an inline SVG; HTML5 needs no namespace declaration.
    static func svgOpen(_ w: Double, _ h: Double, label: String) -> String {
        "<svg viewBox=\"0 0 \(f(w)) \(f(h))\" width=\"\(f(w))\" height=\"\(f(h))\" role=\"img\" aria-label=\"\(esc(label))\">"
            + "<title>\(esc(label))</title>\n"
    }

    static func text(
        _ x: Double, _ y: Double, _ s: String, size: Double = 12, anchor: String = "start",
        fill: String = ink, weight: String? = nil
    ) -> String {
        var t = "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" fill=\"\(fill)\""
        if anchor != "start" { t += " text-anchor=\"\(anchor)\"" }
        if let weight { t += " font-weight=\"\(weight)\"" }
        return t + ">\(esc(s))</text>"
    }

    static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ fill: String, title: String? = nil) -> String {
        let r = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(0, w)))\" height=\"\(f(max(0, h)))\" fill=\"\(fill)\""
        guard let title else { return r + "/>" }
        return r + "><title>\(esc(title))</title></rect>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ stroke: String, width: Double = 1) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"/>"
    }

    static func placeholder(_ width: Double, _ message: String) -> String {
        svgOpen(width, 44, label: message) + rect(0, 0, width, 44, "#f8f9f9")
            + text(width / 2, 27, message, size: 13, anchor: "middle", fill: muted) + "\n</svg>\n"
    }

    /// Legend of the three levels, starting at x; returns the SVG.
    static func levelLegend(x: Double, y: Double) -> String {
        var s = ""
        var cx = x
        for (name, color) in [("红色 建议纳入监测", red), ("橙色 重点关注", orange), ("黄色 一般关注", yellow)] {
            s += rect(cx, y - 10, 12, 12, color)
            s += text(cx + 17, y, name, size: 12, fill: ink)
            cx += 17 + textWidth(name, size: 12) + 18
        }
        return s + "\n"
    }

    static func levelLegendWidth() -> Double {
        ["红色 建议纳入监测", "橙色 重点关注", "黄色 一般关注"].reduce(0) { $0 + 35 + textWidth($1, size: 12) } - 18
    }

    /// Vertical grid lines and tick labels along the bottom of a horizontal chart.
    static func xAxis(x0: Double, plotW: Double, top: Double, bottom: Double, scale: (max: Int, step: Int)) -> String {
        var s = ""
        var v = 0
        while v <= scale.max {
            let x = x0 + plotW * Double(v) / Double(scale.max)
            s += line(x, top, x, bottom, v == 0 ? "#95a5a6" : grid)
            s += text(x, bottom + 14, num(v), size: 11, anchor: "middle", fill: muted)
            v += scale.step
        }
        return s + "\n"
    }

    // MARK: Chart 1: towns

    static func townChart(_ towns: [TownCounts]) -> String {
        let w = fullWidth
        guard !towns.isEmpty else { return placeholder(w, "花名册中没有乡镇") }
        // Most alerts first, then most red, then most orange; ties keep the roster's order.
        let rows = towns.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.total != y.total { return x.total > y.total }
            if x.red != y.red { return x.red > y.red }
            if x.orange != y.orange { return x.orange > y.orange }
            return a.offset < b.offset
        }.map(\.element)
        let maxTotal = rows.map(\.total).max() ?? 0
        let scale = niceScale(maxTotal)
        let labelW = min(170, max(48, rows.map { textWidth($0.town, size: 13) }.max() ?? 0))
        let x0 = labelW + 10
        let rightPad = max(textWidth(num(scale.max), size: 11) / 2 + 2, textWidth(num(maxTotal), size: 12) + 10)
        let plotW = w - x0 - rightPad
        let rowH = 24.0, barH = 16.0
        let top = 30.0
        let bottom = top + rowH * Double(rows.count)
        let height = bottom + 24
        var s = svgOpen(w, height, label: "各乡镇预警户数（红、橙、黄堆叠）")
        s += levelLegend(x: max(x0, w - rightPad - levelLegendWidth()), y: 14)
        s += xAxis(x0: x0, plotW: plotW, top: top - 4, bottom: bottom, scale: scale)
        for (i, t) in rows.enumerated() {
            let y = top + rowH * Double(i)
            let cy = y + rowH / 2
            s += "<g>"
            s += "<title>\(esc(t.town))：红 \(num(t.red))，橙 \(num(t.orange))，黄 \(num(t.yellow))，共 \(num(t.total))</title>"
            s += text(x0 - 8, cy + 4.5, truncate(t.town, width: labelW, size: 13), size: 13, anchor: "end")
            var x = x0
            for (count, color, textColor) in [(t.red, red, "#fff"), (t.orange, orange, "#fff"), (t.yellow, yellow, ink)]
            where count > 0 {
                let segW = plotW * Double(count) / Double(scale.max)
                s += rect(x, cy - barH / 2, segW, barH, color)
                let label = num(count)
                if segW >= textWidth(label, size: 11) + 6 {
                    s += text(x + segW / 2, cy + 4, label, size: 11, anchor: "middle", fill: textColor)
                }
                x += segW
            }
            s += text(
                x + 5, cy + 4.5, num(t.total), size: 12, fill: t.total == 0 ? muted : ink,
                weight: t.total == 0 ? nil : "600")
            s += "</g>\n"
        }
        return s + "</svg>\n"
    }

    // MARK: Simple horizontal bars (risk types, cases, channels)

    static func barChart(_ items: [(String, Int, String)], width w: Double, label: String, sorted: Bool) -> String {
        guard !items.isEmpty else { return placeholder(w, "无数据") }
        let rows =
            sorted
            ? items.enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
                .map(\.element)
            : items
        let maxV = rows.map(\.1).max() ?? 0
        let scale = niceScale(maxV, ticks: w < 500 ? 3 : 5)
        let labelW = min(w < 500 ? 110 : 170, max(40, rows.map { textWidth($0.0, size: 13) }.max() ?? 0))
        let x0 = labelW + 10
        let rightPad = max(textWidth(num(scale.max), size: 11) / 2 + 2, textWidth(num(maxV), size: 12) + 10)
        let plotW = w - x0 - rightPad
        let rowH = 24.0, barH = 16.0, top = 6.0
        let bottom = top + rowH * Double(rows.count)
        var s = svgOpen(w, bottom + 24, label: label)
        s += xAxis(x0: x0, plotW: plotW, top: top - 4, bottom: bottom, scale: scale)
        for (i, (name, count, color)) in rows.enumerated() {
            let cy = top + rowH * Double(i) + rowH / 2
            let barW = plotW * Double(max(0, count)) / Double(scale.max)
            s += "<g><title>\(esc(name))：\(num(count))</title>"
            s += text(x0 - 8, cy + 4.5, truncate(name, width: labelW, size: 13), size: 13, anchor: "end")
            s += rect(x0, cy - barH / 2, barW, barH, color)
            s += text(
                x0 + barW + 5, cy + 4.5, num(count), size: 12, fill: count == 0 ? muted : ink,
                weight: count == 0 ? nil : "600")
            s += "</g>\n"
        }
        return s + "</svg>\n"
    }

    // MARK: Chart: month-by-month trend

    static func trendChart(_ trend: [(month: String, red: Int, orange: Int, yellow: Int)]) -> String {
        let w = fullWidth
        guard !trend.isEmpty else { return placeholder(w, "台账中尚无逐月记录") }
        let totals = trend.map { $0.red + $0.orange + $0.yellow }
        let maxTotal = totals.max() ?? 0
        let scale = niceScale(maxTotal, ticks: 4)
        let x0 = textWidth(num(scale.max), size: 11) + 12
        let plotW = w - x0 - 8
        let top = 34.0, plotH = 190.0
        let bottom = top + plotH
        let slot = plotW / Double(trend.count)
        let colW = min(56, slot * 0.62)
        let labelEvery = max(1, Int((textWidth("2021-05", size: 11) + 10) / slot) + 1)
        var s = svgOpen(w, bottom + 26, label: "逐月预警户数（红、橙、黄堆叠）")
        s += levelLegend(x: w - 8 - levelLegendWidth(), y: 14)
        var v = 0
        while v <= scale.max {
            let y = bottom - plotH * Double(v) / Double(scale.max)
            s += line(x0, y, w - 8, y, v == 0 ? "#95a5a6" : grid)
            s += text(x0 - 6, y + 4, num(v), size: 11, anchor: "end", fill: muted)
            v += scale.step
        }
        s += "\n"
        for (i, m) in trend.enumerated() {
            let cx = x0 + slot * (Double(i) + 0.5)
            var y = bottom
            s += "<g><title>\(esc(m.month))：红 \(num(m.red))，橙 \(num(m.orange))，黄 \(num(m.yellow))，共 \(num(totals[i]))</title>"
            for (count, color) in [(m.red, red), (m.orange, orange), (m.yellow, yellow)] where count > 0 {
                let segH = plotH * Double(count) / Double(scale.max)
                s += rect(cx - colW / 2, y - segH, colW, segH, color)
                y -= segH
            }
            let totalLabel = num(totals[i])
            if textWidth(totalLabel, size: 11) <= slot - 2 {
                s += text(
                    cx, y - 5, totalLabel, size: 11, anchor: "middle", fill: totals[i] == 0 ? muted : ink,
                    weight: "600")
            }
            if i % labelEvery == 0 {
                s += text(cx, bottom + 16, m.month, size: 11, anchor: "middle", fill: muted)
            }
            s += "</g>\n"
        }
        return s + "</svg>\n"
    }

    // MARK: Review of damaged IDs (RULES.md §11)

    /// Nothing when every count is zero (a county without damaged IDs keeps its page as it was).
    static func reviewTable(_ r: [(feed: String, pending: Int, confirmed: Int, denied: Int)]) -> String {
        guard r.contains(where: { $0.pending + $0.confirmed + $0.denied > 0 }) else { return "" }
        var s = "<section class=\"block\">\n<h2>疑似匹配复核（身份证号受损或不在花名册的记录）</h2>\n"
        s += "<table class=\"quality\">\n<thead><tr><th>部门数据</th><th>本月待复核记录</th><th>累计确认记录</th><th>累计否认候选</th></tr></thead>\n<tbody>\n"
        for x in r {
            s += "<tr><td>\(esc(x.feed))</td><td>\(num(x.pending))</td><td>\(num(x.confirmed))</td><td>\(num(x.denied))</td></tr>\n"
        }
        return s + "</tbody>\n</table>\n<p class=\"empty\">清单见 review/疑似匹配.xlsx：确认或否认后放入 inbox/review/。</p>\n</section>\n"
    }

    // MARK: Data quality

    /// RULES.md §13: per town, the cases in 预警 past the verification deadline.
    static func overdueTable(_ towns: [(town: String, count: Int)]) -> String {
        var s = "<section class=\"block\">\n<h2>核查超期（按乡镇）</h2>\n"
        guard !towns.isEmpty else { return s + "<p class=\"empty\">花名册中没有乡镇。</p>\n</section>\n" }
        let total = towns.reduce(0) { $0 + $1.count }
        s += "<table class=\"quality overdue\">\n<thead><tr><th>乡镇</th><th>超期未核查户数</th></tr></thead>\n<tbody>\n"
        for t in towns {
            s +=
                "<tr><td>\(esc(t.town))</td>" + (t.count == 0 ? "<td class=\"zero\">0</td>" : "<td class=\"bad\">\(num(t.count))</td>")
                + "</tr>\n"
        }
        s += "<tr class=\"sum\"><td>合计</td><td>\(num(total))</td></tr>\n</tbody>\n</table>\n"
        return s + "<p class=\"note\">预警后超过核查期限仍无核查结论（待核除外）的户，明细见 overdue.csv</p>\n</section>\n"
    }

    /// RULES.md §13: per trigger, the monitoring year's alerts confirmed and rejected on verification, sorted by
    /// the confirmation rate (highest first; triggers without a returned finding last), then by code.
    static func precisionTable(_ rows: [(code: String, precision: RulePrecision)]) -> String {
        var s = "<section class=\"block\">\n<h2>各触发规则核查确认率（本监测年度）</h2>\n"
        guard !rows.isEmpty else { return s + "<p class=\"empty\">没有触发规则。</p>\n</section>\n" }
        let sorted = rows.sorted { a, b in
            switch (a.precision.rate, b.precision.rate) {
            case (let x?, let y?) where x != y: return Double(x)! > Double(y)!
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.code < b.code
            }
        }
        s += "<table class=\"quality precision\">\n<thead><tr><th>触发规则</th><th>确认纳入</th><th>不予纳入</th><th>确认率</th></tr></thead>\n<tbody>\n"
        for r in sorted {
            let p = r.precision
            s += "<tr><td>\(esc(Triggers.riskType(r.code)))（\(esc(r.code))）</td><td>\(num(p.confirmed))</td><td>\(num(p.rejected))</td>"
            s += (p.rate.map { "<td>\($0)</td>" } ?? "<td class=\"zero\">—</td>") + "</tr>\n"
        }
        return s + "</tbody>\n</table>\n<p class=\"note\">每条预警按其最近一次核查结论计一次，预警带有的每个触发规则各计一次</p>\n</section>\n"
    }

    static func qualityTable(_ q: [FeedQuality]) -> String {
        var s = "<section class=\"block\">\n<h2>数据质量（各部门数据）</h2>\n"
        guard !q.isEmpty else { return s + "<p class=\"empty\">本次运行没有部门数据。</p>\n</section>\n" }
        s += "<table class=\"quality\">\n<thead><tr><th>部门数据</th><th>文件数</th><th>拒收</th><th>重复</th>"
        s += "<th>读取行数</th><th>接收</th><th>隔离</th><th>未匹配</th><th>接收率 %</th></tr></thead>\n<tbody>\n"
        func row(_ name: String, _ r: FeedQuality, sum: Bool) -> String {
            func cell(_ v: Int, bad: String? = nil) -> String {
                if v == 0 { return "<td class=\"zero\">0</td>" }
                if let bad { return "<td class=\"\(bad)\">\(num(v))</td>" }
                return "<td>\(num(v))</td>"
            }
            var t = "<tr\(sum ? " class=\"sum\"" : "")><td>\(esc(name))</td>"
            t += cell(r.files) + cell(r.rejected, bad: "bad") + cell(r.duplicates) + cell(r.rowsRead)
            t += cell(r.accepted) + cell(r.quarantined, bad: "warn") + cell(r.unmatched, bad: "warn")
            if r.rowsRead > 0 {
                let shown = rate(r.accepted, of: r.rowsRead)
                let ratio = Double(r.accepted) / Double(r.rowsRead)
                let barPct = ratio.isFinite ? min(100, max(0, Int((ratio * 100).rounded()))) : 0
                let color = ratio >= 0.95 ? "#27ae60" : ratio >= 0.8 ? "#e67e22" : "#c0392b"
                t += "<td>\(shown)<span class=\"rate\"><i style=\"width:\(barPct)%;background:\(color)\"></i></span></td>"
            } else {
                t += "<td class=\"zero\">—</td>"
            }
            return t + "</tr>\n"
        }
        for r in q { s += row(r.feed, r, sum: false) }
        if q.count > 1 {
            let sum = q.reduce(
                into: FeedQuality(
                    feed: "合计", files: 0, rejected: 0, duplicates: 0, rowsRead: 0,
                    accepted: 0, quarantined: 0, unmatched: 0)
            ) { a, r in
                a.files += r.files; a.rejected += r.rejected; a.duplicates += r.duplicates
                a.rowsRead += r.rowsRead; a.accepted += r.accepted; a.quarantined += r.quarantined
                a.unmatched += r.unmatched
            }
            s += row("合计", sum, sum: true)
        }
        return s + "</tbody>\n</table>\n</section>\n"
    }

    static func rejectedList(_ files: [(file: String, reason: String)]) -> String {
        var s = "<section class=\"block\">\n<h2>拒收文件</h2>\n"
        guard !files.isEmpty else { return s + "<p class=\"empty\">本次运行没有拒收文件。</p>\n</section>\n" }
        s += "<table class=\"rejected\">\n<thead><tr><th>文件</th><th>原因</th></tr></thead>\n<tbody>\n"
        for r in files {
            s += "<tr><td class=\"file\">\(esc(r.file))</td><td>\(esc(r.reason))</td></tr>\n"
        }
        return s + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: Helpers

    /// Escapes text for HTML content and quoted attribute values.
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab/newline are not allowed in HTML text.
                if c.value < 0x20 && c != "\t" && c != "\n" || c.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// An integer with thousands separators: 123456 → "123,456".
    static func num(_ v: Int) -> String {
        let digits = String(v.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return v < 0 ? "-" + out : out
    }

    /// part / whole as a percentage with one decimal, rounded half up; "0.0" when whole is 0.
    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0.0" }
        let p = Double(part) * 100 / Double(whole)
        guard p.isFinite else { return "0.0" }
        let tenths = Int((p * 10).rounded(.toNearestOrAwayFromZero))
        return "\(tenths < 0 ? "-" : "")\(num(abs(tenths) / 10)).\(abs(tenths) % 10)"
    }

    /// An acceptance rate in percent with one decimal, truncated, so that "100.0" means every row.
    static func rate(_ part: Int, of whole: Int) -> String {
        guard whole > 0, part >= 0 else { return "0.0" }
        let tenths = Int(min(Double(part) * 1000 / Double(whole), 1_000_000_000).rounded(.down))
        let exact = part.multipliedReportingOverflow(by: 1000)
        // Integer arithmetic when it cannot overflow (exact truncation), else the double.
        let t = exact.overflow ? tenths : exact.partialValue / whole
        return "\(num(t / 10)).\(t % 10)"
    }

    /// A coordinate with at most one decimal; never NaN or infinite.
    static func f(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let tenths = Int((x * 10).rounded(.toNearestOrAwayFromZero))
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
    }

    /// Axis maximum and tick step, integers, step 1/2/5 × 10ⁿ; never zero.
    static func niceScale(_ maxValue: Int, ticks: Int = 5) -> (max: Int, step: Int) {
        guard maxValue > 0 else { return (1, 1) }
        var magnitude = 1
        while true {
            for m in [1, 2, 5] {
                let step = m * magnitude
                if step * ticks >= maxValue {
                    return ((maxValue + step - 1) / step * step, step)
                }
            }
            magnitude *= 10
        }
    }

    /// Approximate rendered width: CJK and full-width characters 1 em, others ~0.6 em.
    static func textWidth(_ s: String, size: Double) -> Double {
        s.unicodeScalars.reduce(0) { $0 + (isWide($1) ? size : size * 0.6) }
    }

    static func isWide(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// Shortens a label to fit `width`, ending it with "…" (the full name stays in the tooltip).
    static func truncate(_ s: String, width: Double, size: Double) -> String {
        guard textWidth(s, size: size) > width else { return s }
        var out = ""
        var used = size * 0.6 + size  // room for the ellipsis
        for ch in s {
            let cw = textWidth(String(ch), size: size)
            if used + cw > width { break }
            out.append(ch)
            used += cw
        }
        return out + "…"
    }
}
