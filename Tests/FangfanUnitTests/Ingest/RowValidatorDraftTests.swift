import XCTest

@testable import FangfanCore

/// The validator drafts each row in memory of its own (`RowDraft`) and hands the caller's `NormalizedRow` the
/// finished row: the staged line must be what `CSVOut.appendRow` writes for the normalised values, whatever
/// came before it on the same validator (a longer row, a row that failed half-way), and text is staged as it is
/// only when `Text.staging` says so.
final class RowValidatorDraftTests: XCTestCase {
    private let validator = RowValidator(
        feed: FeedConfig(kind: .medical, folder: "medical", encoding: .auto, headers: [:], xml: nil, values: [:]),
        today: Day(year: 2021, month: 6, day: 2)!)
    private let person = "440825197503182614"

    /// A medical row: settlement, kind, reverses, person, name, visit type, hospital, admitted, discharged,
    /// settled, total, fund, critical, assistance, out of pocket.
    private func medical(_ values: [String]) -> (problem: RowProblem?, line: String) {
        let bytes = values.map { Array($0.utf8) }
        var row = NormalizedRow()
        let problem = withRaw(bytes) { raw in validator.validate(raw, into: &row) }
        var out: [UInt8] = []
        row.appendLine(to: &out)
        return (problem, String(decoding: out, as: UTF8.self))
    }

    private func withRaw<R>(_ fields: [[UInt8]], _ body: ((Int) -> RawField?) -> R) -> R {
        let pointers = fields.map { f -> UnsafeMutableBufferPointer<UInt8> in
            let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(f.count, 1))
            _ = p.initialize(from: f)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        return body { i in i < fields.count ? RawField(rebasing: pointers[i][0..<fields[i].count]) : nil }
    }

    private func expectedLine(_ values: [String]) -> String {
        var out: [UInt8] = []
        CSVOut.appendRow(&out, values)
        return String(decoding: out, as: UTF8.self)
    }

    func testRowsOfAnyLengthAfterEachOther() {
        let long = String(repeating: "徐闻县人民医院", count: 200)  // 4,200 bytes: past the first block of 1,024
        let rows: [([String], [String])] = [
            (
                ["JS1", "正常", "", person, " 杨强 ", "住院", "医院", "2021-03-01", "2021-03-05", "2021-03-05", "100", "60", "", "0", "40.00"],
                [
                    "JS1", "正常", "", person, "杨强", "住院", "医院", "2021-03-01", "2021-03-05", "2021-03-05", "100.00", "60.00", "0.00", "0.00",
                    "40.00",
                ]
            ),
            (
                ["JS2", "正常", "", person, "杨强", "普通门诊", long, "", "", "2021-03-06", "1.50", "1.50", "0", "0", "0"],
                ["JS2", "正常", "", person, "杨强", "普通门诊", long, "", "", "2021-03-06", "1.50", "1.50", "0.00", "0.00", "0.00"]
            ),
            (
                ["JS3", "冲销", "JS1", person, "杨强", "", "a", "", "", "2021-03-09", "-100.00", "-60.00", "0.00", "0.00", "-40.00"],
                ["JS3", "冲销", "JS1", person, "杨强", "", "a", "", "", "2021-03-09", "-100.00", "-60.00", "0.00", "0.00", "-40.00"]
            ),
        ]
        // twice over: the long row's larger block is kept and the short rows after it are whole
        for (raw, normal) in rows + rows {
            let (problem, line) = medical(raw)
            XCTAssertNil(problem, "\(raw[0])")
            XCTAssertEqual(line, expectedLine(normal), "\(raw[0])")
        }
    }

    func testTextIsQuotedOrNormalisedAsNeeded() {
        let base = ["JS4", "正常", "", person, "杨强", "普通门诊", "", "", "", "2021-03-06", "1.00", "1.00", "0", "0", "0"]
        for (hospital, staged) in [
            ("徐闻县人民医院(北院),住院部", "徐闻县人民医院(北院),住院部"),  // a comma: quoted
            ("say \"a\"", "say \"a\""),  // a quote: quoted, doubled
            ("Cafe\u{301}", "Caf\u{E9}"),  // not NFC: normalised
            ("陈e\u{301},x", "陈\u{E9},x"),  // both
        ] {
            var raw = base
            raw[6] = hospital
            var normal = base
            normal[6] = staged
            (normal[10], normal[11], normal[12], normal[13], normal[14]) = ("1.00", "1.00", "0.00", "0.00", "0.00")
            let (problem, line) = medical(raw)
            XCTAssertNil(problem)
            XCTAssertEqual(line, expectedLine(normal), hospital)
        }
    }

