#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP end a run at once with status 128 + the signal (143 for SIGTERM), after one
/// line on standard error.
///
/// Stopping at once is safe: every stage is built to survive SIGKILL at any point (its effects are
/// temporaries until a durable commit, and the next run's recovery removes what was left), and the
/// kernel releases the run lock (flock) when the process ends. The handler only calls write(2) and
/// _exit(2), both async-signal-safe; it touches no Swift runtime, no allocation, no lock.
///
/// A signal the process was started with ignored stays ignored (`nohup fangfan run`, or `fangfan run &`
/// from a script, where the shell ignores SIGINT).
public enum Signals {
    public static func installInterruptHandlers() {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            var current = sigaction()
            if sigaction(sig, nil, &current) == 0,
                let h = current.__sigaction_handler.sa_handler, unsafeBitCast(h, to: Int.self) == 1 /* SIG_IGN */
            {
                continue
            }
            var sa = sigaction()
            sa.__sigaction_handler.sa_handler = { sig in
                let message: StaticString
                switch sig {
                case SIGTERM: message = "fangfan: interrupted by SIGTERM; nothing half-done is kept, a rerun completes the work\n"
                case SIGINT: message = "\nfangfan: interrupted by SIGINT; nothing half-done is kept, a rerun completes the work\n"
                default: message = "fangfan: interrupted by SIGHUP; nothing half-done is kept, a rerun completes the work\n"
                }
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(128 + sig)
            }
            sigemptyset(&sa.sa_mask)
            sa.sa_flags = 0
            _ = sigaction(sig, &sa, nil)
        }
    }
}
