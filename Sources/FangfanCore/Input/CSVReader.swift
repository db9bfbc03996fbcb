/// One CSV record: its fields' bytes (quotes removed, doubled quotes undone) and its physical line.
public struct CSVRecord {
    /// 1-based physical line where the record starts.
    public var line: Int
    /// The fields' bytes: `bytes[0..<used]` (the array is kept at its capacity and written in place), one
    /// separator byte between fields: field i is `bytes[(i == 0 ? 0 : ends[i - 1] + 1)..<ends[i]]`. A record
    /// without quotes is its line as read, copied in one piece, commas for separators.
    @usableFromInline var bytes: [UInt8] = []
    @usableFromInline var used = 0
    @usableFromInline var ends: [Int] = []
    /// Some field was quoted: without one, no field holds a comma, quote or line break.
    public var quoted = false

    init(line: Int) { self.line = line }

    mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
        let n = run.count
        if used + n > bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(used + n, 2 * bytes.count, 1024) - bytes.count)) }
        let at = used
        bytes.withUnsafeMutableBufferPointer { (b: inout UnsafeMutableBufferPointer<UInt8>) in
            (b.baseAddress! + at).update(from: run.baseAddress!, count: n)
        }
        used += n
    }

    mutating func append(_ byte: UInt8) {
        if used == bytes.count { bytes.append(byte) } else { bytes[used] = byte }
        used += 1
    }

    public var count: Int { ends.count }

    @inlinable public subscript(i: Int) -> ArraySlice<UInt8> {
        let start = i == 0 ? 0 : ends[i - 1] + 1
        return bytes[start..<ends[i]]
    }

    /// The bytes of the fields, excluding the separators (what the record-size limit counts).
    var contentBytes: Int { used - ends.count }

    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    /// Calls `body` with the record's bytes and field ends in place (field i is `RecordFields.field(i)`),
    /// valid during `body` only: no slice per field, so no reference counting per field.
    @inlinable
    public func withFields<R>(_ body: (RecordFields) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { b in
            try ends.withUnsafeBufferPointer { e in try body(RecordFields(bytes: b, ends: e)) }
        }
    }

    /// Appends the fields, each after a comma, as CSV: as they were read when none was quoted.
    public func appendFields(to out: inout [UInt8]) {
        if quoted {
            for i in 0..<count { out.append(0x2C); CSVOut.appendField(&out, self[i]) }
            return
        }
        // the line as read: its fields after a comma, the commas between them
        out.append(0x2C)
        bytes.withUnsafeBufferPointer { b in out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<used])) }
    }
    public var strings: [String] { (0..<count).map(string) }
}

/// A CSV record's fields in place (see `CSVRecord.withFields`).
public struct RecordFields {
    public let bytes: UnsafeBufferPointer<UInt8>
    public let ends: UnsafeBufferPointer<Int>
    @inlinable init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) { self.bytes = bytes; self.ends = ends }

    @inlinable public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[(i == 0 ? 0 : ends[i - 1] + 1)..<ends[i]])
    }

    public var count: Int { ends.count }
    @inlinable public subscript(i: Int) -> UnsafeBufferPointer<UInt8> { field(i) }
    public func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }
}

/// A record's fields by position, for code that reads staged records either way: a `CSVRecord` (its fields
/// slices of its arrays, each retained while used), or in place (`RecordFields`, `StagedRecord`: no reference
/// counting per field).
protocol RecordAccess {
    associatedtype Field: RandomAccessCollection where Field.Element == UInt8, Field.Index == Int
    var count: Int { get }
    subscript(i: Int) -> Field { get }
    func string(_ i: Int) -> String
}

extension CSVRecord: RecordAccess {}
extension RecordFields: RecordAccess {}

