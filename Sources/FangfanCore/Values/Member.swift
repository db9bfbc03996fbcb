public struct Member: Sendable {
    public let person: ResidentID
    public let name: String
    public let relation: String
    public let labour: Labour
}
