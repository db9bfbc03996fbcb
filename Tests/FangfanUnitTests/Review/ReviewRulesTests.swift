import Foundation
import XCTest

@testable import FangfanCore

/// RULES.md §11, rule by rule, with hand-worked edges.
final class ReviewRulesTests: XCTestCase {
    func rules(_ raw: String, _ candidate: String) -> [String] { ReviewRules.matches(DamagedID(raw), candidate).map(\.rawValue) }

    func testCheckCharFirstSeventeenEqual() {
        XCTAssertEqual(rules("440825196401123451", "440825196401123457"), ["check_char"])
        XCTAssertEqual(rules("44082519640112345x", "440825196401123457"), ["check_char"], "lower-case x folded")
        XCTAssertEqual(rules("４４０８２５１９６４０１１２３４５１", "440825196401123457"), ["check_char"], "full-width digits folded")
        XCTAssertEqual(rules("44082519640112345", "440825196401123457"), ["check_char"], "a dropped check char: 17 characters")
        XCTAssertEqual(rules(" 440825196401123451 ", "440825196401123457"), ["check_char"], "spaces trimmed")
        XCTAssertEqual(rules("4408251964011234", "440825196401123457"), [], "16 characters: no rule")
    }

    func testExcelPrecisionEndsInThousandAndFifteenEqual() {
        XCTAssertEqual(rules("440825196401123000", "440825196401123456"), ["excel_precision"])
        XCTAssertEqual(rules("440825196401123000", "440825196401124456"), [], "the 15th digit differs")
        XCTAssertEqual(rules("440825196401123100", "440825196401123456"), [], "ends in 100, not 000")
        // both rules: the first 17 are equal too (the candidate's 16th and 17th digits are 0); 依据 names both, in order
        XCTAssertEqual(rules("440825196401123000", "44082519640112300X"), ["check_char", "excel_precision"])
        let e = ReviewRules.evidence(
            ReviewRules.matches(DamagedID("440825196401123000"), "44082519640112300X"),
            DamagedID("440825196401123000"), "44082519640112300X")
        XCTAssertTrue(e.hasPrefix("check_char、excel_precision："), e)
    }

    func testScientificRoundsHalfUpAtTheValuesSignificantDigits() {
        // 4.40825196401E+17: 12 significant digits, so the candidate is rounded at 10^6
        let v = "4.40825196401E+17"
        XCTAssertEqual(rules(v, "440825196400500000"), ["scientific"], "…400|500000 rounds half up to …401")
        XCTAssertEqual(rules(v, "440825196400499999"), [], "…400|499999 rounds down to …400")
        XCTAssertEqual(rules(v, "440825196401499999"), ["scientific"], "…401|499999 rounds down to …401")
        XCTAssertEqual(rules(v, "440825196401500000"), [], "…401|500000 rounds up to …402")
        XCTAssertEqual(rules(v, "440825196401123457"), ["scientific"])
        XCTAssertEqual(rules("4.40825196401e+17", "440825196401123457"), ["scientific"], "lower-case e")
        XCTAssertEqual(rules("4.40825196401E17", "440825196401123457"), ["scientific"], "no plus sign")
        XCTAssertEqual(rules("4.40825196401E+16", "440825196401123457"), [], "exponent 16: not an 18-digit ID")
        XCTAssertEqual(rules(v, "44082519640112345X"), [], "an ID ending in X was never a number")
        // 6 digits: everything from 440824500000000000 to 440825499999999999
        XCTAssertEqual(rules("4.40825E+17", "440824500000000000"), ["scientific"])
        XCTAssertEqual(rules("4.40825E+17", "440825499999999999"), ["scientific"])
        XCTAssertEqual(rules("4.40825E+17", "440825500000000000"), [])
        XCTAssertEqual(ReviewRules.roundHalfUp(999_999_999_999_999_999, toDigits: 3), 1000, "a carry gives one more digit")
        XCTAssertEqual(DamagedID("4.40825196401E+17").scientific?.mantissa, 440825196401)
        XCTAssertEqual(DamagedID("4.40825196401E+17").scientific?.digits, 12)
        XCTAssertNil(DamagedID("0.4E+17").scientific)
        XCTAssertNil(DamagedID("44.0825E+17").scientific)
    }

    func testOneDigitExactlyOnePositionAmongSeventeen() {
        XCTAssertEqual(rules("440825196401128457", "440825196401123457"), ["one_digit"], "position 15 differs")
        XCTAssertEqual(rules("540825196401123457", "440825196401123457"), ["one_digit"], "the first position")
        XCTAssertEqual(rules("440825196401123467", "440825196401123457"), ["one_digit"], "the 17th position")
        XCTAssertEqual(rules("44082519640112345", "440825196401123457"), ["check_char"], "no position differs: check_char")
        XCTAssertEqual(rules("440825196401128467", "440825196401123457"), [], "two positions differ")
        XCTAssertEqual(rules("44082519640I123457", "440825196401123457"), ["one_digit"], "a letter typed for a digit")
        XCTAssertTrue(MatchRule.oneDigit.sentence(DamagedID("440825196401128457"), "440825196401123457").contains("第 15 位"))
    }

    func testTransposedOneSwapOfAdjacentDigits() {
        XCTAssertEqual(rules("440825196401124357", "440825196401123457"), ["transposed"], "43 for 34 at positions 15 and 16")
        XCTAssertEqual(rules("404825196401123457", "440825196401123457"), ["transposed"], "positions 2 and 3")
        XCTAssertEqual(rules("440825196401125437", "440825196401123457"), [], "not adjacent (a swap of 3 and 5 over 4)")
        XCTAssertEqual(rules("440825196401124367", "440825196401123457"), [], "adjacent but not a swap")
        XCTAssertTrue(MatchRule.transposed.sentence(DamagedID("440825196401124357"), "440825196401123457").contains("第 15、16 位"))
    }
}
