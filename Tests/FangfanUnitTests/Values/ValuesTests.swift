import FangfanTestSupport
import XCTest

@testable import FangfanCore

// Unit tests for the values of FEEDS.md "Values that appear in every feed".
// Every expected value below was worked out by hand from the spec, never produced by the code under test.

private func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The value of a success, or a test failure naming the raw input.
private func success<T>(
    _ r: Result<T, ValueError>, _ raw: String,
    file: StaticString = #filePath, line: UInt = #line
) -> T? {
    switch r {
    case .success(let v): return v
    case .failure(let e):
        XCTFail("'\(raw)' was refused: \(e.code.rawValue) \(e.message)", file: file, line: line)
        return nil
    }
}

/// The error of a failure, or a test failure naming what was accepted.
private func failure<T>(
    _ r: Result<T, ValueError>, _ raw: String,
    file: StaticString = #filePath, line: UInt = #line
) -> ValueError? {
    switch r {
    case .success(let v):
        XCTFail("'\(raw)' was accepted as \(v), expected a refusal", file: file, line: line)
        return nil
    case .failure(let e): return e
    }
}

private func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }
private func month(_ y: Int, _ m: Int) -> Month { Month(year: y, month: m)! }

// MARK: - ResidentID

final class ResidentIDTests: XCTestCase {
    /// The day "the pipeline runs" in these tests.
    static let today = day(2021, 6, 1)

    func parse(_ raw: String) -> Result<ResidentID, ValueError> {
        ResidentID.parse(utf8(raw), today: Self.today)
    }

    func assertAccepted(_ raw: String, _ normal: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let id = success(parse(raw), raw, file: file, line: line) else { return }
        XCTAssertEqual(id.description, normal, "'\(raw)'", file: file, line: line)
    }

    func assertRefused(_ raw: String, _ code: ReasonCode, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = failure(parse(raw), raw, file: file, line: line) else { return }
        XCTAssertEqual(e.code, code, "'\(raw)': \(e.message)", file: file, line: line)
    }

    // Check chars, ISO 7064 MOD 11-2. Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, remainder → "10X98765432".
    //
    // 440825 19900101 123 ?:
    //   4·7 + 4·9 + 0·10 + 8·5 + 2·8 + 5·4 + 1·2 + 9·1 + 9·6 + 0·3 + 0·7 + 1·9 + 0·10 + 1·5 + 1·8 + 2·4 + 3·2
    //   = 28 + 36 + 0 + 40 + 16 + 20 + 2 + 9 + 54 + 0 + 0 + 9 + 0 + 5 + 8 + 8 + 6 = 241;
    //   241 mod 11 = 241 − 231 = 10 → '2'                                  ⇒ 440825199001011232
    // 440825 19900101 103 ?: as above up to digit 14 (219), then 1·8 + 0·4 + 3·2 = 14: 233;
    //   233 mod 11 = 233 − 231 = 2 → 'X'                                    ⇒ 44082519900101103X
    // 110105 19491231 002 ?: 7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 27 + 7 + 18 + 30 + 5 + 0 + 0 + 4 = 167;
    //   167 mod 11 = 2 → 'X'                                                 ⇒ 11010519491231002X
    // 440825 19650203 441 ?: 28 + 36 + 0 + 40 + 16 + 20 + 2 + 9 + 36 + 15 + 0 + 18 + 0 + 15 + 32 + 16 + 2 = 285;
    //   285 mod 11 = 285 − 275 = 10 → '2'                                    ⇒ 440825196502034412
    // 440825 20050503 001 ?: 28+36+0+40+16+20 + 4+0+0+15+0+45+0+15 + 0+0+2 = 221; 221 mod 11 = 1 → '0'
    //                                                                        ⇒ 440825200505030010
    // 440825 19600503 001 ?: 140 + 2+9+36+0+0+45+0+15 + 0+0+2 = 249; 249 mod 11 = 249 − 242 = 7 → '5'
    //                                                                        ⇒ 440825196005030015
    // 440825 20000229 001 ?: 140 + 4+0+0+0+0+18+20+45 + 0+0+2 = 229; 229 mod 11 = 229 − 220 = 9 → '3'
    //                                                                        ⇒ 440825200002290013
    // 440825 19000101 001 ?: 140 + 2+9+0+0+0+9+0+5 + 0+0+2 = 167; 167 mod 11 = 2 → 'X' ⇒ 44082519000101001X
    // 440825 20210601 001 ?: 140 + 4+0+12+3+0+54+0+5 + 0+0+2 = 220; 220 mod 11 = 0 → '1' ⇒ 440825202106010011
    // (140 = 28 + 36 + 0 + 40 + 16 + 20, the county code 440825.)

