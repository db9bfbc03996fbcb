/// The reason codes of FEEDS.md "What bad input gets", one per quarantine line.
public enum ReasonCode: String, Sendable, CaseIterable, Codable {
    case idScientificNotation = "id_scientific_notation"
    case idLength = "id_length"
    case idCheckChar = "id_check_char"
    case idBirthDate = "id_birth_date"
    case householdID = "household_id"
    case badDate = "bad_date"
    case badMonth = "bad_month"
    case badAmount = "bad_amount"
    case badNumber = "bad_number"
    case badEnum = "bad_enum"
    case missingRequired = "missing_required"
    case fieldCount = "field_count"
    case amountsDoNotAddUp = "amounts_do_not_add_up"
    case rosterConflict = "roster_conflict"
    case unknownAlert = "unknown_alert"
    case alertHouseholdMismatch = "alert_household_mismatch"
    case transitionRefused = "transition_refused"
    case unknownReview = "unknown_review"
    case reviewConflict = "review_conflict"
}

/// Why one value was refused: a reason code and a message a data officer understands.
/// The message never repeats the raw value (that goes to the quarantine file only, never to logs).
public struct ValueError: Error, Equatable, Sendable {
    public var code: ReasonCode
    public var message: String
    public init(_ code: ReasonCode, _ message: String) {
        self.code = code
        self.message = message
    }
}
