import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// What one run of ingest did.
public struct IngestReport: Sendable {
    public var files: [ManifestEntry] = []
    /// The index of the roster this run accepted last (when asked for), made while it was read.
    public var roster: (seq: Int, index: RosterIndex)?
    public var waiting = 0
    public var rejected: Int { files.filter { $0.status == .rejected }.count }
}
