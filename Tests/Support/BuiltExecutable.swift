import Foundation

/// An executable of this package was not found beside the test bundle (`swift build --build-tests` builds
/// them all): a broken build, not a test to skip.
public struct ExecutableNotBuilt: Error, CustomStringConvertible {
    public let name: String
    public var description: String { "the executable \(name) is not built beside the tests (swift build --build-tests)" }
}

/// The path of the package's executable `name` (`fangfan`, `LedgerKillChild`, …) in the build folder the
/// tests run from.
public func builtExecutable(_ name: String) throws -> String {
    var dirs: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
    if let e = Bundle.main.executableURL { dirs.append(e.deletingLastPathComponent()) }
    dirs.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    for b in Bundle.allBundles where b.bundlePath.hasSuffix(".xctest") {
        dirs.append(b.bundleURL.deletingLastPathComponent())
    }
    for d in dirs {
        let p = d.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    throw ExecutableNotBuilt(name: name)
}