    func testValidEighteenDigitIDs() {
        assertAccepted("440825199001011232", "440825199001011232")
        assertAccepted("44082519900101103X", "44082519900101103X")
        assertAccepted("11010519491231002X", "11010519491231002X")
        assertAccepted("440825200505030010", "440825200505030010")
        assertAccepted("440825200002290013", "440825200002290013")
    }

    func testLowerCaseXBecomesUpperCase() {
        assertAccepted("44082519900101103x", "44082519900101103X")
        assertAccepted("11010519491231002x", "11010519491231002X")
    }

    func testSurroundingSpacesAreTrimmed() {
        assertAccepted(" 440825199001011232 ", "440825199001011232")
        assertAccepted("\t440825199001011232\r\n", "440825199001011232")
        assertAccepted("\u{3000}440825199001011232\u{3000}", "440825199001011232")
        assertAccepted(" \u{3000} 44082519900101103x\u{3000} ", "44082519900101103X")
    }

    func testFullWidthDigitsAndLetters() {
        assertAccepted("４４０８２５１９９００１０１１２３２", "440825199001011232")
        assertAccepted("４４０８２５１９９００１０１１０３Ｘ", "44082519900101103X")
        assertAccepted("４４０８２５１９９００１０１１０３ｘ", "44082519900101103X")
        assertAccepted("\u{3000}４４０８２５19900101103Ｘ", "44082519900101103X")
    }

    func testFifteenDigitLegacyIDGetsCenturyAndCheckChar() {
        // 440825 650203 441 → insert 19 → 440825 19650203 441, check char '2' (worked out above)
        assertAccepted("440825650203441", "440825196502034412")
        assertAccepted(" 440825650203441\u{3000}", "440825196502034412")
        // 440825 900101 123 → 44082519900101123 → '2'
        assertAccepted("440825900101123", "440825199001011232")
        // 440825 900101 103 → 44082519900101103 → 'X'
        assertAccepted("440825900101103", "44082519900101103X")
    }

    func testWrongLength() {
        assertRefused("44082519900101123", .idLength)  // 17
        assertRefused("4408251990010112321", .idLength)  // 19
        assertRefused("4408251990010112", .idLength)  // 16
        assertRefused("440825", .idLength)
        assertRefused("4408256502034412", .idLength)  // 16
        assertRefused("44082565020344X", .idLength)  // 15 with a letter
        assertRefused("4408251990 01011232", .idLength)  // inner space: 19 chars
    }

    func testWrongLengthMessageCountsCharactersNotBytes() {
        // 16 digits and one CJK character: 17 characters (19 UTF-8 bytes)
        guard let e = failure(parse("4408251990010112张"), "4408251990010112张") else { return }
        XCTAssertEqual(e.code, .idLength)
        XCTAssertTrue(e.message.contains("17"), e.message)
        XCTAssertFalse(e.message.contains("19"), e.message)
    }

    func testBadCheckChar() {
        assertRefused("440825199001011233", .idCheckChar)  // should be 2
        assertRefused("440825199001011231", .idCheckChar)
        assertRefused("44082519900101123X", .idCheckChar)
        assertRefused("440825199001011030", .idCheckChar)  // should be X
        assertRefused("44082519900101103Y", .idCheckChar)
        assertRefused("11010519491231002１", .idCheckChar)  // full-width 1, should be X
    }

