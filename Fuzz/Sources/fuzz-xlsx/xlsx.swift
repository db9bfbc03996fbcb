// libFuzzer target: zip + first-sheet XLSX reader.
import FangfanCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? XLSXReader.firstSheetRows(bytes: bytes)
    return 0
}
