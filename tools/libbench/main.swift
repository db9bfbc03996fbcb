import Foundation
import FangfanCore
import Crypto
import ZIPFoundation
import TOMLKit
import SwiftCSV

#if canImport(Glibc)
import Glibc
#endif

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
        + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

func peakMB() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024
}

func timed<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
    let c0 = cpuSeconds()
    let t0 = DispatchTime.now().uptimeNanoseconds
    let r = try body()
    let t1 = DispatchTime.now().uptimeNanoseconds
    return (r, Double(t1 - t0) / 1e9, cpuSeconds() - c0)
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }

let args = CommandLine.arguments
let mode = args.count > 1 ? args[1] : ""

// MARK: SHA-256

/// The read loop of Ingestor.sha256(of:): 1 MB reads from FileByteSource.
func shaFangfan(path: String) throws -> String {
    let src = try FileByteSource(path: path)
    var h = SHA256Hasher()
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buf.deallocate() }
    while true {
        let n = try src.read(into: buf)
        if n == 0 { break }
        h.update(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
    }
    return SHA256Hasher.hex(h.finalize())
}

func shaCrypto(path: String) throws -> String {
    let src = try FileByteSource(path: path)
    var h = Crypto.SHA256()
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buf.deallocate() }
    while true {
        let n = try src.read(into: buf)
        if n == 0 { break }
        h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buf[0..<n]))
    }
    return h.finalize().map { String(format: "%02x", $0) }.joined()
}

func shaBench() throws {
    let path = args[2]
    let reps = Int(args[3]) ?? 5
    // in-memory: 256 MB, no I/O
    var mem = [UInt8](repeating: 0, count: 256 << 20)
    for i in mem.indices { mem[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
    var fileF: [Double] = [], fileC: [Double] = [], memF: [Double] = [], memC: [Double] = []
    for r in 0..<reps {
        let (a, _, wa) = try timed { try shaFangfan(path: path) }
        let (b, _, wb) = try timed { try shaCrypto(path: path) }
        precondition(a == b, "digests differ")
        let (c, _, wc) = timed { () -> String in
            var h = SHA256Hasher()
            mem.withUnsafeBytes { h.update($0) }
            return SHA256Hasher.hex(h.finalize())
        }
        let (d, _, wd) = timed { () -> String in
            var h = Crypto.SHA256()
            mem.withUnsafeBytes { h.update(bufferPointer: $0) }
            return h.finalize().map { String(format: "%02x", $0) }.joined()
        }
        precondition(c == d, "digests differ")
        fileF.append(wa); fileC.append(wb); memF.append(wc); memC.append(wd)
        print("rep \(r) (CPU seconds): file fangfan \(fmt(wa)) s, swift-crypto \(fmt(wb)) s; 256 MB in memory fangfan \(fmt(wc)) s, swift-crypto \(fmt(wd)) s")
    }
    func med(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
    let size = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber).intValue) / 1e6
    print("file \(Int(size)) MB medians: fangfan \(fmt(med(fileF))) s (\(Int(size / med(fileF))) MB/s), swift-crypto \(fmt(med(fileC))) s (\(Int(size / med(fileC))) MB/s); min \(fmt(fileF.min()!)) / \(fmt(fileC.min()!))")
    print("memory 268 MB medians: fangfan \(fmt(med(memF))) s (\(Int(268.4 / med(memF))) MB/s), swift-crypto \(fmt(med(memC))) s (\(Int(268.4 / med(memC))) MB/s); min \(fmt(memF.min()!)) / \(fmt(memC.min()!))")
}

// MARK: TOML

func tomlCheck() throws {
    let text = try String(contentsOfFile: args[2], encoding: .utf8)
    let (mine, w1, _) = try timed { try TOML.parse(text) }
    let (theirs, w2, _) = try timed { try TOMLKit.TOMLTable(string: text) }
    print("parse \(args[2]): fangfan \(fmt(w1 * 1000)) ms, TOMLKit \(fmt(w2 * 1000)) ms")
    print("top-level key order: fangfan \(mine.keys)  TOMLKit \(theirs.keys)")
    // every decimal in the file: literal vs what TOMLKit hands out
    func walk(_ t: FangfanCore.TOMLTable, _ k: TOMLKit.TOMLTable, _ path: String) {
        for e in t.entries {
            guard let kv = k[e.key] else { print("TOMLKit lacks \(path)\(e.key)"); continue }
            switch e.value {
            case .decimal(let lit): print("\(path)\(e.key): literal \(lit) -> TOMLKit double \(kv.double.map { "\($0)" } ?? "nil")")
            case .table(let sub): if let st = kv.table { walk(sub, st, path + e.key + ".") }
            default: break
            }
        }
    }
    walk(mine, theirs, "")
    let tricky = """
        a = 0.1
        b = 1234567890.123456789
        c = 0.30000000000000001
        d = 12345678901234567.5
        f = 1.15
        """
    let m2 = try TOML.parse(tricky)
    let k2 = try TOMLKit.TOMLTable(string: tricky)
    for e in m2.entries {
        print("tricky \(e.key): fangfan \(e.value) ; TOMLKit \(k2[e.key]?.double.map { "\($0)" } ?? "nil") (line info: TOMLKit exposes none per key)")
    }
    do { _ = try TOMLKit.TOMLTable(string: "e = 1e400\n"); print("TOMLKit took 1e400") } catch { print("TOMLKit 1e400: \(error)") }
    do { print("fangfan 1e400: \(try TOML.parse("e = 1e400\n").entries[0].value)") } catch { print("fangfan 1e400: \(error)") }
    do { _ = try TOMLKit.TOMLTable(string: "x = 1\nx = 2\n") } catch { print("TOMLKit duplicate-key error: \(error)") }
    do { _ = try TOML.parse("x = 1\nx = 2\n") } catch { print("fangfan duplicate-key error: \(error)") }
}

// MARK: ZIP / XLSX

func sheet(rows: Int) -> XLSXSheetSpec {
    let cols = (0..<10).map { XLSXColumn(header: "列\($0)", width: 12) }
    var data: [[XLSXCell]] = []
    data.reserveCapacity(rows)
    for r in 0..<rows {
        data.append([
            .text("4211\(String(format: "%014d", r * 7919 % 99_999_999_999_999))"), .text("乡镇\(r % 17)"),
            .text("村\(r % 311)"), .text("张三\(r % 1000)"), .number("\(r % 90000).\(r % 100)"),
            .number("\(r % 7000).50"), .text("脱贫户"), .text("R\(r)"), .number("\(r)"), .empty,
        ])
    }
    return XLSXSheetSpec(name: "名单", columns: cols, rows: data)
}

func zipWrite() throws {
    let impl = args[2], rows = Int(args[3])!, out = args[4]
    let s = sheet(rows: rows)
    let (bytes, w, c) = try timed { () -> [UInt8] in
        let b = try XLSXWriter.data(s)
        return b
    }
    FileManager.default.createFile(atPath: out, contents: Data(bytes))
    print("write \(impl): \(bytes.count) bytes, wall \(fmt(w)) s, cpu \(fmt(c)) s, peak \(Int(peakMB())) MB (includes building the sheet rows)")
}

func parts(of path: String) throws -> [(String, [UInt8])] {
    let src = try ZipArchive(path: path)
    return try src.entries.map { ($0.name, try src.read($0)) }
}

func zipFoundationWrite(_ parts: [(String, [UInt8])]) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    let date = Date(timeIntervalSince1970: 315_532_800)
    for (name, bytes) in parts {
        let d = Data(bytes)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(d.count), modificationDate: date,
                             compressionMethod: .deflate, bufferSize: 1 << 16) { pos, size in
            d.subdata(in: Int(pos)..<(Int(pos) + size))
        }
    }
    return archive.data!
}

