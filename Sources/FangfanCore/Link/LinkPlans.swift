import Foundation

/// Each feed's `Linker.LinkPlan`, made once, by the first of the feed's parts to ask for it; a part of the same
/// feed that asks meanwhile waits for it. A feed's plan is then ready when its first part begins, and the largest
/// part need not wait for the plans of every other feed.
final class LinkPlans: @unchecked Sendable {
    /// One feed's plan, with the lock its parts take to make or read it.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var plan: Linker.LinkPlan?
    }

    private let slots: [Slot]
    private let make: @Sendable (Int) throws -> Linker.LinkPlan

    /// `make(i)`: feed i's plan.
    init(count: Int, make: @escaping @Sendable (Int) throws -> Linker.LinkPlan) {
        slots = (0..<count).map { _ in Slot() }
        self.make = make
    }

    /// Feed i's plan, made now if no part asked for it before. (A plan that failed is tried again by the next
    /// part to ask: its error is each part's.)
    func plan(_ i: Int) throws -> Linker.LinkPlan {
        let slot = slots[i]
        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let p = slot.plan { return p }
        let p = try make(i)
        slot.plan = p
        return p
    }
}