    func testImpossibleBirthDate() {
        // 440825 20210230 001: 140 + 4+0+12+3+0+18+30+0 + 0+0+2 = 209 = 19·11 → remainder 0 → '1'
        assertRefused("440825202102300011", .idBirthDate)
        // 440825 18991231 001: 140 + 2+8+54+27+7+18+30+5 + 0+0+2 = 293; 293 − 286 = 7 → '5'
        assertRefused("440825189912310015", .idBirthDate)
        // 440825 20210602 001 (after today, 2021-06-01): 140 + 4+0+12+3+0+54+0+10 + 0+0+2 = 225; 225 − 220 = 5 → '7'
        assertRefused("440825202106020017", .idBirthDate)
        // 15-digit legacy IDs carry no check char: 1965-02-30 and 1965-13-01 are refused on the date
        assertRefused("440825650230441", .idBirthDate)
        assertRefused("440825651301441", .idBirthDate)
    }

    func testBirthDateBoundaries() {
        assertAccepted("44082519000101001X", "44082519000101001X")  // 1900-01-01, the first day allowed
        assertAccepted("440825202106010011", "440825202106010011")  // born on the day the pipeline runs
    }

    func testScientificNotationSaysReExportAsText() {
        for raw in ["4.40825E+17", "4.40825199001011E+17", "4.40825e+17", " 4.40825E+17 ", "4.40825E17"] {
            guard let e = failure(parse(raw), raw) else { continue }
            XCTAssertEqual(e.code, .idScientificNotation, raw)
            XCTAssertTrue(e.message.contains("科学计数法"), e.message)
            XCTAssertTrue(e.message.contains("文本"), e.message)
            XCTAssertTrue(e.message.contains("重新导出"), e.message)
        }
    }

    func testEmpty() {
        for raw in ["", "   ", "\u{3000}"] {
            guard let e = failure(parse(raw), raw) else { continue }
            XCTAssertEqual(e.code, .missingRequired, "'\(raw)'")
        }
    }

    func testKeyIsTheSeventeenDigitBody() {
        XCTAssertEqual(success(parse("440825199001011232"), "")?.key, 44082519900101123)
        XCTAssertEqual(success(parse("44082519900101103x"), "")?.key, 44082519900101103)
        XCTAssertEqual(success(parse("440825650203441"), "")?.key, 44082519650203441)
        // the key alone gives back the normal form
        XCTAssertEqual(ResidentID(key: 11010519491231002).description, "11010519491231002X")
        XCTAssertEqual(ResidentID.staged(utf8("44082519900101103X")).key, 44082519900101103)
        // the same person spelt differently is the same key
        XCTAssertEqual(success(parse("４４０８２５１９９００１０１１０３ｘ"), ""), success(parse("44082519900101103X"), ""))
    }

    func testMaskedKeepsFirstSixAndLastFour() {
        XCTAssertEqual(success(parse("440825199001011232"), "")?.masked, "440825********1232")
        XCTAssertEqual(success(parse("44082519900101103x"), "")?.masked, "440825********103X")
    }

    func testBirthDate() {
        XCTAssertEqual(success(parse("440825199001011232"), "")?.birthDate, day(1990, 1, 1))
        XCTAssertEqual(success(parse("440825650203441"), "")?.birthDate, day(1965, 2, 3))
        XCTAssertEqual(success(parse("440825200002290013"), "")?.birthDate, day(2000, 2, 29))
    }

    func testAgeOnBirthdays() {
        guard let young = success(parse("440825200505030010"), ""),  // born 2005-05-03
            let old = success(parse("440825196005030015"), ""),  // born 1960-05-03
            let leap = success(parse("440825200002290013"), "")
        else { return }  // born 2000-02-29
        // 16th birthday exactly, and the day before
        XCTAssertEqual(young.birthDate.age(on: day(2021, 5, 3)), 16)
        XCTAssertEqual(young.birthDate.age(on: day(2021, 5, 2)), 15)
        XCTAssertEqual(young.birthDate.age(on: day(2021, 12, 31)), 16)
        // 61st birthday exactly, and the day before
        XCTAssertEqual(old.birthDate.age(on: day(2021, 5, 3)), 61)
        XCTAssertEqual(old.birthDate.age(on: day(2021, 5, 2)), 60)
        // 29 February: a birthday in leap years; in common years the new year of age starts on 1 March
        XCTAssertEqual(leap.birthDate.age(on: day(2016, 2, 29)), 16)
        XCTAssertEqual(leap.birthDate.age(on: day(2016, 2, 28)), 15)
        XCTAssertEqual(leap.birthDate.age(on: day(2017, 2, 28)), 16)
        XCTAssertEqual(leap.birthDate.age(on: day(2017, 3, 1)), 17)
        XCTAssertEqual(leap.birthDate.age(on: day(2000, 2, 29)), 0)
    }
}

