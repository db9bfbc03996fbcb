/// The columns of a feed's staged schema that `FeedFigures` reads, resolved by their canonical names once
/// (a column the feed does not have is -1): the accumulator never depends on the schema's field order. Plain
/// integers, no array: it is read once per linked record.
struct StagedColumns: Sendable {
    let householdID, personID, name, month: Int
    let wages, businessNet, propertyNet, transferNet: Int
    let settlementID, kind, visitType, settled, outOfPocket: Int
    let eventID, eventName, occurred, houseDamage, directLoss: Int
    let grade, issued, change: Int
    let aidType, amount, date: Int
    let channel, risk, reportedBy: Int
    let school, status, rating, ratedOn, renovation, problem: Int
    /// The feed's column count: a review id, where a record has one, follows (RULES.md §11).
    let width: Int

    init(_ schema: FeedSchema) {
        func at(_ field: String) -> Int { schema.index(of: field) ?? -1 }
        width = schema.fields.count
        householdID = at("household_id"); personID = at("person_id"); name = at("name"); month = at("month")
        wages = at("wages"); businessNet = at("business_net"); propertyNet = at("property_net"); transferNet = at("transfer_net")
        settlementID = at("settlement_id"); kind = at("kind"); visitType = at("visit_type"); settled = at("settled")
        outOfPocket = at("out_of_pocket")
        eventID = at("event_id"); eventName = at("event_name"); occurred = at("occurred")
        houseDamage = at("house_damage"); directLoss = at("direct_loss")
        grade = at("grade"); issued = at("issued"); change = at("change")
        aidType = at("aid_type"); amount = at("amount"); date = at("date")
        channel = at("channel"); risk = at("risk"); reportedBy = at("reported_by")
        school = at("school"); status = at("status"); rating = at("rating"); ratedOn = at("rated_on")
        renovation = at("renovation"); problem = at("problem")
    }
}
