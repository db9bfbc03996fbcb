import Foundation

/// Speed only: link's `ReviewCandidateIndex`, built on a thread of its own as soon as link meets the first
/// record to review, while the feeds are still being linked, instead of after them on one core (a province's
/// roster has millions of members to sort). Started only when there is a record to review, so a month with
/// none builds nothing, as before. It decides nothing: the index is the one `ReviewSearch` would build.
final class ReviewCandidatesAhead: @unchecked Sendable {
    private let roster: RosterIndex
    private let lock = NSLock()
    private var task: BackgroundTask<ReviewCandidateIndex>?

    init(roster: RosterIndex) { self.roster = roster }

    /// Starts the build, once (none for an empty roster: the search asks for no candidate then).
    func start() {
        guard !roster.households.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if task == nil { task = BackgroundTask(name: "fangfan-review") { [roster] in ReviewCandidateIndex(roster: roster) } }
    }

    /// The index: waits for the build (starting it if nothing did).
    func index() -> ReviewCandidateIndex {
        start()
        lock.lock()
        let t = task
        lock.unlock()
        return t.flatMap { try? $0.wait() } ?? ReviewCandidateIndex(roster: roster)
    }
}
