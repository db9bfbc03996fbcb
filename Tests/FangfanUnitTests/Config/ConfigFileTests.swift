import Foundation
import XCTest

@testable import FangfanCore

/// The configuration file as a whole: a data officer's first mistakes are running from another folder and
/// a file that is not UTF-8; the message says which, in one line a cron log keeps.
final class ConfigFileTests: XCTestCase {
    func testAMissingRelativeFileSaysWhereItWasLookedForAndWhatToDo() {
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertThrowsError(try PipelineConfig.load(path: "pipelines/nowhere.toml")) { e in
            XCTAssertEqual(
                "\(e)",
                "pipelines/nowhere.toml: cannot read the configuration file: No such file or directory (looked for from \(cwd): run from the folder that holds it, or give --config FILE)"
            )
        }
    }

    func testAMissingAbsoluteFileSaysWhy() {
        XCTAssertThrowsError(try PipelineConfig.load(path: "/nonexistent/county.toml")) { e in
            XCTAssertEqual("\(e)", "/nonexistent/county.toml: cannot read the configuration file: No such file or directory")
        }
    }

    func testAFileNotInUTF8IsSaidSo() throws {
        let path = NSTemporaryDirectory() + "fangfan-config-\(getpid()).toml"
        defer { unlink(path) }
        // 县 in GB18030, as an editor on a Chinese Windows might save it
        try Data([0x63, 0x6F, 0x75, 0x6E, 0x74, 0x79, 0x20, 0x3D, 0x20, 0x22, 0xCF, 0xD8, 0x22, 0x0A]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PipelineConfig.load(path: path)) { e in
            XCTAssertEqual("\(e)", "\(path): the configuration file is not UTF-8")
        }
    }

    func testAKeyIsNamedBetweenFileAndMessage() {
        XCTAssertEqual(
            "\(ConfigError(file: "c.toml", key: "rules.near_factor", message: "must be a number"))",
            "c.toml: rules.near_factor: must be a number")
    }
}
