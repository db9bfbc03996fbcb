import Foundation

/// Reads the TOML tables into a `PipelineConfig`, naming the key and file of every mistake.
struct ConfigReader {
    let file: String
    let base: String

    func fail(_ key: String, _ message: String, line: Int? = nil) -> ConfigError {
        ConfigError(file: file, key: key + (line.map { " (line \($0))" } ?? ""), message: message)
    }

    func resolve(_ p: String) -> String {
        p.hasPrefix("/") ? p : URL(fileURLWithPath: base).appendingPathComponent(p).standardizedFileURL.path
    }

    func checkKeys(_ t: TOMLTable, _ prefix: String, _ allowed: Set<String>) throws {
        for k in t.keys where !allowed.contains(k) {
            throw fail(
                prefix.isEmpty ? k : prefix + "." + k, "unknown key (allowed here: \(allowed.sorted().joined(separator: ", ")))",
                line: t.line(of: k))
        }
    }

    func table(_ t: TOMLTable, _ key: String, _ path: String) throws -> TOMLTable? {
        guard let v = t[key] else { return nil }
        guard case .table(let s) = v else { throw fail(path, "must be a table", line: t.line(of: key)) }
        return s
    }

    func string(_ t: TOMLTable, _ key: String, _ path: String) throws -> String? {
        guard let v = t[key] else { return nil }
        guard case .string(let s) = v else { throw fail(path, "must be a string", line: t.line(of: key)) }
        return s
    }

    func integer(_ t: TOMLTable, _ key: String, _ path: String) throws -> Int? {
        guard let v = t[key] else { return nil }
        guard case .integer(let i) = v else { throw fail(path, "must be an integer", line: t.line(of: key)) }
        return Int(i)
    }

    func bool(_ t: TOMLTable, _ key: String, _ path: String) throws -> Bool? {
        guard let v = t[key] else { return nil }
        guard case .bool(let b) = v else { throw fail(path, "must be true or false", line: t.line(of: key)) }
        return b
    }

    func ratio(_ t: TOMLTable, _ key: String, _ path: String) throws -> Ratio? {
        guard let v = t[key] else { return nil }
        switch v {
        case .integer(let i) where i >= 0: return Ratio(i, 1)
        case .decimal(let s):
            if let r = Ratio.parse(s) { return r }
        default: break
        }
        throw fail(path, "must be a non-negative decimal number such as 0.5", line: t.line(of: key))
    }

    func money(_ t: TOMLTable, _ key: String, _ path: String) throws -> Money? {
        guard let v = t[key] else { return nil }
        var literal = ""
        switch v {
        case .integer(let i): return Money(yuan: i)
        case .decimal(let s): literal = s
        case .string(let s): literal = s
        default: break
        }
        if case .success(let m?) = Money.parse(Array(literal.utf8), sign: .nonNegative) { return m }
        throw fail(path, "must be an amount in yuan such as 9600 or 9600.00", line: t.line(of: key))
    }

