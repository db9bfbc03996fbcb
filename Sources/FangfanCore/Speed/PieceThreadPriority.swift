#if canImport(Glibc)
import Glibc
#endif

/// The pieces of a large file (`CSVParallelParse`) yield to a file read in one pass: their threads run at a
/// lower scheduling priority (nice 10) than the process's others.
///
/// Ingest reads files two at a time. A large CSV file in pieces is four threads, and Linux shares a core
/// between threads, not files: a roster read in one pass beside the medical feed's pieces got a third of a
/// core, finished seconds after every other file, and ingest's last 2.5–3.5 s ran on one core (province).
/// The pieces are the work that can go to either core; the one pass is the critical path. With the pieces'
/// threads niced, the one pass keeps about a core, the pieces take the rest, and the tail is gone.
///
/// The same holds for work beside the ledger's recording (`ParallelResults.yielding`: emit's town lists,
/// detect's alerts.jsonl): the recording is the critical path, and their threads yield to it.
enum PieceThreadPriority {
    /// How much lower than the process's other threads the yielding threads run.
    static let niceness: Int32 = 10

    /// Lowers the calling thread's priority. On Linux the nice value is a thread's, and `setpriority` of
    /// `PRIO_PROCESS` 0 sets the calling thread's alone (setpriority(2), NOTES). A no-op elsewhere, and when
    /// the system refuses (lowering one's own priority needs no privilege).
    static func yieldToOthers() {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        let current = getpriority(which, 0)
        _ = setpriority(which, 0, min(current + niceness, 19))
        #endif
    }

    /// The calling thread's nice value (for tests; 0 where there is none to read).
    static var current: Int32 {
        #if os(Linux)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }
}