// MARK: - HouseholdID

final class HouseholdIDTests: XCTestCase {
    func parse(_ raw: String) -> Result<HouseholdID, ValueError> { HouseholdID.parse(utf8(raw)) }

    func testDigitsAppendedAreTheDescription() {
        for key: UInt64 in [0, 7, 4_408_250_010_010_008, 9_999_999_999_999_999] {
            var out: [UInt8] = Array("x".utf8)
            HouseholdID(key: key).appendDigits(to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "x" + HouseholdID(key: key).description)
        }
        XCTAssertEqual(HouseholdID(key: 7).description, "0000000000000007")
    }

    func testSixteenDigits() {
        XCTAssertEqual(success(parse("4408251010020014"), "")?.description, "4408251010020014")
        XCTAssertEqual(success(parse("4408251010020014"), "")?.key, 4408251010020014)
        XCTAssertEqual(success(parse("4408250080090000"), "")?.description, "4408250080090000")
        // a household id ending in 0 (perhaps zeroed by a spreadsheet) cannot be told apart: accepted as given
        XCTAssertEqual(success(parse("4408251010020010"), "")?.description, "4408251010020010")
        XCTAssertEqual(HouseholdID.staged(utf8("4408251010020014")).key, 4408251010020014)
    }

    func testSurroundingSpaces() {
        XCTAssertEqual(success(parse(" 4408251010020014 "), "")?.description, "4408251010020014")
        XCTAssertEqual(success(parse("\u{3000}4408251010020014\t"), "")?.description, "4408251010020014")
    }

    func testRefused() {
        for raw in [
            "440825101002001", "44082510100200140", "440825101002001A", "4408251010O20014",
            "4408-2510-1002-0014", "4408251010 020014", "4.40825101002014E+15", "4.40825E+15", "abc",
        ] {
            guard let e = failure(parse(raw), raw) else { continue }
            XCTAssertEqual(e.code, .householdID, raw)
        }
    }

    func testEmpty() {
        XCTAssertEqual(failure(parse(""), "")?.code, .missingRequired)
        XCTAssertEqual(failure(parse("  "), "")?.code, .missingRequired)
    }
}

// MARK: - Month and monitoring period

final class MonthTests: XCTestCase {
    func parse(_ raw: String) -> Result<Month, ValueError> { Month.parse(utf8(raw)) }

    func testEverySpelling() {
        for raw in [
            "2021-05", "2021/05", "202105", "2021年5月", "2021年05月", "2021-5", "2021/5", " 2021-05 ",
            "\u{3000}2021年5月",
        ] {
            XCTAssertEqual(success(parse(raw), raw), month(2021, 5), raw)
        }
        XCTAssertEqual(success(parse("2020-12"), ""), month(2020, 12))
        XCTAssertEqual(success(parse("2021年12月"), ""), month(2021, 12))
        XCTAssertEqual(success(parse("202101"), ""), month(2021, 1))
    }

    func testRefused() {
        // FEEDS.md lists the accepted spellings; anything else is bad_month (no dots, no two-digit years)
        for raw in [
            "2021-13", "2021-00", "202113", "202100", "2021年13月", "2021年0月", "21-05", "2105",
            "2021.05", "2021-05-03", "20210503", "2021-005", "2021年5", "2021年月", "2021/5/", "2021-",
            "May 2021", "2021 05", "abcdef", "1899-12", "",
        ] {
            guard let e = failure(parse(raw), raw) else { continue }
            XCTAssertEqual(e.code, .badMonth, raw)
        }
    }

