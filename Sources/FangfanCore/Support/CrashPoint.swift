import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Test hook: with `FANGFAN_CRASH_AT=<point>[:<n>]` in the environment, the process kills itself with
/// SIGKILL the n-th time (default first) it passes `point`. Used by the kill tests to stop a stage
/// between any two of its durable steps; never set in production.
public enum CrashPoint {
    nonisolated(unsafe) private static var counts: [String: Int] = [:]
    private static let lock = NSLock()
    private static let setting: (String, Int)? = {
        guard let v = getenv("FANGFAN_CRASH_AT").map({ String(cString: $0) }), !v.isEmpty else { return nil }
        let parts = v.split(separator: ":")
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()

    @inline(__always)
    public static func hit(_ point: String) {
        guard let (name, n) = setting, name == point else { return }
        lock.lock()
        counts[point, default: 0] += 1
        let reached = counts[point]! == n
        lock.unlock()
        if reached { kill(getpid(), SIGKILL) }
    }
}
