import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a staged file — fangfan's own output, UTF-8 that ingest validated and CSV that `CSVOut` wrote — into
/// the same records as `CSVReader` would, with less work per record: the file's bytes are read into one
/// buffer and split there (no decoding layer: no UTF-8 validation, no NUL check, no copy into a second buffer),
/// and a record with no quote and no CR (nearly every one) is found a word at a time and copied in one piece.
/// Any other record (quoted fields, a CR, a blank line, the end of the file) takes a general path with
/// `CSVReader`'s rules. Tests hold the two readers equal (`StagedFileReaderTests`).
///
/// It trusts its input as far as encoding goes: bytes that are not UTF-8, or a NUL byte, which `CSVReader`
/// rejects, are passed through. Only link and the other readers of staged files use it.
final class StagedFileReader {
    private let source: FileByteSource
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The unread bytes: `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var eof = false
    private var atFileStart = true
    private var line = 1
    private let limits: CSVLimits
    /// A plain line's field ends, from the line's start (`plainLine`).
    private let ends: UnsafeMutablePointer<Int>

    /// - Parameter releasingBehind: the file's cached pages are handed back as it is read (`PageCache`).
    init(path: String, limits: CSVLimits, blockSize: Int = 1 << 20, releasingBehind: Bool = false) throws {
        source = try FileByteSource(path: path, releasingBehind: releasingBehind)
        self.limits = limits
        capacity = max(blockSize, 16)
        buffer = .allocate(capacity: capacity)
        ends = .allocate(capacity: max(limits.maxFields, 1))
    }

    deinit {
        buffer.deallocate()
        ends.deallocate()
    }

    /// Calls `body` with every record to the end, in place (valid during `body` only): what `next(into:)`
    /// gives, record after record, a plain line handed out where it lies in the buffer (not copied into a
    /// record, its field ends not appended to an array), any other record as the general path reads it.
    func forEachRecord(_ body: (StagedRecord) throws -> Void) throws {
        var record = CSVRecord(line: 1)
        while true {
            switch try advance(&record) {
            case .end: return
            case .general: try record.withFields { try body(StagedRecord(fields: $0, quoted: record.quoted)) }
            case .plain(let from, let length, let count):
                let fields = RecordFields(
                    bytes: UnsafeBufferPointer(start: buffer + from, count: length), ends: UnsafeBufferPointer(start: ends, count: count))
                try body(StagedRecord(fields: fields, quoted: false))
            }
        }
    }

    /// Reads the next record into `record` (its storage reused); false at the end of the file.
    func next(into record: inout CSVRecord) throws -> Bool {
        switch try advance(&record) {
        case .end: return false
        case .general: return true
        case .plain(let from, let length, let count):
            // (copied into the record whole, its ends with it)
            record.used = 0
            record.quoted = false
            record.ends.removeAll(keepingCapacity: true)
            record.ends.append(contentsOf: UnsafeBufferPointer(start: ends, count: count))
            record.append(UnsafeBufferPointer(start: buffer + from, count: length))
            record.line = line - 1
            return true
        }
    }

    /// Where the next record is: a plain line in the buffer (its start, length and number of fields, the field
    /// ends in `ends`), or in `record`, read by the general path; or the end of the file.
    private enum Next {
        case plain(from: Int, length: Int, count: Int)
        case general, end
    }

    private func advance(_ record: inout CSVRecord) throws -> Next {
        while true {
            if start >= end {
                if eof { return .end }
                try fill()
                continue
            }
            let plain = plainLine()
            switch plain.outcome {
            case .record: return .plain(from: plain.from, length: plain.length, count: plain.count)
            case .more:
                if !eof {
                    try fill()
                    continue
                }
            // the file's last line, without a line end: the general path ends it
            case .general: break
            }
            switch try general(&record) {
            case .record: return .general
            case .blank, .none: continue
            case .more: try fill()
            }
        }
    }

    private enum Plain { case record, more, general }
    private enum Outcome { case record, blank, more, none }
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Moves the unread bytes to the buffer's start (growing it when a record fills it) and reads more.
    private func fill() throws {
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        } else if end == capacity {
            if capacity > 2 * limits.maxRecordBytes + (1 << 20) {
                throw InputError.recordBytesTooLarge(line: line, limit: limits.maxRecordBytes)
            }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 { eof = true }
        end += n
        // a BOM at the file's start is not text (as `DecodedSource` drops it)
        if atFileStart && (end >= 3 || eof) {
            atFileStart = false
            if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
        } else if atFileStart && !eof {
            try fill()
        }
    }

    /// The high bit of every byte of `x` that is zero, and of no other.
    @inline(__always) private static func zeroBytes(_ x: UInt64) -> UInt64 {
        ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
    }

    /// A line with no quote and no CR that ends with an LF in the buffer: its commas found a word at a time,
    /// its field ends (from the line's start) in `ends`; the line's start and length in the buffer and its
    /// number of fields, the line consumed. Nothing consumed for `.more` and `.general`.
    private func plainLine() -> (outcome: Plain, from: Int, length: Int, count: Int) {
        let p = buffer, from = start, n = end
        if p[from] == 0x0A { return (.general, 0, 0, 0) }  // a blank line
        var k = 0
        var j = from
        var fieldFrom = from
        while true {
            var hit = -1
            while j + 8 <= n {
                let w = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)
                var m =
                    Self.zeroBytes(w ^ 0x2C2C_2C2C_2C2C_2C2C) | Self.zeroBytes(w ^ 0x0A0A_0A0A_0A0A_0A0A)
                    | Self.zeroBytes(w ^ 0x0D0D_0D0D_0D0D_0D0D) | Self.zeroBytes(w ^ 0x2222_2222_2222_2222)
                // the commas of this word, then what ends the line
                while m != 0 {
                    let at = j + m.trailingZeroBitCount >> 3
                    if p[at] != 0x2C {
                        hit = at
                        break
                    }
                    if at - fieldFrom > limits.maxFieldBytes { return (.general, 0, 0, 0) }
                    ends[k] = at - from
                    k += 1
                    if k >= limits.maxFields { return (.general, 0, 0, 0) }
                    fieldFrom = at + 1
                    m &= m &- 1
                }
                if hit >= 0 { break }
                j += 8
            }
            if hit < 0 {
                // the buffer's last bytes, one at a time
                while j < n {
                    let b = p[j]
                    if b == 0x2C {
                        if j - fieldFrom > limits.maxFieldBytes { return (.general, 0, 0, 0) }
                        ends[k] = j - from
                        k += 1
                        if k >= limits.maxFields { return (.general, 0, 0, 0) }
                        fieldFrom = j + 1
                    } else if b == 0x0A || b == 0x0D || b == 0x22 {
                        hit = j
                        break
                    }
                    j += 1
                }
                if hit < 0 { return (.more, 0, 0, 0) }
            }
            if p[hit] != 0x0A { return (.general, 0, 0, 0) }  // a quote or a CR
            if hit - fieldFrom > limits.maxFieldBytes { return (.general, 0, 0, 0) }
            let length = hit - from
            if length - k > limits.maxRecordBytes { return (.general, 0, 0, 0) }
            ends[k] = length
            k += 1
            line += 1
            start = hit + 1
            return (.record, from, length, k)
        }
    }

    /// One record from `start` by `CSVReader`'s rules, when it lies wholly in the buffer (else `.more`, nothing
    /// consumed) or the buffer holds the rest of the file.
    private func general(_ record: inout CSVRecord) throws -> Outcome {
        record.used = 0
        record.quoted = false
        record.ends.removeAll(keepingCapacity: true)
        record.line = line
        let p = buffer, n = end
        var i = start
        var ln = line
        var state = State.fieldStart
        var fieldStart = 0
        var sawAny = false
        var quoteLine = ln
        func checkSize() throws {
            if record.used - fieldStart > limits.maxFieldBytes {
                throw InputError.fieldTooLarge(line: record.line, limit: limits.maxFieldBytes)
            }
            if record.contentBytes > limits.maxRecordBytes {
                throw InputError.recordBytesTooLarge(line: record.line, limit: limits.maxRecordBytes)
            }
        }
        scan: while i < n {
            let c = p[i]
            switch state {
            case .fieldStart:
                if c == 0x22 {
                    state = .quoted
                    quoteLine = ln
                    sawAny = true
                    record.quoted = true
                    i += 1
                    continue scan
                }
                state = .unquoted
                fieldStart = record.used
                fallthrough
            case .unquoted:
                var j = i
                while j < n {
                    let b = p[j]
                    if b == 0x2C || b == 0x0A || b == 0x0D { break }
                    j += 1
                }
                if j > i {
                    record.append(UnsafeBufferPointer(start: p + i, count: j - i))
                    sawAny = true
                    try checkSize()
                    i = j
                    if i >= n { break scan }
                }
                let b = p[i]
                if b == 0x2C {
                    record.ends.append(record.used)
                    record.append(0x2C)
                    if record.ends.count >= limits.maxFields {
                        throw InputError.recordTooLarge(line: record.line, limit: limits.maxFields)
                    }
                    state = .fieldStart
                    fieldStart = record.used
                    sawAny = true
                    i += 1
                } else {
                    // LF, or CR (an LF right after belongs to it: the next byte must be in the buffer)
                    if b == 0x0D && i + 1 >= n && !eof { return .more }
                    record.ends.append(record.used)
                    i += 1
                    if b == 0x0D && i < n && p[i] == 0x0A { i += 1 }
                    line = ln + 1
                    start = i
                    return sawAny ? .record : .blank
                }
            case .quoted:
                var j = i
                while j < n {
                    let b = p[j]
                    if b == 0x22 { break }
                    if b == 0x0A { ln += 1 }
                    j += 1
                }
                if j > i {
                    record.append(UnsafeBufferPointer(start: p + i, count: j - i))
                    try checkSize()
                    i = j
                    if i >= n { break scan }
                }
                state = .quoteInQuoted
                i += 1
            case .quoteInQuoted:
                if c == 0x22 {
                    record.append(0x22)
                    try checkSize()
                    state = .quoted
                    i += 1
                } else {
                    // closing quote; what follows is read as unquoted text (lenient: `"a"b` → `ab`)
                    state = .unquoted
                }
            }
        }
        if !eof { return .more }
        // the end of the file
        start = n
        line = ln
        switch state {
        case .quoted: throw InputError.unterminatedQuote(line: quoteLine)
        case .fieldStart: if !sawAny { return .none }
        case .unquoted, .quoteInQuoted: break
        }
        record.ends.append(record.used)
        return .record
    }
}

/// A staged record as `StagedFileReader.forEachRecord` hands it out: its fields in place, and whether one was
/// quoted (how `appendFields` writes it back).
struct StagedRecord: RecordAccess {
    let fields: RecordFields
    let quoted: Bool

    var count: Int { fields.count }
    subscript(i: Int) -> UnsafeBufferPointer<UInt8> { fields.field(i) }
    func string(_ i: Int) -> String { fields.string(i) }

    /// The fields, each after a comma, as CSV: as `CSVRecord.appendFields` writes them (the line as read when
    /// none was quoted).
    func appendFields(to out: inout [UInt8]) {
        if quoted {
            for i in 0..<count { out.append(0x2C); CSVOut.appendField(&out, fields.field(i)) }
            return
        }
        out.append(0x2C)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: fields.bytes[0..<(fields.ends.last ?? 0)]))
    }
}