    func testDescriptionAndArithmetic() {
        XCTAssertEqual(month(2021, 5).description, "2021-05")
        XCTAssertEqual(month(2021, 5).compact, "202105")
        XCTAssertEqual(month(2021, 1).adding(-1), month(2020, 12))
        XCTAssertEqual(month(2020, 12).adding(1), month(2021, 1))
        XCTAssertEqual(month(2021, 5).adding(-5), month(2020, 12))
        XCTAssertEqual(Month.before(day(2021, 6, 2)), month(2021, 5))
        XCTAssertEqual(Month.before(day(2021, 1, 15)), month(2020, 12))
        XCTAssertNil(Month(year: 2021, month: 13))
        XCTAssertNil(Month(year: 2021, month: 0))
    }

    func testMonitoringPeriodMay() {
        let p = MonitoringPeriod(evaluating: month(2021, 5))
        XCTAssertEqual(p.from, month(2020, 12))
        XCTAssertEqual(p.to, month(2021, 5))
        XCTAssertEqual(p.months, 6)
        XCTAssertEqual(p.monitoringYear, 2021)
        XCTAssertTrue(p.contains(month(2020, 12)))
        XCTAssertTrue(p.contains(month(2021, 5)))
        XCTAssertFalse(p.contains(month(2020, 11)))
        XCTAssertFalse(p.contains(month(2021, 6)))
        XCTAssertTrue(p.contains(day(2020, 12, 1)))
        XCTAssertFalse(p.contains(day(2020, 11, 30)))
        XCTAssertTrue(p.contains(day(2021, 5, 31)))
        XCTAssertFalse(p.contains(day(2021, 6, 1)))
    }

    func testMonitoringPeriodDecemberStartsTheNextYear() {
        let p = MonitoringPeriod(evaluating: month(2021, 12))
        XCTAssertEqual(p.from, month(2021, 12))
        XCTAssertEqual(p.to, month(2021, 12))
        XCTAssertEqual(p.months, 1)
        XCTAssertEqual(p.monitoringYear, 2022)
        XCTAssertFalse(p.contains(month(2021, 11)))
    }

    func testMonitoringPeriodJanuaryAndNovember() {
        let jan = MonitoringPeriod(evaluating: month(2022, 1))
        XCTAssertEqual(jan.from, month(2021, 12))
        XCTAssertEqual(jan.months, 2)
        XCTAssertEqual(jan.monitoringYear, 2022)
        let nov = MonitoringPeriod(evaluating: month(2021, 11))
        XCTAssertEqual(nov.from, month(2020, 12))
        XCTAssertEqual(nov.months, 12)
        XCTAssertEqual(nov.monitoringYear, 2021)
    }
}

// MARK: - Day

final class DayTests: XCTestCase {
    func parse(_ raw: String) -> Result<Day, ValueError> { Day.parse(utf8(raw)) }

    func testEverySpelling() {
        for raw in [
            "2021-05-03", "2021-5-3", "2021-05-3", "2021-5-03", "2021/5/3", "2021/05/03", "2021.5.3",
            "2021.05.03", "20210503", "2021年5月3日", "2021年05月03日", " 2021-05-03\u{3000}",
            "２０２１-５-３", "２０２１年５月３日",
        ] {
            XCTAssertEqual(success(parse(raw), raw), day(2021, 5, 3), raw)
        }
    }

    func testWithTime() {
        for raw in [
            "2021-05-03 14:22:05", "2021-05-03T14:22:05", "2021/5/3 14:22", "2021.5.3 8:05:00",
            "20210503 14:22:05", "20210503T14:22:05", "2021年5月3日 14:22:05", "2021-05-03 14:22:05.123",
            "2021-05-03 00:00:00",
        ] {
            XCTAssertEqual(success(parse(raw), raw), day(2021, 5, 3), raw)
        }
    }

    func testRefused() {
        for raw in [
            "2021-02-30", "2021-13-01", "2021-00-10", "2021-04-31", "2100-02-29", "20210230",
            "2021年2月30日", "2021/5-3", "2021-5/3", "2021.5-3", "03/05/2021", "05/03/2021", "2021-05",
            "202105", "2021-05-003", "2021-005-03", "202105031", "2021-05-03x", "2021-05-03 -",
            "2021-05-03 25:00:00", "2021-05-03 14:60", "2021-05-03T", "2021-05-03 junk", "2021年5月3",
            "2021年5-3日", "21-05-03", "abc", "", "   ",
        ] {
            guard let e = failure(parse(raw), raw) else { continue }
            XCTAssertEqual(e.code, .badDate, "'\(raw)'")
        }
    }

