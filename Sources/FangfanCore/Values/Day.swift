/// A calendar date (proleptic Gregorian), kept as its parts and comparable by day number.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// nil unless the parts name a real calendar day (no 2021-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1 && year <= 9999, month >= 1 && month <= 12,
            day >= 1 && day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var monthValue: Month { Month(year: year, month: month)! }

    /// ISO `YYYY-MM-DD`.
    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Full years of age on `date` for someone born on `self` (a birthday counts on its day;
    /// someone born on 29 February turns a year older on 1 March in common years).
    public func age(on date: Day) -> Int {
        var a = date.year - year
        if (date.month, date.day) < (month, day) { a -= 1 }
        return a
    }

    /// Today's date in the machine's local time zone.
    public static func today() -> Day {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))!
    }

    /// Excel's 1900 date system: serial 1 = 1900-01-01, with Excel's phantom 1900-02-29 (serial 60).
    public init?(excelSerial serial: Int) {
        guard serial >= 1 && serial < 2_958_466 else { return nil }
        if serial == 60 { return nil }
        let base = Day(year: 1899, month: 12, day: 31)!.dayNumber
        self.init(dayNumber: base + serial - (serial > 60 ? 1 : 0))
    }
}

#if canImport(Glibc)
import Glibc
#endif

func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension Day {
    /// Parses every date spelling of FEEDS.md: `2021-05-03`, `2021-5-3`, `2021/5/3`, `2021.5.3`,
    /// `20210503`, `2021年5月3日`, each optionally followed by a time (` 14:22:05` or `T14:22:05`).
    public static func parse<C: Collection>(_ raw: C) -> Result<Day, ValueError> where C.Element == UInt8 {
        let s = foldASCII(raw)
        let bad = ValueError(.badDate, "日期无法识别，应为 2021-05-03、2021/5/3、20210503 或 2021年5月3日 等写法")
        guard s.count >= 8 else { return .failure(bad) }
        var y = 0, m = 0, d = 0
        var rest = 0
        if s.count >= 8, s[0..<8].allSatisfy(isDigit), s.count == 8 || !isDigit(s[8]) {
            y = parseDigits(s[0..<4])!; m = parseDigits(s[4..<6])!; d = parseDigits(s[6..<8])!
            rest = 8
        } else {
            guard let (yy, mm, dd, end) = splitDate(s) else { return .failure(bad) }
            y = yy; m = mm; d = dd; rest = end
        }
        if rest < s.count && !validTimeSuffix(s[rest...]) { return .failure(bad) }
        guard let day = Day(year: y, month: m, day: d) else {
            return .failure(ValueError(.badDate, "日期不存在（如 2 月 30 日），请核对原始记录"))
        }
        return .success(day)
    }

    /// `YYYY<sep>M<sep>D` with - / . or 年 月 日.
    private static func splitDate(_ s: [UInt8]) -> (Int, Int, Int, Int)? {
        guard s.count >= 8, let y = parseDigits(s[0..<4]) else { return nil }
        var i = 4
        let nian: [UInt8] = Array("年".utf8), yue: [UInt8] = Array("月".utf8), ri: [UInt8] = Array("日".utf8)
        func starts(_ p: [UInt8], at k: Int) -> Bool {
            k + p.count <= s.count && Array(s[k..<(k + p.count)]) == p
        }
        func digits(_ k: inout Int) -> Int? {
            let start = k
            while k < s.count && isDigit(s[k]) && k - start < 2 { k += 1 }
            return k > start ? parseDigits(s[start..<k]) : nil
        }
        if starts(nian, at: i) {
            i += nian.count
            guard let m = digits(&i), starts(yue, at: i) else { return nil }
            i += yue.count
            guard let d = digits(&i) else { return nil }
            if starts(ri, at: i) { i += ri.count } else { return nil }
            return (y, m, d, i)
        }
        let sep = s[i]
        guard sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") || sep == UInt8(ascii: ".") else { return nil }
        i += 1
        guard let m = digits(&i), i < s.count, s[i] == sep else { return nil }
        i += 1
        guard let d = digits(&i) else { return nil }
        if i < s.count && isDigit(s[i]) { return nil }
        return (y, m, d, i)
    }

    /// ` HH:MM`, ` HH:MM:SS`, `THH:MM:SS.fff` — a time after the date is accepted and ignored.
    private static func validTimeSuffix(_ t: ArraySlice<UInt8>) -> Bool {
        guard let first = t.first, first == 0x20 || first == UInt8(ascii: "T") else { return false }
        let body = Array(t.dropFirst().drop(while: { $0 == 0x20 }))
        let parts = body.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return false }
        guard let h = parseDigits(parts[0]), h < 24, parts[0].count <= 2,
            let mi = parseDigits(parts[1]), mi < 60, parts[1].count == 2
        else { return false }
        if parts.count == 3 {
            let sec = parts[2].split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
            guard let s0 = parseDigits(sec[0]), s0 < 61, sec[0].count == 2 else { return false }
            if sec.count == 2 && parseDigits(sec[1]) == nil { return false }
        }
        return true
    }
}
