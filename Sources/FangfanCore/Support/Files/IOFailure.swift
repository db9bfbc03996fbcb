import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An input/output failure of the pipeline's own files (exit 74).
public struct IOFailure: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    /// The system's error number, when a call failed with one.
    public let errno: Int32?
    public init(path: String, message: String) {
        self.path = path
        self.message = message
        self.errno = nil
    }
    public init(path: String, errno e: Int32, doing: String) {
        self.path = path
        self.message = "\(doing): \(String(cString: strerror(e)))"
        self.errno = e
    }
    public var description: String { "\(path): \(message)" }
}
