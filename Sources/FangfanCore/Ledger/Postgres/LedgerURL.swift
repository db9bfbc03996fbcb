import CFangfanPQ
import Foundation

/// Where the shared ledger is: a PostgreSQL URL in libpq's form, `postgresql://user[:password]@host[:port]/db`
/// (`postgres://` too; a Unix-socket folder as `?host=/run/postgresql`). Parsed by libpq itself
/// (`PQconninfoParse`), so what it accepts is what libpq connects with. The password, where the URL has one,
/// is never shown: `target` names host and database, `scrub` blanks it out of a server's message.
public struct LedgerURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given (with its password, if any): for libpq only.
    let text: String
    public let host: String
    public let port: String?
    public let database: String
    let password: String?

    /// A URL that does not parse is a configuration error naming `key` (`--ledger`, `ledger.url`): exit 78.
    public init(_ text: String, file: String, key: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") else {
            throw ConfigError(
                file: file, key: key,
                message: "not a PostgreSQL URL: write postgresql://user@host:port/database (or ?host=/socket/folder)")
        }
        var error: UnsafeMutablePointer<CChar>? = nil
        guard let options = PQconninfoParse(trimmed, &error) else {
            // libpq's reason, with no part of the URL in it (it could hold the password)
            if let error { PQfreemem(error) }
            throw ConfigError(
                file: file, key: key,
                message: "the PostgreSQL URL does not parse (libpq's URL form: postgresql://user[:password]@host[:port]/database)")
        }
        defer { PQconninfoFree(options) }
        var found: [String: String] = [:]
        var o = options
        while let keyword = o.pointee.keyword {
            if let v = o.pointee.val { found[String(cString: keyword)] = String(cString: v) }
            o += 1
        }
        if let p = found["port"], !p.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ",") }) {
            throw ConfigError(file: file, key: key, message: "the PostgreSQL URL's port is not a number")
        }
        self.text = trimmed
        host = found["host"].flatMap { $0.isEmpty ? nil : $0 } ?? found["hostaddr"] ?? "the local socket"
        port = found["port"].flatMap { $0.isEmpty ? nil : $0 }
        database = found["dbname"].flatMap { $0.isEmpty ? nil : $0 } ?? found["user"] ?? "(the user's)"
        password = found["password"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `host 127.0.0.1:5432, database fangfan`: for messages.
    public var target: String { "host \(host)\(port.map { ":\($0)" } ?? ""), database \(database)" }

    public var description: String { "PostgreSQL (\(target))" }

    /// `message` with the password, if it appears in it, blanked out.
    func scrub(_ message: String) -> String {
        var m = message.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        if let password { m = m.replacingOccurrences(of: password, with: "***") }
        return m
    }
}
