/// The ledger as ingest's sink of findings and review decisions, opened when a file first needs it: a
/// county's first run on the shared ledger takes its county from the roster it is ingesting.
final class LedgerOnDemand: FindingsSink, ReviewSink {
    private var ledger: Ledger?
    private let open: () throws -> Ledger

    init(_ open: @escaping () throws -> Ledger) {
        self.open = open
    }

    init(_ ledger: Ledger) {
        self.ledger = ledger
        open = { ledger }
    }

    private func opened() throws -> Ledger {
        if let ledger { return ledger }
        let l = try open()
        ledger = l
        return l
    }

    func apply(findings rows: [NormalizedRow], file: String, sha256: String) throws -> [RowProblem?] {
        try opened().apply(findings: rows, file: file, sha256: sha256)
    }

    func apply(reviews rows: [NormalizedRow], file: String, sha256: String) throws -> [RowProblem?] {
        try opened().apply(reviews: rows, file: file, sha256: sha256)
    }
}
