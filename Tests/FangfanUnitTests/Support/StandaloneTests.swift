import Foundation
import XCTest

/// A county that clones fangfan has no copy of the requirements it was built from (RULES.md, FEEDS.md,
/// INTERFACE.md), nor anything else beside the repository: what a user reads — messages, --help, the shipped
/// configuration — points to the repository's own docs/ instead, and no path in them leaves the repository.
final class StandaloneTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The requirements' names, and a path leaving the folder it is read from: a string literal in the sources
    /// that starts with `../` (a path from the working folder, the repository's), and in pipelines/ one that
    /// climbs two levels (paths there are relative to pipelines/, so `../` is the repository itself).
    private let requirements = ["RULES.md", "FEEDS.md", "INTERFACE.md"]
    private var outsideInSources: [String] { requirements + ["\"../"] }
    private var outsideInPipelines: [String] { requirements + ["../../"] }

    func testMessagesAndHelpNameNoDocumentOutsideTheRepository() throws {
        var found: [String] = []
        let sources = root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        var swiftFiles = 0
        for case let url as URL in files where url.pathExtension == "swift" {
            swiftFiles += 1
            for (n, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated()
            {
                // the code and its string literals, not the comments (which may cite the requirements)
                let trimmed = line.drop { $0 == " " }
                if trimmed.hasPrefix("//") { continue }
                let code = line.range(of: " // ").map { line[..<$0.lowerBound] } ?? line[...]
                for name in outsideInSources where code.contains(name) {
                    found.append("\(url.lastPathComponent):\(n + 1): \(name)")
                }
            }
        }
        XCTAssertGreaterThan(swiftFiles, 100, "the sources were not found from \(root.path)")
        XCTAssertEqual(found, [])
    }

    func testTheShippedConfigurationNamesNoDocumentOutsideTheRepository() throws {
        let pipelines = root.appendingPathComponent("pipelines")
        let names = try FileManager.default.contentsOfDirectory(atPath: pipelines.path).filter { $0.hasSuffix(".toml") }
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let text = try String(contentsOf: pipelines.appendingPathComponent(name), encoding: .utf8)
            for o in outsideInPipelines { XCTAssertFalse(text.contains(o), "pipelines/\(name) names \(o)") }
        }
    }
}
