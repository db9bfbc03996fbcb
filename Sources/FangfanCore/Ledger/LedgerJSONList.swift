import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists of codes and measures stored as JSON arrays of strings.
///
/// The codes of an alert are plain ASCII words (`illness`, `income_drop`): such lists are written and read
/// here directly, byte for byte as `JSONEncoder` writes them (`["a","b"]`); any other list goes through
/// `JSONEncoder` / `JSONDecoder` (the per-alert loop encodes three lists per alert).
enum LedgerJSONList {
    static func encode(_ list: [String]) -> String {
        if let text = encodePlain(list) { return text }
        guard let data = try? JSONEncoder().encode(list) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [String] {
        guard let text else { return [] }
        if let list = decodePlain(text) { return list }
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return list
    }

    /// A byte JSONEncoder writes as itself inside a string: printable ASCII but `"`, `\` and `/`
    /// (which it escapes as `\/`).
    @inline(__always)
    private static func isPlain(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != UInt8(ascii: "/")
    }

    /// `JSONEncoder`'s output for a list of plain strings (`isPlain` bytes only), else nil.
    static func encodePlain(_ list: [String]) -> String? {
        if list.isEmpty { return "[]" }
        var length = 1
        for item in list {
            for b in item.utf8 where !isPlain(b) { return nil }
            length += item.utf8.count + 3
        }
        return String(unsafeUninitializedCapacity: length) { out in
            var i = 0
            out[i] = UInt8(ascii: "[")
            i += 1
            for (n, item) in list.enumerated() {
                if n > 0 {
                    out[i] = UInt8(ascii: ",")
                    i += 1
                }
                out[i] = UInt8(ascii: "\"")
                i += 1
                for b in item.utf8 {
                    out[i] = b
                    i += 1
                }
                out[i] = UInt8(ascii: "\"")
                i += 1
            }
            out[i] = UInt8(ascii: "]")
            return i + 1
        }
    }

    /// The strings of a list written `["a","b"]` with no escape and no blank, else nil.
    static func decodePlain(_ text: String) -> [String]? {
        let u = text.utf8
        guard u.first == UInt8(ascii: "["), u.last == UInt8(ascii: "]"), u.count >= 2 else { return nil }
        if u.count == 2 { return [] }
        var list: [String] = []
        var i = u.index(after: u.startIndex)
        let end = u.index(before: u.endIndex)
        while true {
            guard i < end, u[i] == UInt8(ascii: "\"") else { return nil }
            i = u.index(after: i)
            let start = i
            while i < end, u[i] != UInt8(ascii: "\"") {
                // unescaped JSON text stands for itself (non-ASCII too: the text is valid UTF-8)
                guard u[i] >= 0x20, u[i] != UInt8(ascii: "\\") else { return nil }
                i = u.index(after: i)
            }
            guard i < end else { return nil }
            list.append(String(text[start..<i]))
            i = u.index(after: i)
            if i == end { return list }
            guard u[i] == UInt8(ascii: ",") else { return nil }
            i = u.index(after: i)
        }
    }

    /// Distinct non-empty items, in order of first appearance.
    static func ordered(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
