import FangfanTestSupport
import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §12's third bullet through the built command: the feeds `education`, `housing`, `water` (the samples
/// of fixtures/samples/basic-needs beside the clean samples), their triggers at level orange, their counts in the
/// summary, the lists and the report, and §7's elimination suggestion withheld by one of them. Expected values
/// worked out by hand from the samples (see fixtures/samples/README.md).
final class BasicNeedsEndToEndTests: XCTestCase {
    struct Alert: Decodable, HouseholdKeyed {
        var household_id: String; var level: String; var triggers: [String]; var category: String
        var evidence: [Evidence]; var suggested: [String]; var risk_types: [String]
    }
    struct Evidence: Decodable { var trigger: String; var source: String; var text: String }

    /// 和安镇 旧寨村: 杨静丽 (born 2006-01-12) 辍学 on 2021-03-15, 15 years old, no 复学. 23785.02 a person.
    let schooling = "4408250040020000"
    /// 西连镇 田上村: rated D级 on 2021-02-20, 未改造. 22138.34 a person.
    let housing = "4408250070020000"
    /// 城北乡 小港村: 水质不达标 未解决 since 2021-01-08 (its 取水不便 was solved on 2021-03-02). 15558.81 a person.
    let water = "4408250170090000"
    /// 锦和镇 南园村: quiet all period (23574.48 a person), labour 普通劳动力.
    let quiet = "4408250050020000"

