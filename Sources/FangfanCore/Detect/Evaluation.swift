import Foundation

/// One row of evaluations.csv: a household with a case or an alert, evaluated this month.
public struct Evaluation: Sendable {
    public static let header = [
        "household_id", "at_or_above_line", "triggered", "has_labour", "town", "village",
        "head_name", "head_id_masked", "size", "prev_income", "income_projected", "rigid",
        "net_per_capita",
    ]
    public var householdId: String
    public var atOrAboveLine: Bool
    public var triggered: Bool
    public var hasLabour: Bool
    /// The row's values in the file's column order, and the columns' names (shared by every row).
    var values: [String]
    var names: [String]

    /// The rest of the row, by header name (for the list's elimination rows).
    public var fields: [String: String] {
        var f: [String: String] = [:]
        for (i, n) in names.enumerated() where i < values.count { f[n] = values[i] }
        return f
    }

    public static func read(_ path: String) throws -> [Evaluation] {
        try read(source: try FileByteSource(path: path))
    }

    /// The rows of evaluations.csv as detect made them, before they are written.
    public static func read(csv: [UInt8]) throws -> [Evaluation] {
        try read(source: MemoryByteSource(csv))
    }

    static func read(source: ByteSource) throws -> [Evaluation] {
        let reader = CSVReader(try DecodedSource(source, encoding: .utf8))
        guard let h = try reader.next() else { return [] }
        let names = h.strings
        func column(_ n: String) -> Int { names.firstIndex(of: n) ?? Int.max }
        let (id, above, triggered, labour) = (
            column("household_id"), column("at_or_above_line"), column("triggered"),
            column("has_labour")
        )
        let one: [UInt8] = [0x31]
        var out: [Evaluation] = []
        while let r = try reader.next() {
            func flag(_ i: Int) -> Bool { i < r.count && r[i].elementsEqual(one) }
            out.append(
                Evaluation(
                    householdId: id < r.count ? r.string(id) : "", atOrAboveLine: flag(above),
                    triggered: flag(triggered), hasLabour: flag(labour), values: r.strings, names: names))
        }
        return out
    }
}
