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

    init(path: String, limits: CSVLimits, blockSize: Int = 1 << 20) throws {
        source = try FileByteSource(path: path)
        self.limits = limits
        capacity = max(blockSize, 16)
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Reads the next record into `record` (its storage reused); false at the end of the file.
    func next(into record: inout CSVRecord) throws -> Bool {
        while true {
            if start >= end {
                if eof { return false }
                try fill()
                continue
            }
            switch plainLine(&record) {
            case .record: return true
            case .more:
                if !eof {
                    try fill()
                    continue
                }
            // the file's last line, without a line end: the general path ends it
            case .general: break
            }
            switch try general(&record) {
            case .record: return true
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
    /// copied into the record whole.
    private func plainLine(_ record: inout CSVRecord) -> Plain {
        let p = buffer, from = start, n = end
        if p[from] == 0x0A { return .general }  // a blank line
        record.used = 0
        record.quoted = false
        record.ends.removeAll(keepingCapacity: true)
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
                    if at - fieldFrom > limits.maxFieldBytes { return .general }
                    record.ends.append(at - from)
                    if record.ends.count >= limits.maxFields { return .general }
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
                        if j - fieldFrom > limits.maxFieldBytes { return .general }
                        record.ends.append(j - from)
                        if record.ends.count >= limits.maxFields { return .general }
                        fieldFrom = j + 1
                    } else if b == 0x0A || b == 0x0D || b == 0x22 {
                        hit = j
                        break
                    }
                    j += 1
                }
                if hit < 0 { return .more }
            }
            if p[hit] != 0x0A { return .general }  // a quote or a CR
            if hit - fieldFrom > limits.maxFieldBytes { return .general }
            let length = hit - from
            if length - record.ends.count > limits.maxRecordBytes { return .general }
            record.ends.append(length)
            record.append(UnsafeBufferPointer(start: p + from, count: length))
            record.line = line
            line += 1
            start = hit + 1
            return .record
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