func fangfanWrite(_ parts: [(String, [UInt8])]) throws -> [UInt8] {
    var z = ZipBuilder()
    for (name, bytes) in parts { try z.add(name, bytes) }
    return try z.finish()
}

/// The container only: the parts of an existing xlsx zipped again by ZipBuilder and by ZIPFoundation, alternating.
func zipWriteOnly() throws {
    let ps = try parts(of: args[2]), reps = Int(args[3]) ?? 5
    print("parts: \(ps.count), \(ps.reduce(0) { $0 + $1.1.count }) bytes uncompressed")
    for r in 0..<reps {
        let (a, wa, _) = try timed { try fangfanWrite(ps) }
        let (b, wb, _) = try timed { try zipFoundationWrite(ps) }
        print("rep \(r): ZipBuilder \(fmt(wa)) s -> \(a.count) bytes; ZIPFoundation \(fmt(wb)) s -> \(b.count) bytes")
    }
}

/// One implementation per process, for peak memory.
func zipWriteOne() throws {
    let impl = args[2], ps = try parts(of: args[3])
    let base = peakMB()
    let (n, w, c) = try timed { impl == "fangfan" ? try fangfanWrite(ps).count : try zipFoundationWrite(ps).count }
    print("zip-write \(impl): \(n) bytes, wall \(fmt(w)) s, cpu \(fmt(c)) s, peak \(Int(peakMB())) MB (parts alone \(Int(base)) MB)")
}

func zipRead() throws {
    let impl = args[2], path = args[3]
    let (n, w, c) = try timed { () -> Int in
        if impl == "fangfan" {
            let a = try ZipArchive(path: path)
            var total = 0
            for e in a.entries { total += try a.read(e).count }
            return total
        } else {
            let a = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            var total = 0
            for e in a {
                var out = Data()
                out.reserveCapacity(Int(e.uncompressedSize))
                _ = try a.extract(e, bufferSize: 1 << 16) { out.append($0) }
                total += out.count
            }
            return total
        }
    }
    print("read \(impl): \(n) bytes inflated, wall \(fmt(w)) s, cpu \(fmt(c)) s, peak \(Int(peakMB())) MB")
}

