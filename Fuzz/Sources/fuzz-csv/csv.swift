// libFuzzer target: the CSV reader behind the decoder (auto → restart as GB18030, as ingest does).
import FangfanCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let pieces = bytes.isEmpty ? [] : [Int(bytes[0] % 7) + 1, Int(bytes[bytes.count - 1] % 13) + 1]
    for encoding in [TextEncoding.auto, .gb18030] {
        do {
            let reader = CSVReader(
                try DecodedSource(MemoryByteSource(bytes, pieces: pieces), encoding: encoding, blockSize: 64),
                limits: CSVLimits(maxFieldBytes: 4096, maxFields: 256))
            var n = 0
            while let r = try reader.next() {
                n += r.count
                for i in 0..<r.count { _ = r[i].count }
            }
            _ = n
            return 0
        } catch is NotUTF8 {
            continue
        } catch {
            return 0
        }
    }
    return 0
}
