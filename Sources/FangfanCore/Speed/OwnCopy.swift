extension Array {
    /// The elements in a buffer of their own. `Array(self)` or a plain assignment shares the buffer and its
    /// reference count: an array read once a row by several threads (a large file's pieces) is given to each
    /// as its own copy, so that no two cores change one count, moving its cache line between them each time.
    func ownCopy() -> [Element] {
        var own: [Element] = []
        own.reserveCapacity(count)
        own.append(contentsOf: self)
        return own
    }
}