    func testLeapDays() {
        XCTAssertEqual(success(parse("2020-02-29"), ""), day(2020, 2, 29))
        XCTAssertEqual(success(parse("2000-02-29"), ""), day(2000, 2, 29))  // divisible by 400
        XCTAssertNotNil(failure(parse("2021-02-29"), "2021-02-29"))
        XCTAssertNotNil(failure(parse("1900-02-29"), "1900-02-29"))  // divisible by 100
        XCTAssertNil(Day(year: 2021, month: 2, day: 29))
        XCTAssertNil(Day(year: 2021, month: 6, day: 31))
    }

    func testDescriptionAndDayNumber() {
        XCTAssertEqual(day(2021, 5, 3).description, "2021-05-03")
        XCTAssertEqual(day(987, 1, 9).description, "0987-01-09")
        XCTAssertEqual(day(1970, 1, 1).dayNumber, 0)
        // 1970-01-01 → 2000-01-01: 30·365 + 7 leap days (72 76 80 84 88 92 96) = 10957; + 31 + 29 = 11017
        XCTAssertEqual(day(2000, 3, 1).dayNumber, 11017)
        XCTAssertEqual(Day(dayNumber: 11017), day(2000, 3, 1))
        XCTAssertEqual(Day(dayNumber: -1), day(1969, 12, 31))
        XCTAssertTrue(day(2021, 5, 3) < day(2021, 5, 4))
        XCTAssertTrue(day(2020, 12, 31) < day(2021, 1, 1))
        XCTAssertEqual(day(2021, 5, 3).monthValue, month(2021, 5))
    }

    func testExcelSerialDays() {
        // Excel's 1900 system: serial 1 = 1900-01-01, and it counts a 1900-02-29 that never was (serial 60).
        XCTAssertEqual(Day(excelSerial: 1), day(1900, 1, 1))
        XCTAssertEqual(Day(excelSerial: 59), day(1900, 2, 28))
        XCTAssertNil(Day(excelSerial: 60), "serial 60 is Excel's phantom 1900-02-29, not a real day")
        XCTAssertEqual(Day(excelSerial: 61), day(1900, 3, 1))
        // From serial 61 on, serial = days since 1899-12-30. 1899-12-30 → 1900-01-01: 2 days;
        // → 2021-01-01: 121·365 + 30 leap days (1904..2020) = 44195; → 2021-05-05: 31+28+31+30+4 = 124.
        // 2 + 44195 + 124 = 44321.
        XCTAssertEqual(Day(excelSerial: 44321), day(2021, 5, 5))
        XCTAssertEqual(Day(excelSerial: 44197), day(2021, 1, 1))  // 2 + 44195
        XCTAssertNil(Day(excelSerial: 0))
        XCTAssertNil(Day(excelSerial: -3))
    }
}

// MARK: - Money

final class MoneyTests: XCTestCase {
    /// Whether a String is in Swift's small (inline, unallocated) form: bit 61 of its second word, the
    /// discriminator's isSmall bit in the stable String ABI of 64-bit platforms.
    func isSmall(_ s: String) -> Bool {
        let bits = unsafeBitCast(s, to: (UInt64, UInt64).self)
        return (bits.1 >> 61) & 1 == 1
    }

    func parse(_ raw: String, sign: Money.Sign = .any) -> Result<Money?, ValueError> {
        Money.parse(utf8(raw), sign: sign)
    }

    func assertFen(
        _ raw: String, _ fen: Int64, sign: Money.Sign = .any,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let m = success(parse(raw, sign: sign), raw, file: file, line: line) else { return }
        XCTAssertEqual(m?.fen, fen, "'\(raw)'", file: file, line: line)
    }

    func assertRefused(_ raw: String, sign: Money.Sign = .any, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = failure(parse(raw, sign: sign), raw, file: file, line: line) else { return }
        XCTAssertEqual(e.code, .badAmount, "'\(raw)'", file: file, line: line)
    }

