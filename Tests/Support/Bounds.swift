import Foundation

/// Time and memory bounds in tests are for plain builds. `make sanitize` sets FANGFAN_SANITIZER=1: the
/// sanitizers' slower code scales time bounds by 10, and since their shadow memory and quarantine of freed
/// blocks measure the sanitizer rather than the pipeline, memory bounds are not checked there.
public enum Bounds {
    public static let sanitized = ProcessInfo.processInfo.environment["FANGFAN_SANITIZER"] == "1"
    public static func seconds(_ s: Double) -> Double { sanitized ? s * 10 : s }
    public static func kilobytes(_ kb: Int) -> Int { sanitized ? Int.max : kb }
}
