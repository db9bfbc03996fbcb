/// The rules of RULES.md §11 by which a damaged or unmatched resident ID may be a roster member's, in the
/// table's order (the order 依据 names them in).
public enum MatchRule: String, CaseIterable, Sendable, Codable {
    case checkChar = "check_char"
    case excelPrecision = "excel_precision"
    case scientific = "scientific"
    case oneDigit = "one_digit"
    case transposed = "transposed"

    /// The sentence a data officer reads in 依据.
    public func sentence(_ d: DamagedID, _ candidate: String) -> String {
        switch self {
        case .checkChar:
            return "前17位与候选人身份证号相同，仅第18位校验码不同（常见于手工录入或旧系统）"
        case .excelPrecision:
            return "原号码末三位为000且前15位与候选人相同：电子表格只保留了15位有效数字"
        case .scientific:
            let n = d.scientific?.digits ?? 0
            return "原号码为科学计数法（\(n) 位有效数字），候选人身份证号按此位数四舍五入后与之相同"
        case .oneDigit:
            let p = ReviewRules.differingPositions(d, candidate).first.map { $0 + 1 } ?? 0
            return "前17位中仅第 \(p) 位数字不同（常见于录入错误）"
        case .transposed:
            let p = ReviewRules.differingPositions(d, candidate).first.map { $0 + 1 } ?? 0
            return "前17位中第 \(p)、\(p + 1) 位相邻数字前后颠倒（常见于录入错误）"
        }
    }
}