/// Limits against hostile files.
public struct CSVLimits: Sendable {
    public var maxFieldBytes: Int
    public var maxFields: Int
    /// A whole record (all its fields) longer than this rejects the file: many fields just under the
    /// field limit must not add up to a record held in memory and copied into the quarantine.
    public var maxRecordBytes: Int
    public init(maxFieldBytes: Int = 1 << 20, maxFields: Int = 4096, maxRecordBytes: Int? = nil) {
        self.maxFieldBytes = maxFieldBytes
        self.maxFields = maxFields
        self.maxRecordBytes = maxRecordBytes ?? max(4 << 20, 2 * maxFieldBytes)
    }
}

/// RFC 4180 reader working on UTF-8 bytes, streaming: memory is one block plus one record.
/// Quotes, doubled quotes, commas and line breaks inside quotes, CRLF or LF, a last line with or
/// without its line end. A line with nothing on it is skipped (it is not a row).
public final class CSVReader {
    private let source: DecodedSource
    private var buffer: [UInt8] = []
    private var pos = 0
    private var eof = false
    private var line = 1
    private let limits: CSVLimits
    private var record = CSVRecord(line: 1)
    /// A plain line's field ends, from the line's start (`plainLineInPlace`).
    private let plainEnds: UnsafeMutablePointer<Int>

    public init(_ source: DecodedSource, limits: CSVLimits = CSVLimits()) {
        self.source = source
        self.limits = limits
        plainEnds = .allocate(capacity: max(limits.maxFields, 1))
        buffer.reserveCapacity(source.blockSize + 16)
    }

    deinit { plainEnds.deallocate() }

    public var consumedFileBytes: Int { source.consumedFileBytes }

    /// Line ends read so far (CRLF one, a lone CR or LF one, inside quotes too): where the next piece's lines
    /// continue (`CSVParallelParse`).
    var linesRead: Int { line - 1 }

