import Foundation

/// glibc's malloc, told to keep the memory a stage frees for the next one.
///
/// By default glibc hands every large block (above a threshold it adjusts as it goes, 128 KiB at first)
/// back to the kernel when it is freed, and trims the heap's top above 128 KiB: the next block of that
/// size faults in and zeroes its pages again. A run frees and reallocates large buffers file after file
/// and stage after stage, and at province scale that was 1.4 million page faults and a third of the
/// kernel time. With both thresholds raised the freed memory stays in the process and is reused: the
/// faults drop by 40%, the peak grows by about a quarter (still under half of DuckDB's), see README
/// "Performance".
public enum MemoryTuning {
    /// glibc's `mallopt` parameters (malloc.h), which Swift's Glibc module does not declare.
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3, arenaMax: Int32 = -8

    /// Raises the thresholds, and holds the arenas to one per core; a no-op where there is no glibc `mallopt`.
    /// Call once, before the work.
    ///
    /// glibc gives threads up to eight arenas per core. The stages' threads come and go (pieces of a file, halves
    /// of alerts.jsonl, the towns' lists), and what each frees stays in its arena until it is handed back
    /// (`returnFreedMemory`). With one arena per core a province's eleventh month, run again on its ledger,
    /// peaks at 969–996 MiB (five runs) instead of 991–1,078 (seven), its first month at 869–879 instead of
    /// 943–975, a county's at 178–187 instead of 198–235, in the same time (performance.md, round 12).
    public static func keepFreedMemory() {
        #if os(Linux)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(mmapThreshold, 1 << 30)
        _ = mallopt(trimThreshold, Int32.max)
        _ = mallopt(arenaMax, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        #endif
    }

    /// Hands the memory that is free in every arena back to the kernel (glibc's `malloc_trim(0)`), between
    /// the stages of `fangfan run`: what one stage freed on its threads is otherwise kept (the thresholds
    /// above) where the next stage's threads may not reuse it. A no-op without glibc.
    public static func returnFreedMemory() {
        #if os(Linux)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
