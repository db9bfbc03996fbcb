import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Observes progress (rows and bytes) of the file being read.
public protocol IngestProgress: AnyObject {
    func begin(file: String, bytes: Int)
    func advance(rows: Int, bytes: Int)
    func end()
}