    func testEverySpelling() {
        assertFen("1234.5", 123450)
        assertFen("1234.50", 123450)
        assertFen("1,234.50", 123450)
        assertFen("¥1,234.50", 123450)
        assertFen("￥1234.50", 123450)
        assertFen("1234.50元", 123450)
        assertFen("¥1,234.50元", 123450)
        assertFen("１２３４．５０", 123450)  // full-width digits and full stop
        assertFen("１，２３４．５", 123450)  // full-width comma
        assertFen(" 1234.50 ", 123450)
        assertFen("\u{3000}1234.50\u{3000}", 123450)
    }

    func testExactFen() {
        assertFen("0.10", 10)
        assertFen("0.1", 10)
        assertFen("0.01", 1)
        assertFen("0.99", 99)
        assertFen("1", 100)
        assertFen("0", 0)
        assertFen("12.3", 1230)
        assertFen("1,234,567.89", 123456789)
        assertFen("100000", 10000000)
        // 0.1 + 0.2 is exactly 0.3 in fen (it is not in binary floating point)
        if let a = success(parse("0.1"), "0.1") ?? nil, let b = success(parse("0.2"), "0.2") ?? nil {
            XCTAssertEqual(a + b, Money(fen: 30))
        }
    }

    func testNegative() {
        assertFen("-12.30", -1230)
        assertFen("-0.05", -5)
        assertFen("-1,234.50", -123450)
        assertFen("-¥12.30", -1230)
        assertFen("-12.30元", -1230)
        assertRefused("-12.30", sign: .nonNegative)
        assertRefused("-0.01", sign: .nonNegative)
        assertFen("12.30", 1230, sign: .nonNegative)
    }

    func testBlankIsNil() {
        for raw in ["", "  ", "\u{3000}", "\t"] {
            guard let m = success(parse(raw), raw) else { continue }
            XCTAssertNil(m, "'\(raw)'")
        }
    }

    func testRefused() {
        for raw in [
            "1.234.5", "12.345", "0.001", "12a.5", "1,23.00", "12,34", "1234,567", ",123", "1,,234",
            "--5", "- 5", "+5", "1.", ".5", "abc", "¥", "元", "-", "1 234", "1e3", "12.3a", "１２ａ",
        ] {
            assertRefused(raw)
        }
    }

    func testDescription() {
        XCTAssertEqual(Money(fen: 123450).description, "1234.50")
        XCTAssertEqual(Money(fen: 7).description, "0.07")
        XCTAssertEqual(Money(fen: 0).description, "0.00")
        XCTAssertEqual(Money(fen: 100).description, "1.00")
        XCTAssertEqual(Money(fen: -5).description, "-0.05")
        XCTAssertEqual(Money(fen: -1230).description, "-12.30")
        XCTAssertEqual(Money(fen: -123456).description, "-1234.56")
        XCTAssertEqual(Money(yuan: 12).description, "12.00")
        XCTAssertEqual(Money(fen: 99).description, "0.99")
        XCTAssertEqual(Money(fen: -100).description, "-1.00")
        XCTAssertEqual(Money(fen: Int64.max).description, "92233720368547758.07")
        XCTAssertEqual(Money(fen: Int64.min).description, "-92233720368547758.08")
        // against sign, yuan, ".", two digits of fen spelled out, across many magnitudes
        for e in 0..<19 {
            for fen in [Int64(1) << (3 * e + 1), Int64(1) << (3 * e + 1) - 1] where fen > 0 {
                let yuan = String(fen / 100), cents = fen % 100
                let expected = yuan + "." + (cents < 10 ? "0" : "") + String(cents)
                XCTAssertEqual(Money(fen: fen).description, expected)
                XCTAssertEqual(Money(fen: -fen).description, "-" + expected)
            }
        }
        // short amounts are Swift's small Strings (no allocation: an alert holds several); a long one is not
        for fen in [Int64(0), -5, 123_456, 99_999_999_999_999, -9_999_999_999_999] {
            XCTAssertTrue(Money(fen: fen).description.utf8.count <= 15)
            XCTAssertTrue(isSmall(Money(fen: fen).description), "\(fen)")
        }
        XCTAssertFalse(isSmall(Money(fen: Int64.max).description))
        XCTAssertEqual(Money.staged(utf8("-1234.56")).fen, -123456)
        XCTAssertEqual(Money.staged(utf8("0.07")).fen, 7)
    }
}

