import Foundation

/// A growable run of plain values (bytes, integers) for the XML parse's hot path: the SAX callbacks
/// write a block's records into these several times per element (`SAXState`), and a Swift array
/// checked on every write that its storage was not shared.
///
/// Copies share the storage, like a reference: a block of records is handed from the parse thread to
/// the reader by handing its buffers over, and whoever holds one writes to it alone (the parse thread
/// until the hand-over, the reader after it). The storage is freed with the last copy.
struct RawBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    final class Storage {
        var base: UnsafeMutablePointer<Element>
        var capacity: Int
        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            base = .allocate(capacity: self.capacity)
        }
        deinit { base.deallocate() }
    }

    private var storage: Storage
    /// Where the values start (the storage's, kept here so that no write touches the storage object).
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 0) {
        storage = Storage(capacity: capacity)
        base = storage.base
        self.capacity = storage.capacity
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = value
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf values: UnsafeBufferPointer<Element>) {
        let n = values.count
        if count + n > capacity { grow(to: count + n) }
        if n > 0 { (base + count).update(from: values.baseAddress!, count: n) }
        count += n
    }

    mutating func append(contentsOf values: [Element]) {
        values.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Drops the last `n` values.
    mutating func removeLast(_ n: Int) {
        precondition(n >= 0 && n <= count)
        count -= n
    }

    /// Empties the buffer, keeping its storage.
    mutating func removeAll() { count = 0 }

    mutating func reserveCapacity(_ n: Int) {
        if n > capacity { grow(to: n) }
    }

    private mutating func grow(to needed: Int) {
        let fresh = Storage(capacity: max(needed, capacity * 2))
        fresh.base.update(from: base, count: count)
        storage = fresh
        base = fresh.base
        capacity = fresh.capacity
    }
}
