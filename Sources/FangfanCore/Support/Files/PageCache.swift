import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The kernel's cached pages of a file the run has done with, handed back (`posix_fadvise` DONTNEED), so that
/// the files it writes next are written into pages just freed rather than into memory the machine has not
/// touched for a while.
///
/// On the virtual machine fangfan is measured on (as on many cloud machines), memory the guest frees goes back
/// to the host (free page reporting), and the first write into such a page costs the host a fault: writing 1 GB
/// into the page cache took 1.7–2.4 s there against 0.16 s into pages another file had just let go of. A run
/// writes its staged, linked and work files (4 GB at province scale) while files it has finished reading
/// stay cached: link hands back the staged files as it reads them and its linked files once committed. Only
/// pages already on disk are dropped (dirty ones are left, their writeback started); a later reader of the file
/// reads it from disk. See docs/performance.md, round 14.
enum PageCache {
    /// Drops the cached pages of `fd` from `offset` on, `length` bytes (0: to the end of the file).
    static func release(_ fd: Int32, offset: Int = 0, length: Int = 0) {
        #if os(Linux)
        _ = posix_fadvise(fd, off_t(offset), off_t(length), Int32(POSIX_FADV_DONTNEED))
        #endif
    }
}