    func testAFailedRowLeavesNothingToTheNext() {
        // 冲销 without 原结算流水号: the condition reads the drafted kind (field 1) at field 2
        let reversal = ["JS5", "冲销", "", person, "杨强", "", "", "", "", "2021-03-09", "-1.00", "-1.00", "0", "0", "0"]
        let (p1, _) = medical(reversal)
        XCTAssertEqual(p1?.field, 2)
        XCTAssertEqual(p1?.error.code, .missingRequired)
        // the parts do not add up to the total: found after every field, on the drafted amounts
        let unbalanced = ["JS6", "正常", "", person, "杨强", "", "", "", "", "2021-03-09", "10.00", "6.00", "0", "0", "3.99"]
        let (p2, _) = medical(unbalanced)
        XCTAssertEqual(p2?.field, 10)
        XCTAssertEqual(p2?.error.code, .amountsDoNotAddUp)
        // amounts drafted for the failed row are not carried over: blank parts count 0
        let next = ["JS7", "正常", "", person, "杨强", "", "", "", "", "2021-03-09", "4.00", "", "", "", "4"]
        let (p3, line) = medical(next)
        XCTAssertNil(p3)
        XCTAssertEqual(
            line, expectedLine(["JS7", "正常", "", person, "杨强", "", "", "", "", "2021-03-09", "4.00", "0.00", "0.00", "0.00", "4.00"]))
    }

    /// The NFC check `Text.staging` replaced (kept here as the reference): true when the bytes are made only
    /// of scalars NFC leaves as they are (`Text.isStableStarter`), decoded one by one.
    private func triviallyNFC(_ b: [UInt8]) -> Bool {
        var it = b.makeIterator()
        while let c = it.next() {
            if c < 0x80 { continue }
            var v: UInt32
            if c >= 0xC2 && c < 0xE0 {
                guard let c1 = it.next() else { return false }
                v = (UInt32(c & 0x1F) << 6) | UInt32(c1 & 0x3F)
            } else if c >= 0xE0 && c < 0xF0 {
                guard let c1 = it.next(), let c2 = it.next() else { return false }
                v = (UInt32(c & 0x0F) << 12) | (UInt32(c1 & 0x3F) << 6) | UInt32(c2 & 0x3F)
            } else if c >= 0xF0 && c < 0xF5 {
                guard let c1 = it.next(), let c2 = it.next(), let c3 = it.next() else { return false }
                v = (UInt32(c & 0x07) << 18) | (UInt32(c1 & 0x3F) << 12) | (UInt32(c2 & 0x3F) << 6) | UInt32(c3 & 0x3F)
            } else {
                return false
            }
            if !Text.isStableStarter(v) { return false }
        }
        return true
    }

    /// `Text.staging` decides what the scalar-by-scalar NFC check (above) and `CSVOut.hasSpecial` decided
    /// apart, at the edges of its eight-byte words, its lead bytes E5–E9 and its cut sequences.
    func testStagingAgreesWithTheTwoChecks() {
        var samples: [[UInt8]] = [
            [], Array("abc".utf8), Array("abcdefgh".utf8), Array("abcdefg,".utf8), Array("abcdefghi\"".utf8),
            Array(",abcdefgh".utf8), Array("abcdefgh\r".utf8), Array("a\nb".utf8), Array("徐闻县人民医院".utf8),
            Array("䷀䷁".utf8), Array("丁丂".utf8), Array("鿿豈".utf8), Array("e\u{301}".utf8), Array("𠀀𪚥".utf8),
            Array("Ａｂｃ１２３".utf8), Array("é·—“”".utf8), Array("abcdefg徐".utf8), Array("\u{212B}".utf8),
            [0xE5, 0x80], [0xE9], [0xC3], [0xF0, 0xA0, 0x80], [0x80, 0x41], [0xFF], [0xE5, 0x00, 0x00], [0xE4, 0xB8, 0x80],
            [0xEA, 0xB0, 0x80],
        ]
        // every lead byte, followed by two continuation bytes and by nothing
        for lead in UInt8(0x80)...0xFF { samples.append([lead, 0xA0, 0x80]); samples.append([lead]) }
        for s in samples {
            let (nfc, special) = (triviallyNFC(s), s.withUnsafeBufferPointer(CSVOut.hasSpecial))
            let expected: Text.Staging = !nfc ? .normalised : special ? .quoted : .plain
            XCTAssertEqual(s.withUnsafeBufferPointer(Text.staging), expected, "\(s)")
        }
    }
}
