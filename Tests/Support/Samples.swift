import Foundation

/// The repository this file sits in (Tests/Support/ is two levels below it), wherever it is cloned.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The department samples kept in the repository: `fixtures/samples` (see its README).
public enum SharedSamples {
    public static let root: URL = repositoryRoot.appendingPathComponent("fixtures/samples").standardized

    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    /// Every `.csv` under the samples, as (relative path, bytes), sorted by path.
    public static func csvFiles() throws -> [(String, [UInt8])] {
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [(String, [UInt8])] = []
        for case let rel as String in e where rel.hasSuffix(".csv") { out.append((rel, try bytes(rel))) }
        return out.sorted { $0.0 < $1.0 }
    }
}