/// What ZIPFoundation does with hostile archives that fangfan refuses.
func zipHostile() throws {
    func zf(_ label: String, _ bytes: [UInt8]) {
        do {
            let a = try Archive(data: Data(bytes), accessMode: .read)
            for e in a {
                var got = 0
                _ = try a.extract(e) { got += $0.count }
                print("ZIPFoundation \(label): entry \(e.path.debugDescription) declared \(e.uncompressedSize) -> delivered \(got) bytes, no error")
            }
        } catch { print("ZIPFoundation \(label): error \(error)") }
        do {
            let a = try ZipArchive(bytes: bytes)
            for e in a.entries { _ = try a.read(e) }
            print("fangfan \(label): accepted")
        } catch { print("fangfan \(label): \(error)") }
    }
    // a bomb: 200 MB of zeros deflated, declared as 1 KB
    let big = [UInt8](repeating: 0, count: 200 << 20)
    let deflated = try deflateForBench(big)
    zf("bomb (200 MB of zeros declared as 1 KB)", try rawZip(name: "xl/worksheets/sheet1.xml", payload: deflated, method: 8, crc: crc(big), size: 1024))
    zf("ratio bomb (200 MB declared honestly)", try rawZip(name: "xl/worksheets/sheet1.xml", payload: deflated, method: 8, crc: crc(big), size: big.count))
    zf("traversal name", try rawZip(name: "../../etc/passwd", payload: Array("x".utf8), method: 0, crc: crc(Array("x".utf8)), size: 1))
    zf("absolute name", try rawZip(name: "/etc/passwd", payload: Array("x".utf8), method: 0, crc: crc(Array("x".utf8)), size: 1))
}

func crc(_ b: [UInt8]) -> UInt32 { Data(b).crc32(checksum: 0) }

func deflateForBench(_ b: [UInt8]) throws -> [UInt8] {
    // ZIPFoundation's own raw deflate
    var out = Data()
    let d = Data(b)
    _ = try Data.compress(size: Int64(d.count), bufferSize: 1 << 20, provider: { pos, size in
        d.subdata(in: Int(pos)..<(Int(pos) + size))
    }, consumer: { out.append($0) })
    return Array(out)
}

func rawZip(name: String, payload: [UInt8], method: UInt16, crc: UInt32, size: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    func le16(_ v: Int) { out.append(UInt8(v & 0xff)); out.append(UInt8((v >> 8) & 0xff)) }
    func le32(_ v: Int) { le16(v & 0xffff); le16((v >> 16) & 0xffff) }
    let n = Array(name.utf8)
    le32(0x04034b50); le16(20); le16(0); le16(Int(method)); le16(0); le16(0x21); le32(Int(crc)); le32(payload.count); le32(size); le16(n.count); le16(0)
    out += n; out += payload
    let cd = out.count
    le32(0x02014b50); le16(20); le16(20); le16(0); le16(Int(method)); le16(0); le16(0x21); le32(Int(crc)); le32(payload.count); le32(size); le16(n.count); le16(0); le16(0); le16(0); le16(0); le32(0); le32(0)
    out += n
    let cdSize = out.count - cd
    le32(0x06054b50); le16(0); le16(0); le16(1); le16(1); le32(cdSize); le32(cd); le16(0)
    return out
}

// MARK: CSV

func csvBench() throws {
    let impl = args[2], path = args[3]
    let (r, w, c) = try timed { () -> (Int, Int) in
        switch impl {
        case "fangfan":
            let reader = FangfanCore.CSVReader(try DecodedSource(FileByteSource(path: path), encoding: .utf8))
            var records = 0, fields = 0
            while let rec = try reader.next() { records += 1; fields += rec.count }
            return (records, fields)
        case "swiftcsv":
            let csv = try SwiftCSV.CSV<Enumerated>(url: URL(fileURLWithPath: path), delimiter: .comma, loadColumns: false)
            var records = 0, fields = 0
            records = csv.rows.count + 1; fields = csv.header.count
            for row in csv.rows { fields += row.count }
            return (records, fields)
        case "csvswift":
            return try yaslabCount(path)
        default: fatalError()
        }
    }
    print("csv \(impl): \(r.0) records, \(r.1) fields, wall \(fmt(w)) s, cpu \(fmt(c)) s, peak \(Int(peakMB())) MB")
}


switch mode {
case "sha": try shaBench()
case "toml": try tomlCheck()
case "genxlsx": try zipWrite()
case "zipwrite": try zipWriteOnly()
case "zipwrite1": try zipWriteOne()
case "zipread": try zipRead()
case "ziphostile": try zipHostile()
case "csv": try csvBench()
default: print("modes: sha toml zipwrite zipread ziphostile csv")
}
