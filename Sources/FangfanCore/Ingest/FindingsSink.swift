import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Applies returned verification findings to the case ledger when their file is ingested.
public protocol FindingsSink: AnyObject {
    /// One result per row: nil when applied (or unchanged), else the quarantine problem.
    /// Applying the same file (same sha256) twice must change nothing.
    func apply(findings rows: [NormalizedRow], file: String, sha256: String) throws -> [RowProblem?]
}
