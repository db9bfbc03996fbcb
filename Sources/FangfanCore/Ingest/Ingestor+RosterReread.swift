extension Ingestor {
    /// A roster file read a second time, when its first pass found conflicted households (`RosterRowKeys`):
    /// the valid rows of those households come back held, with their values as sent, for `RosterCheck`'s
    /// messages; every other valid row is staged again (`stage`) and added to `index`, in file order.
    func rereadRoster(
        _ f: InboxFile, feed: FeedConfig, format: Format, gzip: Bool, encoding: TextEncoding, conflicted: KeySet,
        validator: RowValidator, stage: (inout NormalizedRow) throws -> Void, index: inout RosterBuilder?
    ) throws -> HeldRows {
        let (rows, _) = try openRows(f, feed: feed, format: format, gzip: gzip, encoding: encoding)
        var held = HeldRows(fieldCount: feed.kind.schema.fields.count)
        var row = NormalizedRow()
        try rows.forEachRow { location, countProblem, raw in
            guard countProblem == nil, validator.validate(raw, into: &row) == nil else { return }
            if conflicted.contains(HouseholdID.staged(row[RosterCheck.hh]).key) {
                held.append(line: location, row: row, raw: raw)
            } else {
                try stage(&row)
                index?.add { row[$0] }
            }
        }
        try rows.finish()
        return held
    }
}
