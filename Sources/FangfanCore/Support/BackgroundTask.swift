import Foundation

/// Work on a thread of its own while the caller goes on (emit writes the ledger while it makes the lists).
final class BackgroundTask<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    init(name: String? = nil, _ body: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            result = Result { try body() }
            done.signal()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the work; its result, or its error.
    func wait() throws -> T {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
