import Foundation

public struct ConfigError: Error, CustomStringConvertible {
    public let file: String
    public let key: String
    public let message: String
    /// `file: key: message`; `file: message` for the file as a whole (an empty key).
    public var description: String { key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)" }
    public init(file: String, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }
}

public struct PipelineConfig: Sendable {
    public var file: String
    public var inbox: String
    public var state: String
    public var out: String
    public var settleSeconds: Int = 60
    public var inflate = InflateLimits()
    public var csv = CSVLimits()
    public var lines: [Int: MonitoringLine] = [:]
    public var rules = RuleParameters()
    public var feeds: [FeedKind: FeedConfig] = [:]
    /// Where unmasked resident IDs may be printed on lists (hardening: off by default).
    public var unmaskedLists = false
    /// `county`: the county a run belongs to (six digits); nil: the first six digits of the roster's households.
    public var county: String?
    /// `[ledger] url` (or `--ledger`): the shared ledger in PostgreSQL; nil: SQLite in the state folder.
    public var ledgerURL: LedgerURL?

    public func line(forYear year: Int) throws -> MonitoringLine {
        guard let l = lines[year] else {
            throw ConfigError(
                file: file, key: "lines.\(year)",
                message:
                    "no monitoring line is configured for monitoring year \(year); add [lines.\(year)] with line and floor (docs/rules.md §2) — the pipeline never guesses"
            )
        }
        return l
    }

    public func feed(_ k: FeedKind) -> FeedConfig { feeds[k]! }

    /// Loads a configuration file; relative paths in it are relative to the file.
    public static func load(path: String) throws -> PipelineConfig {
        let url = URL(fileURLWithPath: path)
        guard let data = readWholeFile(path) else {
            let e = errno
            // (a relative default, pipelines/default.toml, is looked for from the folder the command runs in)
            let hint =
                e == ENOENT && !path.hasPrefix("/")
                ? " (looked for from \(FileManager.default.currentDirectoryPath): run from the folder that holds it, or give --config FILE)"
                : ""
            throw ConfigError(file: path, key: "", message: "cannot read the configuration file: \(String(cString: strerror(e)))\(hint)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "", message: "the configuration file is not UTF-8")
        }
        let table: TOMLTable
        do { table = try TOML.parse(text) } catch let e as TOMLError {
            throw ConfigError(file: path, key: "line \(e.line), column \(e.column)", message: e.message)
        }
        return try ConfigReader(file: path, base: url.deletingLastPathComponent().path).read(table)
    }
}
