import Foundation

/// Ingest hands a verification file's validated rows to the ledger (feed `verification`, FEEDS.md):
/// each row becomes a `Finding`, the whole file is applied in one transaction keyed by its sha256,
/// and each refused row comes back as its quarantine problem (messages never repeat the raw value).
extension Ledger: FindingsSink {
    public func apply(findings rows: [NormalizedRow], file: String, sha256: String) throws -> [RowProblem?] {
        let schema = FeedKind.verification.schema
        guard let iAlert = schema.index(of: "alert_id"), let iHousehold = schema.index(of: "household_id"),
            let iFinding = schema.index(of: "finding"), let iBy = schema.index(of: "verified_by"),
            let iOn = schema.index(of: "verified_on"), let iMeasures = schema.index(of: "measures"),
            let iNote = schema.index(of: "note")
        else { preconditionFailure("the verification schema lost a field the ledger reads") }

        func optional(_ r: NormalizedRow, _ i: Int) -> String? { r.isBlank(i) ? nil : r.string(i) }
        var findings: [Finding] = []
        var kinds: [FindingKind?] = []
        for r in rows {
            let kind = FindingKind(rawValue: r.string(iFinding))
            kinds.append(kind)
            findings.append(
                Finding(
                    alertId: r.string(iAlert), householdId: r.string(iHousehold), kind: kind ?? .pending,
                    verifiedBy: optional(r, iBy), verifiedOn: optional(r, iOn),
                    measures: r.string(iMeasures).split(separator: "、").map(String.init), note: optional(r, iNote)))
        }
        let outcomes = try applyFindings(
            findings, source: "file \(file) (\(sha256.prefix(8)))", sourceKey: sha256)
        return zip(findings, zip(kinds, outcomes)).map { f, ko -> RowProblem? in
            let (kind, outcome) = ko
            if kind == nil {
                // the validator only lets listed values through; keep the row out of the ledger all the same
                return RowProblem(
                    field: iFinding, raw: f.kind.rawValue,
                    error: ValueError(.badEnum, "核查结论不在规定范围内（可选：确认纳入、不予纳入、风险已消除、待核）"))
            }
            switch outcome {
            case .applied, .unchanged:
                return nil
            case .unknownAlert:
                return RowProblem(
                    field: iAlert, raw: f.alertId,
                    error: ValueError(.unknownAlert, "台账中没有这个预警编号：请按预警名单上印的编号填写"))
            case .householdMismatch:
                return RowProblem(
                    field: iHousehold, raw: f.householdId,
                    error: ValueError(.alertHouseholdMismatch, "这个预警编号是另一户的预警，与本行户编号不符：请对照预警名单核对"))
            case .refused(let state):
                return RowProblem(
                    field: iFinding, raw: f.kind.rawValue,
                    error: ValueError(.transitionRefused, Self.refusalMessage(f.kind, state)))
            }
        }
    }

    static func refusalMessage(_ kind: FindingKind, _ state: CaseState?) -> String {
        let now = state.map { "该户案件当前状态为“\($0.rawValue)”" } ?? "该户在台账中尚无案件"
        switch (kind, state) {
        case (.reject, .monitored?), (.reject, .eliminated?):
            return "\(now)，不能“不予纳入”：监测对象只能经风险消除标注，不能退出监测"
        case (.eliminated, _):
            return "\(now)，不能标注“风险已消除”：只有监测中的户才能标注风险消除"
        default:
            return "\(now)，不能作出核查结论“\(kind.rawValue)”"
        }
    }
}
