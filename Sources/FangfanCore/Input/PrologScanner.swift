import CFangfanXML
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Scans the bytes before the root element for `<!DOCTYPE`, skipping the XML declaration,
/// processing instructions and comments. Works on the raw bytes: UTF-8 and GB18030 never use
/// bytes below 0x40 inside a multi-byte character except GB18030's 4-byte digits (0x30-0x39),
/// so `<`, `!`, `?`, `-`, `>` and newline bytes are always those characters.
struct PrologScanner {
    enum State { case text, open, pi, piQuestion, bang, comment, commentDash1, commentDash2 }
    private(set) var done = false
    private(set) var doctypeLine: Int?
    /// Where the root element's `<` is, counted over all the bytes scanned, once the scan stopped there.
    private(set) var rootStart: Int?
    private var state = State.text
    private var line = 1
    private var scanned = 0
    private var bangBytes: [UInt8] = []
    private static let doctype = Array("DOCTYPE".utf8)
    private static let commentStart = Array("--".utf8)

    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        defer { scanned += bytes.count }
        for (i, b) in bytes.enumerated() {
            if done { return }
            if b == 0x0A { line += 1 }
            switch state {
            case .text:
                if b == 0x3C { state = .open }  // <
            case .open:
                switch b {
                case 0x3F: state = .pi  // <?
                case 0x21: state = .bang; bangBytes.removeAll(keepingCapacity: true)  // <!
                default:  // the root element (or something libxml2 will reject)
                    done = true
                    rootStart = scanned + i - 1
                }
            case .pi:
                if b == 0x3F { state = .piQuestion }
            case .piQuestion:
                state = b == 0x3E ? .text : (b == 0x3F ? .piQuestion : .pi)
            case .bang:
                bangBytes.append(b)
                if bangBytes == Self.commentStart {
                    state = .comment
                } else if bangBytes == Self.doctype {
                    doctypeLine = line
                    done = true
                } else if !Self.commentStart.starts(with: bangBytes) && !Self.doctype.starts(with: bangBytes) {
                    done = true  // e.g. <![CDATA[ before the root: malformed, libxml2 says so
                }
            case .comment:
                if b == 0x2D { state = .commentDash1 }
            case .commentDash1:
                state = b == 0x2D ? .commentDash2 : .comment
            case .commentDash2:
                state = b == 0x3E ? .text : (b == 0x2D ? .commentDash2 : .comment)
            }
        }
    }
}