// MARK: - Text

final class TextNormalizeTests: XCTestCase {
    /// Compares scalars: Swift's String == treats canonically equivalent strings as equal.
    func assertNormal(_ raw: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let got = Text.normalize(utf8(raw))
        XCTAssertEqual(
            Array(got.unicodeScalars), Array(expected.unicodeScalars),
            "'\(raw.debugDescription)' → '\(got.debugDescription)'", file: file, line: line)
    }

    func testTrimsAsciiAndFullWidthSpaces() {
        assertNormal("  张三  ", "张三")
        assertNormal("\u{3000}张三\u{3000}\u{3000}", "张三")
        assertNormal(" \u{3000}\t张三\r\n\u{3000} ", "张三")
        assertNormal("\t abc \r\n", "abc")
        assertNormal("\u{3000}", "")
        assertNormal("", "")
    }

    func testInnerSpacesStay() {
        assertNormal("张\u{3000}三", "张\u{3000}三")
        assertNormal(" 徐闻县 人民医院 ", "徐闻县 人民医院")
    }

    func testNFC() {
        assertNormal("e\u{301}", "\u{E9}")  // decomposed é → precomposed
        assertNormal("Cafe\u{301} ", "Caf\u{E9}")
        assertNormal("陈e\u{301}", "陈\u{E9}")
        assertNormal("\u{212B}", "\u{C5}")  // ANGSTROM SIGN → Å (a singleton decomposition)
        assertNormal("\u{2126}", "\u{3A9}")  // OHM SIGN → Ω
        // CJK compatibility ideograph U+F92C (GBK/GB18030 0xFD9C) is canonically U+90CE 郎
        assertNormal("王\u{F92C}", "王\u{90CE}")
        assertNormal("\u{1100}\u{1161}", "\u{AC00}")  // Hangul jamo compose
    }

    func testCJKUnchanged() {
        for s in ["徐闻县人民医院", "锦和镇", "陈大明", "湛江市医疗保障局（北院），住院部", "𠀀𪚥", "Ａｂｃ１２３", "é·—“”"] {
            assertNormal(s, s)
        }
    }

    func testTrimSpacesOnBytes() {
        XCTAssertEqual(Text.trimSpaces(utf8("\u{3000} a b \u{3000}")), utf8("a b"))
        XCTAssertEqual(Text.trimSpaces(utf8("   ")), [])
        XCTAssertEqual(Text.trimSpaces(utf8("中")), utf8("中"))
    }
}

// MARK: - Member

final class MemberTests: XCTestCase {
    /// The relation is kept as a number and given back as it was spelled: the roster's listed values, and
    /// any other spelling (made by hand), each the same number every time; 户主 is the head.
    func testRelationsComeBackAsTheyWereSpelled() {
        let p = ResidentID(key: 440_825_198_703_151_234)
        for r in FeedSchema.relations + ["外孙", "", "户主 "] {
            let m = Member(person: p, name: "王", relation: r, labour: .ordinary)
            XCTAssertEqual(m.relation, r)
            XCTAssertEqual(m.isHead, r == "户主")
            XCTAssertEqual(Member.relations.code(r), Member.relations.code(r))
        }
        XCTAssertEqual(Member.relations.code("户主"), 0)
        XCTAssertNotEqual(Member.relations.code("外孙"), Member.relations.code("外孙女"))
        let h = Household(
            id: HouseholdID(key: 4_408_250_100_080_001), town: "镇", village: "村", type: .general, prevIncome: .zero,
            members: [
                Member(person: p, name: "甲", relation: "配偶", labour: .none),
                Member(person: p, name: "乙", relation: "户主", labour: .none),
            ])
        XCTAssertEqual(h.head?.name, "乙")
        // two bytes of relation instead of a String: 32 bytes a member
        XCTAssertEqual(MemoryLayout<Member>.stride, 32)
    }
}
