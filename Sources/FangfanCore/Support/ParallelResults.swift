import Foundation

/// Work spread over both cores, its results (or errors) kept in order: ingest prepares files and link joins
/// feeds this way (`DispatchQueue.concurrentPerform`); emit writes town lists on threads that yield to the
/// ledger's recording (`yielding`).
///
/// Work started from inside other such work (a large file's CSV pieces, while ingest prepares files two at a
/// time) runs on threads of its own (`onThreads`): a `concurrentPerform` nested in another runs its
/// iterations on the calling thread alone (libdispatch divides the cores by the outer one's width), so the
/// pieces of the last large file would be worked on one core while the other waits.
final class ParallelResults<T>: @unchecked Sendable {
    private var results: [Result<T, Error>?]
    private let lock = NSLock()
    /// The next item a thread of `yielding` takes.
    private var nextItem = 0

    init(count: Int, _ body: @Sendable (Int) throws -> T) {
        results = Array(repeating: nil, count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let r = Result { try body(i) }
            lock.lock()
            results[i] = r
            lock.unlock()
        }
    }

    private init(results: [Result<T, Error>?]) { self.results = results }

    /// Items 1… on threads of their own, item 0 on the calling thread; all joined before it returns. The
    /// threads of their own yield to the process's others (`PieceThreadPriority`).
    static func onThreads(count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> ParallelResults<T> {
        startOnThreads(count: count, body).finish()
    }

    /// Items 1… started on threads of their own (as `onThreads`), item 0 left for `finish`: the caller does
    /// other work of its own in between (`CSVParallelParse` merges the wave before).
    static func startOnThreads(count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> Started {
        Started(count: count, body)
    }

    /// Items started by `startOnThreads`.
    final class Started {
        private let count: Int
        private let body: @Sendable (Int) throws -> T
        private let others: [BackgroundTask<T>]

        fileprivate init(count: Int, _ body: @escaping @Sendable (Int) throws -> T) {
            self.count = count
            self.body = body
            others = (1..<max(count, 1)).map { i in
                BackgroundTask(name: "fangfan-piece") {
                    PieceThreadPriority.yieldToOthers()
                    return try body(i)
                }
            }
        }

        /// No thread outlives its items, whatever the caller threw before `finish`.
        deinit { for t in others { _ = try? t.wait() } }

        /// Item 0 on the calling thread, then every item joined.
        func finish() -> ParallelResults<T> {
            var results: [Result<T, Error>?] = count > 0 ? [Result { try body(0) }] : []
            for t in others { results.append(Result { try t.wait() }) }
            return ParallelResults(results: results)
        }
    }

    /// The items on `threads` threads of their own that yield to the process's others (`PieceThreadPriority`),
    /// each taking the next item when it is done with one; the caller waits. For work that may finish after
    /// other work of the process without delaying the whole: emit's town lists beside the ledger's recording.
    static func yielding(count: Int, threads: Int = 2, _ body: @escaping @Sendable (Int) throws -> T) -> ParallelResults<T> {
        let all = ParallelResults(results: Array(repeating: nil, count: count))
        let workers = (0..<max(1, min(threads, count))).map { _ in
            BackgroundTask(name: "fangfan-yielding") {
                PieceThreadPriority.yieldToOthers()
                while true {
                    all.lock.lock()
                    let i = all.nextItem
                    all.nextItem += 1
                    all.lock.unlock()
                    guard i < count else { return }
                    let r = Result { try body(i) }
                    all.lock.lock()
                    all.results[i] = r
                    all.lock.unlock()
                }
            }
        }
        for w in workers { try? w.wait() }
        return all
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
