import XCTest

@testable import FangfanCore

/// A row's record key and staged line, made in place from the row as ingest makes them.
///
/// The record key of FEEDS.md (64-bit FNV-1a over the key fields, each followed by 0x1F) must be the key link
/// computes from the staged record: keys files written by earlier runs are compared with it. The staged line must
/// be what `CSVOut.appendRow` writes.
final class NormalizedRowTests: XCTestCase {
    private func row(_ values: [String]) -> NormalizedRow {
        var r = NormalizedRow()
        r.reset()
        for v in values { r.append(v) }
        return r
    }

    func testKeysWorkedOutByHand() {
        // FNV-1a: h = 0xcbf29ce484222325; per byte h = (h ^ b) * 0x100000001b3 (mod 2^64); then the same with 0x1F
        let cases: [([String], [Int], UInt64)] = [
            (["a"], [0], 0x089b_e907_b544_fdc9),
            ([""], [0], 0xaf63_d24c_8601_db8e),  // an empty value still ends with its 0x1F
            (["2021-05", "x", "510"], [2, 0], 0x16bf_747b_0055_0648),  // fields in the key's order, not the row's
            (["2021-05", "x", "510"], [0, 2], 0x271b_6986_5add_7004),
            (["张三", ""], [0, 1], 0x6422_3575_190e_eda9),  // bytes of UTF-8, and a blank last value
        ]
        for (values, fields, expected) in cases {
            var r = row(values)
            XCTAssertEqual(r.recordKey(fields), expected, "\(values) \(fields)")
            XCTAssertEqual(recordKeyHash(fields) { r[$0] }, expected, "\(values) \(fields)")
        }
    }

    func testARowThatNeedsQuotingHashesItsValuesNotItsQuotes() {
        var r = row(["a,b", "\"q\"", "c"])
        XCTAssertTrue(r.needsQuoting)
        let slices = recordKeyHash([0, 1, 2]) { r[$0] }
        XCTAssertEqual(r.recordKey([0, 1, 2]), slices)
        XCTAssertEqual(slices, recordKeyHash([0, 1, 2]) { ArraySlice(["a,b", "\"q\"", "c"][$0].utf8) })
    }

    func testTheStagedLineIsWhatAppendRowWrites() {
        let rows: [([String], String)] = [
            (["1", "张三", "2021-05-03", ""], "1,张三,2021-05-03,\n"),  // copied whole: nothing to quote
            (["1", "医院,门诊", "说\"是\"", "a\nb", "x\ry", ""], "1,\"医院,门诊\",\"说\"\"是\"\"\",\"a\nb\",\"x\ry\",\n"),
            (["", ","], ",\",\"\n"),
        ]
        for (values, expected) in rows {
            var r = row(values)
            var line: [UInt8] = []
            r.appendLine(to: &line)
            var written: [UInt8] = []
            CSVOut.appendRow(&written, r)
            XCTAssertEqual(String(decoding: line, as: UTF8.self), expected)
            XCTAssertEqual(line, written)
            XCTAssertEqual(written, Array(expected.utf8))
        }
    }
}
