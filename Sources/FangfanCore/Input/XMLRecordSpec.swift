import CFangfanXML
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Which records and fields to take from a feed's XML.
public struct XMLRecordSpec: Sendable {
    /// Expected root element, e.g. "YBJSSJ"; another root is `.wrongRoot`.
    public var root: String
    /// Local name of the record element, e.g. "JL" or "SZH" (may be nested below other elements).
    public var record: String
    /// Path forms: "JSLSH" (child element of the record: its text; "A/B" for a deeper descendant),
    /// "@ATTR" (attribute of the record element), "ZHSJ/@BH" (attribute of the nearest enclosing
    /// element named ZHSJ, the record itself included — inherited by every record inside it).
    public var fields: [(name: String, path: String)]
    /// Root attribute holding the declared record count, e.g. "JLS" (optional in the file).
    public var countAttribute: String?

    public init(root: String, record: String, fields: [(name: String, path: String)], countAttribute: String? = nil) {
        self.root = root
        self.record = record
        self.fields = fields
        self.countAttribute = countAttribute
    }
}

/// One compiled field path of an `XMLRecordSpec`.
enum FieldPath: Equatable {
    /// Text of the element at this path below the record ("JSLSH", "A/B").
    case child([String])
    /// Attribute of the record element ("@ID").
    case recordAttribute(String)
    /// Attribute of the nearest enclosing element with this name, the record included ("ZHSJ/@BH").
    case ancestorAttribute(element: String, attribute: String)

    /// A path that is none of the forms is a configuration error: `InputError.xml` naming it.
    init(_ path: String) throws {
        let bad = InputError.xml(
            "XML field path \"\(path)\" is not one of the forms NAME, NAME/NAME, @ATTR, ELEMENT/@ATTR")
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: { $0.isEmpty || $0 == "@" }) else { throw bad }
        let attributes = parts.filter { $0.hasPrefix("@") }
        if attributes.isEmpty {
            self = .child(parts)
        } else if parts.count == 1 {
            self = .recordAttribute(String(parts[0].dropFirst()))
        } else if parts.count == 2 && attributes.count == 1 && parts[1].hasPrefix("@") {
            self = .ancestorAttribute(element: parts[0], attribute: String(parts[1].dropFirst()))
        } else {
            throw bad
        }
    }
}
