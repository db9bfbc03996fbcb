public enum FieldType: Sendable, Equatable {
    case householdID
    case residentID
    case text
    case date
    case month
    case amount(nonNegative: Bool)
    case integer(min: Int)
    case decimal
    case choice([String])
    /// One or more of the values, separated by `、` `,` `;` (and their full-width twins).
    case multiChoice([String], allowEmpty: Bool)
}

public struct FieldSpec: Sendable {
    public let name: String
    public let type: FieldType
    public let required: Bool
    /// The value a blank optional field takes in staged records ("0" for amounts, "1" for persons).
    public let blankValue: String

    init(_ name: String, _ type: FieldType, required: Bool = false, blank: String = "") {
        self.name = name
        self.type = type
        self.required = required
        self.blankValue = blank
    }
}
