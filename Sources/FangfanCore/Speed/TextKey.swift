import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A String as a dictionary key hashed and compared on its UTF-8 bytes. Swift hashes a String that is not
/// ASCII through its NFC normalisation: the summary's tallies of a province's alerts by town, risk type
/// and channel (Chinese words, a quarter of a million alerts) spent a serial tenth of a second in it.
/// (The words come from the roster and the rules, already NFC: equal bytes and equal Strings agree.)
struct TextKey: Hashable {
    let text: String
    init(_ text: String) { self.text = text }
    func hash(into hasher: inout Hasher) {
        var t = text
        t.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
    static func == (a: TextKey, b: TextKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
}
