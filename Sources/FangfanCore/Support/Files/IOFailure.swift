import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An input/output failure of the pipeline's own files (exit 74).
public struct IOFailure: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public init(path: String, errno e: Int32, doing: String) {
        self.path = path
        self.message = "\(doing): \(String(cString: strerror(e)))"
    }
    public var description: String { "\(path): \(message)" }
}
