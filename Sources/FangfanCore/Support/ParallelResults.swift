import Foundation

/// Work spread over both cores (`DispatchQueue.concurrentPerform`), its results (or errors) kept in order:
/// ingest prepares files, link joins feeds and emit writes town lists this way.
final class ParallelResults<T>: @unchecked Sendable {
    private var results: [Result<T, Error>?]
    private let lock = NSLock()

    init(count: Int, _ body: @Sendable (Int) throws -> T) {
        results = Array(repeating: nil, count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let r = Result { try body(i) }
            lock.lock()
            results[i] = r
            lock.unlock()
        }
    }

    /// The result of item i, or its error.
    func get(_ i: Int) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try results[i]!.get()
    }

    /// Every result in order, or the first error in item order.
    func all() throws -> [T] { try (0..<results.count).map(get) }
}