    func read(_ root: TOMLTable) throws -> PipelineConfig {
        try checkKeys(root, "", ["paths", "ingest", "lines", "rules", "feeds", "output", "county", "ledger"])
        var c = PipelineConfig(file: file, inbox: resolve("inbox"), state: resolve("state"), out: resolve("out"))
        if let p = try table(root, "paths", "paths") {
            try checkKeys(p, "paths", ["inbox", "state", "out"])
            if let s = try string(p, "inbox", "paths.inbox") { c.inbox = resolve(s) }
            if let s = try string(p, "state", "paths.state") { c.state = resolve(s) }
            if let s = try string(p, "out", "paths.out") { c.out = resolve(s) }
        }
        if let i = try table(root, "ingest", "ingest") {
            try checkKeys(i, "ingest", ["settle_seconds", "max_inflated_mb", "max_inflate_ratio", "max_field_bytes", "max_fields"])
            if let v = try integer(i, "settle_seconds", "ingest.settle_seconds") { c.settleSeconds = v }
            if let v = try integer(i, "max_inflated_mb", "ingest.max_inflated_mb") { c.inflate.maxInflatedBytes = v << 20 }
            if let v = try integer(i, "max_inflate_ratio", "ingest.max_inflate_ratio") { c.inflate.maxRatio = v }
            if let v = try integer(i, "max_field_bytes", "ingest.max_field_bytes") { c.csv.maxFieldBytes = v }
            if let v = try integer(i, "max_fields", "ingest.max_fields") { c.csv.maxFields = v }
        }
        if let v = try string(root, "county", "county") {
            guard Ledger.isCounty(v) else {
                throw fail(
                    "county", "the county's code is six digits (the first six of its household numbers)", line: root.line(of: "county"))
            }
            c.county = v
        }
        if let l = try table(root, "ledger", "ledger") {
            try checkKeys(l, "ledger", ["url"])
            if let u = try string(l, "url", "ledger.url") { c.ledgerURL = try LedgerURL(u, file: file, key: "ledger.url") }
        }
        if let o = try table(root, "output", "output") {
            try checkKeys(o, "output", ["unmasked_ids"])
            if let b = try bool(o, "unmasked_ids", "output.unmasked_ids") { c.unmaskedLists = b }
        }
        if let l = try table(root, "lines", "lines") {
            for key in l.keys {
                let path = "lines.\(key)"
                guard let year = Int(key), year >= 2000, year <= 2100 else {
                    throw fail(path, "a monitoring year such as 2021 is expected", line: l.line(of: key))
                }
                guard let t = try table(l, key, path) else { continue }
                try checkKeys(t, path, ["line", "floor"])
                guard let line = try money(t, "line", path + ".line") else { throw fail(path + ".line", "missing") }
                guard let floor = try money(t, "floor", path + ".floor") else { throw fail(path + ".floor", "missing") }
                c.lines[year] = MonitoringLine(year: year, configured: line, floor: floor)
            }
        }
        if let r = try table(root, "rules", "rules") {
            try checkKeys(
                r, "rules",
                [
                    "near_factor", "illness_prev_ratio", "illness_bar_fragile", "illness_bar_general",
                    "disaster_prev_ratio", "income_drop_ratio", "disability_age_min",
                    "disability_age_max", "elimination_months", "forecast",
                    "forecast_recent_months", "verify_days", "sudden_hardship", "period",
                    "schooling_age_min", "schooling_age_max",
                ])
            if let v = try ratio(r, "near_factor", "rules.near_factor") { c.rules.nearFactor = v }
            if let v = try ratio(r, "illness_prev_ratio", "rules.illness_prev_ratio") { c.rules.illnessPrevRatio = v }
            if let v = try money(r, "illness_bar_fragile", "rules.illness_bar_fragile") { c.rules.illnessBarFragile = v }
            if let v = try money(r, "illness_bar_general", "rules.illness_bar_general") { c.rules.illnessBarGeneral = v }
            if let v = try ratio(r, "disaster_prev_ratio", "rules.disaster_prev_ratio") { c.rules.disasterPrevRatio = v }
            if let v = try ratio(r, "income_drop_ratio", "rules.income_drop_ratio") { c.rules.incomeDropRatio = v }
            if let v = try integer(r, "disability_age_min", "rules.disability_age_min") { c.rules.disabilityAgeMin = v }
            if let v = try integer(r, "disability_age_max", "rules.disability_age_max") { c.rules.disabilityAgeMax = v }
            if let v = try integer(r, "elimination_months", "rules.elimination_months") { c.rules.eliminationMonths = v }
            if let v = try integer(r, "schooling_age_min", "rules.schooling_age_min") { c.rules.schoolingAgeMin = v }
            if let v = try integer(r, "schooling_age_max", "rules.schooling_age_max") { c.rules.schoolingAgeMax = v }
            if let v = try bool(r, "forecast", "rules.forecast") { c.rules.forecast = v }
            if let v = try bool(r, "sudden_hardship", "rules.sudden_hardship") { c.rules.suddenHardship = v }
            if let v = try string(r, "period", "rules.period") {
                guard let kind = MonitoringPeriod.Kind(rawValue: v) else {
                    throw fail(
                        "rules.period", "must be \"plan_2021\" or \"rolling_12\" (§12), not \"\(v)\"",
                        line: r.line(of: "period"))
                }
                c.rules.period = kind
            }
            if let v = try integer(r, "verify_days", "rules.verify_days") {
                guard (0...366).contains(v) else { throw fail("rules.verify_days", "must be a number of days from 0 to 366") }
                c.rules.verifyDays = v
            }
            if let v = try integer(r, "forecast_recent_months", "rules.forecast_recent_months") {
                // n + 1 ≤ k ≤ 11: with n > 10 no month could ever be forecast
                guard (1...10).contains(v) else {
                    throw fail(
                        "rules.forecast_recent_months", "must be 1 to 10 (the recent months of §9)",
                        line: r.line(of: "forecast_recent_months"))
                }
                c.rules.forecastRecentMonths = v
            }
        }
        let feeds = try table(root, "feeds", "feeds") ?? TOMLTable()
        try checkKeys(feeds, "feeds", Set(FeedKind.allCases.map(\.rawValue)))
        for kind in FeedKind.allCases {
            let path = "feeds.\(kind.rawValue)"
            guard let t = try table(feeds, kind.rawValue, path) else {
                // the review list comes back with the headers fangfan printed on it: a configuration written
                // before the feed existed takes them as they are
                if kind == .review { c.feeds[kind] = FeedConfig.reviewReference; continue }
                // so do the feeds of RULES.md §12, in FEEDS.md's reference layout
                if FeedKind.basicNeeds.contains(kind) { c.feeds[kind] = FeedConfig.basicNeedsReference(kind); continue }
                throw fail(path, "the feed is not configured (every feed of docs/feeds.md needs its folder and headers)")
            }
            c.feeds[kind] = try readFeed(kind, t, path)
        }
        return c
    }

