// libFuzzer target: the streaming XML record reader with the disaster feed's shape (inherited attributes),
// read in one sequence and in pieces on both cores (XMLParallelParse): both must give the same records,
// the same error and the same root attributes, or the target stops with both outcomes.
import FangfanCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let spec = XMLRecordSpec(
        root: "ZQSJ", record: "SZH",
        fields: [("event_id", "ZHSJ/@BH"), ("person_id", "HZSFZH"), ("loss", "ZJJJSS"), ("x", "@X")],
        countAttribute: "JLS")
    let split = [Int(size % 11) + 1]
    let sequential = read(bytes, spec, split: split, pieceBytes: nil)
    let inPieces = read(bytes, spec, split: split, pieceBytes: Int(size % 97) + 1)
    if sequential != inPieces {
        fatalError("pieces differ from one sequence:\n\(sequential)\n\(inPieces)")
    }
    return 0
}

struct Outcome: Equatable {
    var records: [XMLRecord] = []
    var error: String?
    var root: [String: String] = [:]
    var declared: Int?
}

func read(_ bytes: [UInt8], _ spec: XMLRecordSpec, split: [Int], pieceBytes: Int?) -> Outcome {
    var out = Outcome()
    do {
        let reopen: (() throws -> ByteSource)? = pieceBytes == nil ? nil : { MemoryByteSource(bytes, pieces: split) }
        let reader = try XMLRecordReader(
            source: MemoryByteSource(bytes, pieces: split), spec: spec,
            reopen: reopen, pieceBytes: pieceBytes ?? 1)
        do {
            while let r = try reader.next() { out.records.append(r) }
        } catch {
            out.error = "\(error)"
        }
        out.root = reader.rootAttributes
        out.declared = reader.declaredCount
    } catch {
        out.error = "\(error)"
    }
    return out
}
