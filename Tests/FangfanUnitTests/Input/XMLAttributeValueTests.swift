import CFangfanXML
import FangfanTestSupport
import XCTest

@testable import FangfanCore

/// Attribute values as the SAX2 reader decodes them (libxml2 hands `&` from a reference over as
/// `&#38;`) against libxml2's own tree values, read with its text reader.
final class XMLAttributeValueTests: XCTestCase {
    func textReaderAttributes(_ xml: String) -> [[String: String]] {
        var out: [[String: String]] = []
        let bytes = Array(xml.utf8)
        bytes.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { c in
                let r = xmlReaderForMemory(
                    c, Int32(p.count), nil, nil,
                    Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue)
                )!
                while xmlTextReaderRead(r) == 1 {
                    if xmlTextReaderNodeType(r) == Int32(XML_READER_TYPE_ELEMENT.rawValue) {
                        var a: [String: String] = [:]
                        if xmlTextReaderHasAttributes(r) == 1 {
                            while xmlTextReaderMoveToNextAttribute(r) == 1 {
                                if xmlTextReaderIsNamespaceDecl(r) == 1 { continue }
                                a[String(cString: xmlTextReaderConstLocalName(r))] = String(cString: xmlTextReaderConstValue(r))
                            }
                            xmlTextReaderMoveToElement(r)
                        }
                        out.append(a)
                    }
                }
                xmlFreeTextReader(r)
            }
        }
        return out
    }

    func testAttributeValuesMatchTheTextReader() throws {
        let values = [
            "a &amp; b", "&#38;", "&amp;#38;", "x&lt;y&gt;z&quot;&apos;", "&#x4E2D;文&#20013;", "tab\there\nnl\r\ncr",
            "  spaced  ", "", "&amp;&amp;", "a&#38;#38;b", "&#9;&#10;&#13;", "中文 &amp; 数字 123",
        ]
        for v in values {
            let xml =
                "<?xml version=\"1.0\"?>\n<R X=\"\(v)\"><G N=\"\(v)\"><REC ID=\"\(v)\" x:Y='\(v)' xmlns:x='urn:x'><F>1</F></REC></G></R>"
            let expected = textReaderAttributes(xml)
            let spec = XMLRecordSpec(root: "R", record: "REC", fields: [("id", "@ID"), ("y", "@Y"), ("n", "G/@N"), ("f", "F")])
            let reader = try XMLRecordReader(source: MemoryByteSource(Array(xml.utf8)), spec: spec)
            let r = try XCTUnwrap(reader.next())
            XCTAssertNil(try reader.next())
            XCTAssertEqual(reader.rootAttributes, expected[0], v)
            XCTAssertEqual(r.values[0], expected[2]["ID"], v)
            XCTAssertEqual(r.values[1], expected[2]["Y"], v)
            XCTAssertEqual(r.values[2], expected[1]["N"], v)
        }
    }
}