    func readFeed(_ kind: FeedKind, _ t: TOMLTable, _ path: String) throws -> FeedConfig {
        try checkKeys(t, path, ["folder", "encoding", "csv", "xml", "values"])
        let schema = kind.schema
        let names = Set(schema.fields.map(\.name))
        let folder = try string(t, "folder", path + ".folder") ?? kind.rawValue
        var encoding = TextEncoding.auto
        if let e = try string(t, "encoding", path + ".encoding") {
            guard let v = TextEncoding(rawValue: e.lowercased()) else {
                throw fail(path + ".encoding", "must be auto, utf-8 or gb18030", line: t.line(of: "encoding"))
            }
            encoding = v
        }
        var headers: [String: [String]] = [:]
        if let h = try table(t, "csv", path + ".csv") {
            try checkKeys(h, path + ".csv", names)
            for k in h.keys {
                switch h[k]! {
                case .string(let s): headers[k] = [s]
                case .array(let a):
                    headers[k] = try a.map {
                        guard case .string(let s) = $0 else { throw fail("\(path).csv.\(k)", "headers must be strings") }
                        return s
                    }
                default: throw fail("\(path).csv.\(k)", "must be a header name or a list of header names", line: h.line(of: k))
                }
            }
            for f in schema.fields where headers[f.name] == nil {
                throw fail("\(path).csv.\(f.name)", "no CSV header is configured for this field")
            }
        }
        var xml: XMLFeedConfig?
        if let x = try table(t, "xml", path + ".xml") {
            try checkKeys(x, path + ".xml", ["root", "record", "count", "fields"])
            guard let rootName = try string(x, "root", path + ".xml.root") else { throw fail(path + ".xml.root", "missing") }
            guard let record = try string(x, "record", path + ".xml.record") else { throw fail(path + ".xml.record", "missing") }
            var fields: [String: String] = [:]
            if let f = try table(x, "fields", path + ".xml.fields") {
                try checkKeys(f, path + ".xml.fields", names)
                for k in f.keys { fields[k] = try string(f, k, "\(path).xml.fields.\(k)") }
            }
            xml = XMLFeedConfig(
                root: rootName, record: record,
                countAttribute: try string(x, "count", path + ".xml.count"), fields: fields)
        }
        var values: [String: [String: String]] = [:]
        if let v = try table(t, "values", path + ".values") {
            try checkKeys(v, path + ".values", names)
            for k in v.keys {
                guard let m = try table(v, k, "\(path).values.\(k)") else { continue }
                var map: [String: String] = [:]
                for raw in m.keys { map[raw] = try string(m, raw, "\(path).values.\(k).\(raw)") }
                values[k] = map
            }
        }
        return FeedConfig(kind: kind, folder: folder, encoding: encoding, headers: headers, xml: xml, values: values)
    }
}