    func summary(_ s: Sandbox) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: s.out.appendingPathComponent("2021-05/summary.json"))) as! [String: Any]
    }

    func text(_ s: Sandbox, _ rel: String) throws -> String {
        try String(contentsOf: s.out.appendingPathComponent("2021-05/" + rel), encoding: .utf8)
    }

    func testSamplesWarnOrangeCountAndWithholdTheEliminationSuggestion() throws {
        let s = try Sandbox("basic-needs")
        defer { s.remove() }
        let clean = try Sandbox.oracleLines(Sandbox.repo.appendingPathComponent("fixtures/oracle/clean-2021-05.alerts.csv"))

        // 1. The clean samples alone: nothing of §12's feeds shows anywhere.
        try s.fill(from: Sandbox.samples.appendingPathComponent("clean"))
        XCTAssertEqual(try s.run(["run", "--month", "2021-05", "--quiet"]).status, 0)
        XCTAssertEqual(try s.alertLines("2021-05"), clean)
        let before = try summary(s)
        let beforeTriggers = (before["alerts"] as! [String: Any])["by_trigger"] as! [String: Int]
        XCTAssertEqual(
            Set(beforeTriggers.keys),
            ["illness", "disaster", "spending_surge", "income_drop", "disability", "aid_change", "declared", "forecast"])
        XCTAssertNil((before["unmatched"] as! [String: Int])["education"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.out.appendingPathComponent("2021-05/unmatched/water.csv").path))
        XCTAssertFalse(try text(s, "report.html").contains("控辍保学"))

        // 2. Two households monitored since 2020-11 with a measure, at or above the line and without a trigger in
        // every month since: by May, six evaluated months. One of them (城北乡) has a water problem unsolved.
        do {
            let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
            let roster = try RosterIndex(store: try StagedStore(layout: StateLayout(root: s.state.path)))
            let chosen = try [water, quiet].map { id in try XCTUnwrap(roster.households.first { $0.id.description == id }) }
            try ledger.recordMonth(
                "2020-11", run: "setup",
                alerts: chosen.map { h in
                    LedgerAlert(
                        alertId: "YJ2020-\(h.id)-01", householdId: h.id.description, town: h.town, village: h.village,
                        month: "2020-11", level: .red, triggers: ["illness"], householdType: "一般农户")
                }, evaluations: [])
            for h in chosen {
                _ = try ledger.applyFinding(
                    Finding(
                        alertId: "YJ2020-\(h.id)-01", householdId: h.id.description, kind: .include,
                        verifiedBy: "王村干", verifiedOn: "2020-12-05", measures: ["就业帮扶"]),
                    source: "setup")
            }
            for m in ["2020-12", "2021-01", "2021-02", "2021-03", "2021-04"] {
                try ledger.recordMonth(
                    m, run: "setup", alerts: [],
                    evaluations: chosen.map {
                        LedgerEvaluation(householdId: $0.id.description, month: m, atOrAboveLine: true, triggered: false)
                    })
            }
        }

        // 3. The 三保障 and drinking-water files arrive; May again.
        try s.fill(from: Sandbox.samples.appendingPathComponent("basic-needs"))
        let r = try s.run(["run", "--month", "2021-05", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // the clean alerts, and one orange alert for each trigger (each alone would be yellow: not near 11520.00)
        XCTAssertEqual(
            try s.alertLines("2021-05"),
            (clean + ["\(schooling),orange,schooling", "\(housing),orange,housing", "\(water),orange,water"]).sorted())
        let alerts = try s.alerts("2021-05", as: Alert.self)
        let a = try XCTUnwrap(alerts[schooling]), b = try XCTUnwrap(alerts[housing]), c = try XCTUnwrap(alerts[water])
        XCTAssertEqual(a.evidence.map(\.text), ["控辍保学：成员 杨静丽（15 岁）2021-03-15 辍学（和安镇中学），至 2021-05-31 无复学登记"])
        XCTAssertEqual(a.suggested, ["其他帮扶（控辍保学、教育资助）"])
        XCTAssertEqual(a.risk_types, ["因学辍学"])
        XCTAssertEqual(a.category, "边缘易致贫户")
        // the CSV's D 2021-02-20 未改造 (another household's C级 was superseded by an A, and a D re-sent 已改造 in
        // the XLSX naming another member replaced the CSV's record: neither fires)
        XCTAssertEqual(b.evidence.map(\.text), ["农村住房安全：2021-02-20 鉴定为 D 级危房，改造状态 未改造"])
        XCTAssertEqual(b.suggested, ["综合保障（危房改造）"])
        XCTAssertEqual(c.evidence.map(\.text), ["农村饮水安全：水质不达标（2021-01-08 登记）未解决"])
        XCTAssertEqual(c.suggested, ["其他帮扶（饮水工程）"])
        XCTAssertEqual(c.category, "在监测")

        // the summary counts them, and every row of the new files is accounted for
        let sum = try summary(s)
        let byTrigger = (sum["alerts"] as! [String: Any])["by_trigger"] as! [String: Int]
        XCTAssertEqual(byTrigger["schooling"], 1)
        XCTAssertEqual(byTrigger["housing"], 1)
        XCTAssertEqual(byTrigger["water"], 1)
        let precision = (sum["findings"] as! [String: Any])["by_trigger"] as! [String: Any]
        XCTAssertNotNil(precision["schooling"])
        XCTAssertEqual((sum["unmatched"] as! [String: Int])["education"], 1)
        let files = (sum["files"] as! [[String: Any]]).filter { ["education", "housing", "water"].contains($0["feed"] as! String) }
        XCTAssertEqual(
            files.map { "\($0["file"]!) \($0["rows_read"]!) \($0["accepted"]!) \($0["quarantined"]!) \($0["replaced"]!)" },
            [
                "education/控辍保学_2021春季.csv 8 5 3 0", "education/控辍保学_复学补报.xlsx 1 1 0 0",
                "housing/农村住房安全鉴定_2021.csv 7 4 3 0", "housing/农村住房安全鉴定_更正.xlsx 1 1 0 0",
                "water/农村饮水安全_2021.csv.gz 8 5 3 0",
            ])
        XCTAssertEqual(files[1]["extra_columns"] as? [String], ["备注"])
        let unmatched = try Data(contentsOf: s.out.appendingPathComponent("2021-05/unmatched/education.csv"))
        XCTAssertEqual(
            String(decoding: unmatched, as: UTF8.self),
            "\u{FEFF}person_id,name,school,status,date\n440825199001011232,林某,城北小学,辍学,2021-03-01\n")

        // bad input: the quarantine, with the spec's reason codes and the messages a data officer reads
        let quarantine = try text(s, "quarantine.csv").split(separator: "\n").filter {
            $0.hasPrefix("education/") || $0.hasPrefix("housing/") || $0.hasPrefix("water/")
        }
        XCTAssertEqual(
            quarantine,
            [
                "education/控辍保学_2021春季.csv,6,登记日期,2021-02-30,bad_date,日期不存在（如 2 月 30 日），请核对原始记录",
                "education/控辍保学_2021春季.csv,7,状态,休学,bad_enum,取值不在规定范围内（应为：疑似辍学、辍学、复学）",
                "education/控辍保学_2021春季.csv,8,学生身份证号,440825200601123664,id_check_char,身份证号校验位不符（第 18 位），可能录入有误",
                "housing/农村住房安全鉴定_2021.csv,6,鉴定等级,E,bad_enum,取值不在规定范围内（应为：A、B、C、D）",
                "housing/农村住房安全鉴定_2021.csv,7,鉴定日期,去年三月,bad_date,日期无法识别，应为 2021-05-03、2021/5/3、20210503 或 2021年5月3日 等写法",
                "housing/农村住房安全鉴定_2021.csv,8,户主身份证号,4.40825E+17,id_scientific_notation,身份证号被电子表格改成了科学计数法（如 4.40825E+17），号码已损坏：请在原系统中把该列设为文本格式后重新导出",
                "water/农村饮水安全_2021.csv.gz,7,状态,处理中,bad_enum,取值不在规定范围内（应为：未解决、已解决）",
                "water/农村饮水安全_2021.csv.gz,8,登记日期,2021-13-01,bad_date,日期不存在（如 2 月 30 日），请核对原始记录",
                "water/农村饮水安全_2021.csv.gz,9,户主身份证号,44082519650922424,id_length,身份证号应为 18 位（或 15 位旧号），实际为 17 个字符",
            ])

        // the town lists: the row of each, orange, with its risk type (CSV and XLSX)
        let listA = try text(s, "towns/和安镇.csv").split(separator: "\n")
        XCTAssertTrue(listA.contains { $0.contains(schooling) && $0.contains("橙色") && $0.contains("因学辍学") }, "\(listA)")
        let rows = try XLSXReader.firstSheetRows(path: s.out.appendingPathComponent("2021-05/towns/西连镇.xlsx").path).map { row in
            row.cells.map { cell -> String in
                if case .text(let t)? = cell { return t }
                return ""
            }
        }
        XCTAssertTrue(
            rows.contains { $0.contains(housing) && $0.contains("橙色（重点关注）") && $0.contains("住房安全") }, "\(rows)")

        // the report: risk types, the feeds' data quality, the rule-precision table
        let report = try text(s, "report.html")
        for t in ["因学辍学", "住房安全", "饮水安全", "控辍保学", "农村住房安全", "农村饮水安全", "因学辍学（schooling）"] {
            XCTAssertTrue(report.contains(t), t)
        }

        // §7 with §12: the quiet household is suggested for 风险已消除; the one with the unsolved water problem is not
        let ledger = try Ledger(path: s.state.appendingPathComponent("ledger.sqlite").path)
        XCTAssertEqual(try ledger.eliminationSuggested(month: "2021-05"), [quiet])
        XCTAssertTrue(try text(s, "towns/锦和镇.csv").split(separator: "\n").contains { $0.contains(quiet) && $0.contains("建议标注风险已消除") })
        XCTAssertFalse(try text(s, "towns/城北乡.csv").contains("建议标注风险已消除"))
    }

    /// A county generated with the three feeds (gen.py --basic-needs, seed 7, 300 households) gives the alerts that
    /// tools/oracle.py computes from the rules, independently, in DuckDB SQL: fixtures/oracle/gen-basic-needs-2021-05.alerts.csv,
    /// made by `python3 tools/gen.py --seed 7 --households 300 --basic-needs --out DIR` and
    /// `python3 tools/oracle.py --inbox DIR --month 2021-05 --out …` (24 of its 79 alerts carry a §12 trigger).
    func testAGeneratedCountyAgreesWithTheOracle() throws {
        let s = try Sandbox("basic-needs-gen")
        defer { s.remove() }
        try python(["tools/gen.py", "--seed", "7", "--households", "300", "--basic-needs", "--quiet", "--out", s.inbox.path])
        try s.age(s.inbox)
        XCTAssertEqual(try s.run(["run", "--month", "2021-05", "--quiet"]).status, 0)
        let expected = try Sandbox.oracleLines(Sandbox.repo.appendingPathComponent("fixtures/oracle/gen-basic-needs-2021-05.alerts.csv"))
        XCTAssertEqual(expected.filter { $0.contains("schooling") || $0.contains("housing") || $0.contains("water") }.count, 24)
        XCTAssertEqual(try s.alertLines("2021-05"), expected)

        // the same county under the rolling twelve months (education counts from 2020-06; housing and water as
        // before, up to 2021-05-31): fixtures/oracle/gen-basic-needs-rolling12-2021-05.alerts.csv, made by the
        // oracle with --period rolling_12
        let r = try Sandbox("basic-needs-gen-rolling")
        defer { r.remove() }
        try python(["tools/gen.py", "--seed", "7", "--households", "300", "--basic-needs", "--quiet", "--out", r.inbox.path])
        try r.age(r.inbox)
        let config = try r.shippedConfig("rolling.toml", replacing: [("period = \"plan_2021\" ", "period = \"rolling_12\" ")])
        XCTAssertEqual(try r.run(["run", "--month", "2021-05", "--quiet"], config: config.path).status, 0)
        let rolling = try Sandbox.oracleLines(
            Sandbox.repo.appendingPathComponent("fixtures/oracle/gen-basic-needs-rolling12-2021-05.alerts.csv"))
        XCTAssertNotEqual(rolling, expected)
        XCTAssertEqual(try r.alertLines("2021-05"), rolling)
    }
}
