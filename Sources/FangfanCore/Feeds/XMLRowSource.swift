import Foundation

final class XMLRowSource: RowSource {
    let reader: XMLRecordReader
    let spec: XMLRecordSpec
    let fieldLabels: [String]
    let extraColumns: [String] = []
    let feed: FeedConfig
    let source: ByteSource
    /// canonical field index → index in spec.fields
    let slots: [Int?]

    /// `reopen`: the file again from its start, so that it can be parsed on both cores
    /// (`XMLRecordReader`); nil parses it on one thread.
    init(source: ByteSource, reopen: (() throws -> ByteSource)? = nil, feed: FeedConfig) throws {
        guard let x = feed.xml else { throw FileRejection("该数据项不接受 XML 文件（配置中没有 [feeds.\(feed.kind.rawValue).xml]）") }
        self.feed = feed
        self.source = source
        let schema = feed.kind.schema
        var fields: [(name: String, path: String)] = []
        var slots: [Int?] = []
        var labels: [String] = []
        for f in schema.fields {
            if let p = x.fields[f.name] {
                slots.append(fields.count)
                fields.append((f.name, p))
                labels.append(p)
            } else {
                if f.required {
                    throw FileRejection("配置中没有为必需字段 \(f.name) 指定 XML 元素")
                }
                slots.append(nil)
                labels.append(f.name)
            }
        }
        self.slots = slots
        fieldLabels = labels
        spec = XMLRecordSpec(root: x.root, record: x.record, fields: fields, countAttribute: x.countAttribute)
        do { reader = try XMLRecordReader(source: source, spec: spec, reopen: reopen) } catch { throw XMLRowSource.rejection(error) }
    }

    /// As of the records read so far (the source is read on the XML reader's parse thread).
    var consumedFileBytes: Int { reader.consumedFileBytes }

    static func rejection(_ e: Error) -> Error {
        if let x = e as? XMLReadError {
            switch x {
            case .malformed(let l, let c, let m): return FileRejection("XML 格式错误（第 \(l) 行第 \(c) 列）：\(m)")
            case .doctypeForbidden(let l): return FileRejection("XML 含有 DOCTYPE 声明（第 \(l) 行）：正常导出不需要，按安全规则拒收")
            case .wrongRoot(let exp, let found): return FileRejection("XML 根元素是 <\(found)>，该数据项应为 <\(exp)>：不是该部门的数据文件")
            case .tooDeep(let l, let lim): return FileRejection("XML 嵌套超过 \(lim) 层（第 \(l) 行）：拒收")
            case .badDeclaredCount(let s): return FileRejection("XML 根元素声明的记录数无法识别：\(s)")
            case .source(let s): return FileRejection("文件无法读取：\(s)")
            }
        }
        if let i = e as? InputError { return FileRejection("文件无法读取：\(i.description)") }
        return e
    }

    func next(_ body: (Int, FieldCountProblem?, (Int) -> RawField?) throws -> Void) throws -> Bool {
        // the values are slices of the reader's buffer (no String per field), valid during `body`
        do { guard try reader.advance() else { return false } } catch { throw XMLRowSource.rejection(error) }
        let slots = self.slots
        let number = reader.currentNumber
        try reader.withValues { fields in
            try body(number, nil) { i in slots[i].flatMap(fields.value) }
        }
        return true
    }

    func finish() throws {
        let schema = feed.kind.schema
        if reader.recordsRead > 0 {
            for (i, f) in schema.fields.enumerated() where f.required {
                if let s = slots[i], !reader.fieldsSeen.contains(s) {
                    throw FileRejection("缺少必需的元素 <\(spec.fields[s].path)>（字段 \(f.name)）：没有一条记录含有它")
                }
            }
        }
        if let declared = reader.declaredCount, declared != reader.recordsRead {
            throw FileRejection("根元素声明 \(spec.countAttribute ?? "JLS")=\(declared) 条记录，实际只有 \(reader.recordsRead) 条：传输不完整，整个文件拒收，请重新发送")
        }
    }
}