    /// Refills the buffer; false when the input has ended and nothing is left.
    private func refill() throws -> Bool {
        if eof { return false }
        if pos > 0 {
            buffer.removeFirst(pos)
            pos = 0
        }
        let before = buffer.count
        while buffer.count == before {
            if try !source.next(into: &buffer) { eof = true; return buffer.count > before }
        }
        return true
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// The next record, or nil at the end. The record is valid until the next call.
    public func next() throws -> CSVRecord? {
        try advance() ? record : nil
    }

    /// Calls `body` with the next record's line and its fields in place, valid during `body` only; false at
    /// the end. The record is not handed out: no reference counting of its arrays a record (`next` retains
    /// and releases them).
    func withNextFields(_ body: (_ line: Int, _ fields: RecordFields) throws -> Void) throws -> Bool {
        try withNextFields(body, plainTried: false)
    }

    /// `withNextFields`; `plainTried`: the next record was just found not to be a plain line in the buffer as
    /// it is (`forEachRecord`), so it is not scanned as one again before the general path reads it.
    private func withNextFields(_ body: (_ line: Int, _ fields: RecordFields) throws -> Void, plainTried: Bool) throws -> Bool {
        guard try advance(plainTried: plainTried) else { return false }
        try record.withFields { try body(record.line, $0) }
        return true
    }

    /// Calls `body` with every record to the end, each with its line and its fields in place (valid during
    /// `body` only), and `between` after each: what `withNextFields` gives, record after record. A line without
    /// a quote that lies wholly in the buffer (nearly every line) is handed out where it lies, the buffer held
    /// once for all of them: not copied into `record`, its field ends not appended to an array, nothing
    /// reference counted a record. Any other record is read into `record` by `withNextFields`.
    func forEachRecord(_ body: (_ line: Int, _ fields: RecordFields) throws -> Void, between: () -> Void) throws {
        let ends = plainEnds
        while true {
            try buffer.withUnsafeBufferPointer { p in
                while let (start, end, count) = plainLineInPlace(p) {
                    let fields = RecordFields(
                        bytes: UnsafeBufferPointer(rebasing: p[start..<end]), ends: UnsafeBufferPointer(start: ends, count: count))
                    try body(line - 1, fields)
                    between()
                }
            }
            guard try withNextFields(body, plainTried: true) else { return }
            between()
        }
    }

    /// A record with no quoted field that lies wholly in the buffer `p` (nearly every line): its delimiters
    /// found a word at a time; its bytes' range in `p` and its number of fields, their ends (from the record's
    /// start) in `plainEnds`; the line consumed. Nil (nothing consumed) for anything else — a quote at a
    /// field's start, a blank line, a line that runs past the buffer, a limit reached — which the general
    /// reader below then takes from the start.
    @inline(__always)
    private func plainLineInPlace(_ p: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        let ends = plainEnds
        let n = p.count, start = pos
        guard start < n, p[start] != 0x0A, p[start] != 0x0D else { return nil }
        var i = start, k = 0
        while true {
            if p[i] == 0x22 { return nil }
            let j = CSVReader.delimiter(in: p, from: i)
            if j >= n || j - i > limits.maxFieldBytes { return nil }
            ends[k] = j - start
            k += 1
            if p[j] == 0x2C {
                if k >= limits.maxFields { return nil }
                i = j + 1
                if i >= n { return nil }
                continue
            }
            // LF, or CR with its LF in the buffer too (a CR at the buffer's end: the general reader)
            var next = j + 1
            if p[j] == 0x0D {
                if next >= n { return nil }
                if p[next] == 0x0A { next += 1 }
            }
            if (j - start) - (k - 1) > limits.maxRecordBytes { return nil }
            pos = next
            line += 1
            return (start, j, k)
        }
    }

    /// Reads the next record that is not a blank line into `record`; false at the end. `plainTried`: the
    /// next record is not a plain line in the buffer as it is (the records after a blank line may be).
    private func advance(plainTried: Bool = false) throws -> Bool {
        var plainTried = plainTried
        while true {
            guard let blankLine = try readRecord(plainTried: plainTried) else { return false }
            if record.count == 1 && record.ends[0] == 0 && blankLine {
                plainTried = false
                continue
            }
            return true
        }
    }

    /// Reads the next record into `record`: whether it was a blank line, nil at the end.
    private func readRecord(plainTried: Bool) throws -> Bool? {
        record.used = 0
        record.quoted = false
        record.ends.removeAll(keepingCapacity: true)
        record.line = line
        if !plainTried && readPlainLine() { return false }
        var state = State.fieldStart
        var fieldStart = 0
        var sawAny = false
        var quoteLine = line
        while true {
            if pos >= buffer.count {
                if try !refill() {
                    // end of input
                    switch state {
                    case .quoted:
                        throw InputError.unterminatedQuote(line: quoteLine)
                    case .fieldStart:
                        if !sawAny { return nil }
                        record.ends.append(record.used)
                    case .unquoted, .quoteInQuoted:
                        record.ends.append(record.used)
                    }
                    return false
                }
            }
            let n = buffer.count
            var i = pos
            var done = false
            var blank = false
            try buffer.withUnsafeBufferPointer { p in
                scan: while i < n {
                    let c = p[i]
                    switch state {
                    case .fieldStart:
                        if c == 0x22 { state = .quoted; quoteLine = line; sawAny = true; record.quoted = true; i += 1; continue scan }
                        state = .unquoted
                        fieldStart = record.used
                        fallthrough
                    case .unquoted:
                        // copy a run of ordinary bytes at once
                        let j = CSVReader.delimiter(in: p, from: i)
                        if j > i {
                            record.append(UnsafeBufferPointer(rebasing: p[i..<j]))
                            sawAny = true
                            if record.used - fieldStart > limits.maxFieldBytes {
                                throw InputError.fieldTooLarge(line: record.line, limit: limits.maxFieldBytes)
                            }
                            if record.contentBytes > limits.maxRecordBytes {
                                throw InputError.recordBytesTooLarge(line: record.line, limit: limits.maxRecordBytes)
                            }
                            i = j
                            if i >= n { break scan }
                        }
                        let b = p[i]
                        if b == 0x2C {
                            record.ends.append(record.used)
                            record.append(0x2C)
                            // a comma always starts one more field: fail as soon as that one is past the limit
                            if record.ends.count >= limits.maxFields {
                                throw InputError.recordTooLarge(line: record.line, limit: limits.maxFields)
                            }
                            state = .fieldStart
                            fieldStart = record.used
                            sawAny = true
                            i += 1
                        } else if b == 0x0A {
                            blank = !sawAny
                            record.ends.append(record.used)
                            line += 1
                            i += 1
                            done = true
                            break scan
                        } else {  // CR: end of line; an LF right after belongs to it
                            blank = !sawAny
                            record.ends.append(record.used)
                            i += 1
                            done = true
                            crPending = true
                            break scan
                        }
                    case .quoted:
                        var j = i
                        while j < n {
                            let b = p[j]
                            if b == 0x22 { break }
                            if b == 0x0A { line += 1 }
                            j += 1
                        }
                        if j > i {
                            record.append(UnsafeBufferPointer(rebasing: p[i..<j]))
                            if record.used - fieldStart > limits.maxFieldBytes {
                                throw InputError.fieldTooLarge(line: record.line, limit: limits.maxFieldBytes)
                            }
                            if record.contentBytes > limits.maxRecordBytes {
                                throw InputError.recordBytesTooLarge(line: record.line, limit: limits.maxRecordBytes)
                            }
                            i = j
                            if i >= n { break scan }
                        }
                        state = .quoteInQuoted
                        i += 1
                    case .quoteInQuoted:
                        if c == 0x22 {
                            record.append(0x22)
                            if record.used - fieldStart > limits.maxFieldBytes {
                                throw InputError.fieldTooLarge(line: record.line, limit: limits.maxFieldBytes)
                            }
                            if record.contentBytes > limits.maxRecordBytes {
                                throw InputError.recordBytesTooLarge(line: record.line, limit: limits.maxRecordBytes)
                            }
                            state = .quoted
                            i += 1
                        } else {
                            // closing quote; what follows is read as unquoted text (lenient: `"a"b` → `ab`)
                            state = .unquoted
                        }
                    }
                }
            }
            pos = i
            if done {
                if crPending {
                    crPending = false
                    line += 1
                    // swallow the LF of a CRLF, possibly in the next block
                    if pos >= buffer.count { _ = try refill() }
                    if pos < buffer.count && buffer[pos] == 0x0A { pos += 1 }
                }
                return blank
            }
        }
    }

    private var crPending = false

    /// A plain line (`plainLineInPlace`) copied into the record in one piece, its ends with it; false (nothing
    /// consumed, the record left empty) for anything else.
    private func readPlainLine() -> Bool {
        guard let (start, end, count) = buffer.withUnsafeBufferPointer({ plainLineInPlace($0) }) else { return false }
        record.ends.append(contentsOf: UnsafeBufferPointer(start: plainEnds, count: count))
        buffer.withUnsafeBufferPointer { record.append(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        return true
    }

    /// The position of the first comma, LF or CR at or after `i` (the end if none): eight bytes at a time.
    @inline(__always)
    static func delimiter(in p: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        let n = p.count
        var j = i
        let base = p.baseAddress!
        while j + 8 <= n {
            let w = ByteWords.load(base, j)
            if ByteWords.has(w, 0x2C) | ByteWords.has(w, 0x0A) | ByteWords.has(w, 0x0D) != 0 { break }
            j += 8
        }
        while j < n {
            let b = p[j]
            if b == 0x2C || b == 0x0A || b == 0x0D { return j }
            j += 1
        }
        return j
    }
}

extension CSVRecord {
    /// A record of the given fields, as a reader would give it (for the few records link makes itself).
    static func make(_ fields: [String]) -> CSVRecord {
        var line: [UInt8] = []
        CSVOut.appendRow(&line, fields)
        let reader = CSVReader(
            try! DecodedSource(MemoryByteSource(line), encoding: .utf8),
            limits: CSVLimits(maxFieldBytes: 1 << 24, maxFields: 64))
        return try! reader.next()!
    }
}
