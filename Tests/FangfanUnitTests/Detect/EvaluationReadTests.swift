import XCTest

@testable import FangfanCore

/// evaluations.csv read back: the four values every row is asked for, and the rest by name from the table
/// the rows share (quoted values unquoted, a short row's missing values absent).
final class EvaluationReadTests: XCTestCase {
    func testRowsAndTheirFields() throws {
        var csv: [UInt8] = []
        CSVOut.appendRow(&csv, Evaluation.header)
        CSVOut.appendRow(
            &csv,
            [
                "4408250100080001", "0", "1", "1", "下洋镇", "港沟村", "陈, 大文", "440825********0011", "3", "12000.00", "9000.00", "1500.00",
                "2500.00",
            ])
        CSVOut.appendRow(
            &csv,
            ["4408250100080002", "1", "0", "0", "下洋镇", "石角村", "说\"明\"\n两行", "", "1", "0.00", "0.00", "0.00", "0.00"])
        CSVOut.appendRow(&csv, ["4408250100080003", "1"])
        let rows = try Evaluation.read(csv: csv)
        XCTAssertEqual(rows.map(\.householdId), ["4408250100080001", "4408250100080002", "4408250100080003"])
        XCTAssertEqual(rows.map(\.atOrAboveLine), [false, true, true])
        XCTAssertEqual(rows.map(\.triggered), [true, false, false])
        XCTAssertEqual(rows.map(\.hasLabour), [true, false, false])
        XCTAssertEqual(rows[0].fields["head_name"], "陈, 大文")
        XCTAssertEqual(rows[0].fields["net_per_capita"], "2500.00")
        XCTAssertEqual(rows[0].fields.count, 13)
        XCTAssertEqual(rows[1].fields["head_name"], "说\"明\"\n两行")
        XCTAssertEqual(rows[1].fields["head_id_masked"], "")
        XCTAssertEqual(rows[1].fields["village"], "石角村")
        XCTAssertEqual(rows[2].fields, ["household_id": "4408250100080003", "at_or_above_line": "1"])
        // one value by name: the same as the row's fields, nil past a short row's end and for no such column
        XCTAssertEqual(rows[0].field("head_name"), "陈, 大文")
        XCTAssertEqual(rows[1].field("size"), "1")
        XCTAssertEqual(rows[1].field("head_id_masked"), "")
        XCTAssertEqual(rows[2].field("at_or_above_line"), "1")
        XCTAssertNil(rows[2].field("triggered"))
        XCTAssertNil(rows[0].field("no_such_column"))
        XCTAssertEqual(try Evaluation.read(csv: []).count, 0)
    }
}
