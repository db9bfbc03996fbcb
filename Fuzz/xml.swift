// libFuzzer target: the streaming XML record reader with the disaster feed's shape (inherited attributes).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let spec = XMLRecordSpec(root: "ZQSJ", record: "SZH",
                             fields: [("event_id", "ZHSJ/@BH"), ("person_id", "HZSFZH"), ("loss", "ZJJJSS"), ("x", "@X")],
                             countAttribute: "JLS")
    do {
        let reader = try XMLRecordReader(source: MemoryByteSource(bytes, pieces: [Int(size % 11) + 1]), spec: spec)
        while let r = try reader.next() { _ = r.values.count }
        _ = reader.declaredCount
    } catch {}
    return 0
}
