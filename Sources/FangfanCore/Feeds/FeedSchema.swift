public struct FeedSchema: Sendable {
    public let kind: FeedKind
    public let fields: [FieldSpec]
    /// Canonical fields forming the record key (FEEDS.md): a later record with the same key replaces the earlier.
    public let key: [String]

    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    static let relations = ["户主", "配偶", "之子", "之女", "之父", "之母", "之孙子", "之孙女", "之儿媳", "之女婿", "其他"]
    public static let labours = ["技能劳动力", "普通劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"]
    public static let householdTypes = ["脱贫户", "监测户", "一般农户"]
    public static let riskTypes = ["因病", "因残", "因学", "因灾", "因意外事故", "因产业失败", "因务工就业不稳", "缺劳动力", "其他"]
    public static let measures = ["产业帮扶", "就业帮扶", "综合保障", "扶志扶智", "其他帮扶"]
    public static let schoolStatuses = ["疑似辍学", "辍学", "复学"]
    public static let housingRatings = ["A", "B", "C", "D"]
    public static let renovations = ["未改造", "改造中", "已改造"]
    public static let waterProblems = ["水量不足", "水质不达标", "取水不便", "供水保证率低"]
    public static let waterStatuses = ["未解决", "已解决"]

    static func of(_ kind: FeedKind) -> FeedSchema {
        let money = FieldType.amount(nonNegative: false)
        let money0 = FieldType.amount(nonNegative: true)
        switch kind {
        case .roster:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("household_id", .householdID, required: true),
                    FieldSpec("town", .text, required: true),
                    FieldSpec("village", .text, required: true),
                    FieldSpec("household_type", .choice(householdTypes), required: true),
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text, required: true),
                    FieldSpec("relation", .choice(relations), required: true),
                    FieldSpec("labour", .choice(labours), required: true),
                    FieldSpec("prev_income", money0, required: true),
                ], key: ["person_id"])
        case .income:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("household_id", .householdID, required: true),
                    FieldSpec("month", .month, required: true),
                    FieldSpec("wages", money0, blank: "0.00"),
                    FieldSpec("business_net", money, blank: "0.00"),
                    FieldSpec("property_net", money, blank: "0.00"),
                    FieldSpec("transfer_net", money, blank: "0.00"),
                ], key: ["household_id", "month"])
        case .medical:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("settlement_id", .text, required: true),
                    FieldSpec("kind", .choice(["正常", "冲销"]), required: true),
                    FieldSpec("reverses", .text),
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text),
                    FieldSpec("visit_type", .choice(["住院", "门诊慢特病", "普通门诊"])),
                    FieldSpec("hospital", .text),
                    FieldSpec("admitted", .date),
                    FieldSpec("discharged", .date),
                    FieldSpec("settled", .date, required: true),
                    FieldSpec("total", money, required: true),
                    FieldSpec("fund_paid", money, blank: "0.00"),
                    FieldSpec("critical_paid", money, blank: "0.00"),
                    FieldSpec("assistance_paid", money, blank: "0.00"),
                    FieldSpec("out_of_pocket", money, required: true),
                ], key: ["settlement_id"])
        case .civil:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text),
                    FieldSpec("aid_type", .choice(["低保", "特困供养", "临时救助", "残疾人两项补贴"]), required: true),
                    FieldSpec("change", .choice(["新增", "续发", "停发"]), required: true),
                    FieldSpec("persons", .integer(min: 1), blank: "1"),
                    FieldSpec("amount", money0, blank: "0.00"),
                    FieldSpec("date", .date, required: true),
                ], key: ["person_id", "aid_type", "change", "date"])
        case .disaster:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("event_id", .text, required: true),
                    FieldSpec("hazard", .choice(["台风", "洪涝", "干旱", "风雹", "低温冷冻", "地质灾害", "其他"]), required: true),
                    FieldSpec("event_name", .text),
                    FieldSpec("occurred", .date, required: true),
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text),
                    FieldSpec("town", .text),
                    FieldSpec("village", .text),
                    FieldSpec("house_damage", .choice(["倒塌", "严重损坏", "一般损坏", "无"]), required: true),
                    FieldSpec("crop_area_mu", .decimal, blank: "0"),
                    FieldSpec("direct_loss", money0, blank: "0.00"),
                ], key: ["event_id", "person_id"])
        case .disability:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text),
                    FieldSpec("category", .choice(["视力", "听力", "言语", "肢体", "智力", "精神", "多重"])),
                    FieldSpec("grade", .choice(["一级", "二级", "三级", "四级"]), required: true),
                    FieldSpec("issued", .date, required: true),
                    FieldSpec("change", .choice(["新办", "换领", "注销"]), required: true),
                ], key: ["person_id", "issued", "change"])
        case .application:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("household_id", .householdID, required: true),
                    FieldSpec("person_id", .residentID),
                    FieldSpec("channel", .choice(["农户申报", "干部排查"]), required: true),
                    FieldSpec("date", .date, required: true),
                    FieldSpec("risk", .multiChoice(riskTypes, allowEmpty: false), required: true),
                    FieldSpec("reported_by", .text),
                    FieldSpec("note", .text),
                ], key: ["household_id", "channel", "date"])
        case .verification:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("alert_id", .text, required: true),
                    FieldSpec("household_id", .householdID, required: true),
                    FieldSpec("finding", .choice(["确认纳入", "不予纳入", "风险已消除", "待核"]), required: true),
                    FieldSpec("verified_by", .text),
                    FieldSpec("verified_on", .date),
                    FieldSpec("measures", .multiChoice(measures, allowEmpty: true)),
                    FieldSpec("note", .text),
                ], key: ["alert_id", "finding"])
        case .review:
            // a row whose 复核结论 is blank is skipped before it is validated (FEEDS.md): with a decision, the
            // review id and the reviewer are required
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("review_id", .text, required: true),
                    FieldSpec("decision", .choice(["确认", "否认"]), required: true),
                    FieldSpec("reviewed_by", .text, required: true),
                    FieldSpec("reviewed_on", .date),
                ], key: ["review_id", "decision"])
        case .education:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text),
                    FieldSpec("school", .text),
                    FieldSpec("status", .choice(schoolStatuses), required: true),
                    FieldSpec("date", .date, required: true),
                ], key: ["person_id", "status", "date"])
        case .housing:
            // FEEDS.md keys it by the household of person_id: link keys it so (FeedJoin); ingest, which has no
            // roster, counts re-sends by the person named
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text),
                    FieldSpec("rating", .choice(housingRatings), required: true),
                    FieldSpec("rated_on", .date, required: true),
                    FieldSpec("renovation", .choice(renovations), required: true),
                ], key: ["person_id", "rated_on"])
        case .water:
            return FeedSchema(
                kind: kind,
                fields: [
                    FieldSpec("person_id", .residentID, required: true),
                    FieldSpec("name", .text),
                    FieldSpec("problem", .choice(waterProblems), required: true),
                    FieldSpec("status", .choice(waterStatuses), required: true),
                    FieldSpec("date", .date, required: true),
                ], key: ["person_id", "problem", "date"])
        }
    }
}
