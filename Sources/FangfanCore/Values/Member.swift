import Foundation

public struct Member: Sendable {
    public let person: ResidentID
    public let name: String
    /// The relation to the head (与户主关系) as its number among the spellings `Member.relations` knows: two
    /// bytes, not a String, in each of a province's five million members (32 bytes a member instead of 48).
    let relationCode: UInt16
    public let labour: Labour

    public init(person: ResidentID, name: String, relation: String, labour: Labour) {
        self.person = person
        self.name = name
        self.relationCode = Member.relations.code(relation)
        self.labour = labour
    }

    /// A member whose relation's number (`Member.relations.code`) is already known: the roster's rows, which
    /// look each spelling up once (`RosterBuilder`), not once a member.
    init(person: ResidentID, name: String, relationCode: UInt16, labour: Labour) {
        self.person = person
        self.name = name
        self.relationCode = relationCode
        self.labour = labour
    }

    public var relation: String { Member.relations.spelling(relationCode) }
    /// 户主.
    public var isHead: Bool { relationCode == 0 }

    /// The relations' spellings: the roster's listed values first (户主 is number 0), then any other spelling
    /// a member is made with (only by hand: a staged roster holds listed values only), in the order they come.
    static let relations = Spellings(FeedSchema.relations)

    final class Spellings: @unchecked Sendable {
        private let listed: [String]
        private var others: [String] = []
        private let lock = NSLock()

        init(_ listed: [String]) {
            precondition(listed.first == "户主")
            self.listed = listed
        }

        func code(_ s: String) -> UInt16 {
            if let i = listed.firstIndex(of: s) { return UInt16(i) }
            lock.lock()
            defer { lock.unlock() }
            if let i = others.firstIndex(of: s) { return UInt16(listed.count + i) }
            precondition(listed.count + others.count < Int(UInt16.max), "too many spellings of relations")
            others.append(s)
            return UInt16(listed.count + others.count - 1)
        }

        func spelling(_ code: UInt16) -> String {
            if Int(code) < listed.count { return listed[Int(code)] }
            lock.lock()
            defer { lock.unlock() }
            return others[Int(code) - listed.count]
        }
    }
}
