/// The roster rules of FEEDS.md that need the whole file: one 户主 per household, household fields
/// consistent across members, a person in only one household. Every row of every household involved
/// is quarantined (`roster_conflict`), naming the other rows' lines.
enum RosterCheck {
    static let householdFields = [1, 2, 3, 8]  // town, village, household_type, prev_income
    static let hh = 0, person = 4, relation = 6
    static let fieldTitles = [1: "乡镇", 2: "行政村", 3: "户类型", 8: "上年家庭纯收入"]
    static let head = Array("户主".utf8)

    /// Problems by the rows' line numbers. `rows` are the valid rows of the file, in file order — or, in
    /// ingest, only those of the households `RosterRowKeys` found (each household's problem depends on its
    /// own rows and on the rows of its people listed elsewhere, all of them among those).
    /// Deterministic: each row gets its own household's problem. A row's message names the other rows of
    /// its household and, where a person is also listed elsewhere, that person's other rows.
    /// Memory: two keys and an index per row, and lists only for the (rare) people listed twice.
    static func conflicts(_ rows: HeldRows, labelOfLine: (Int) -> String) -> [Int: RowProblem] {
        let n = rows.count
        var householdKeys = [UInt64](), personKeys = [UInt64]()
        householdKeys.reserveCapacity(n)
        personKeys.reserveCapacity(n)
        for i in 0..<n {
            householdKeys.append(HouseholdID.staged(rows.field(i, hh)).key)
            personKeys.append(ResidentID.staged(rows.field(i, person)).key)
        }
        // people listed more than once → all their rows (found by sorting: usually there are none)
        var repeated: [UInt64: [Int]] = [:]
        let listedTwice = SortedKeys.repeatedKeys(personKeys)
        if !listedTwice.isEmpty {
            let isRepeated = KeySet(listedTwice)
            for i in 0..<n where isRepeated.contains(personKeys[i]) { repeated[personKeys[i], default: []].append(i) }
        }
        // rows grouped by household, file order kept inside each household
        // (an export lists a household's members together: then file order is already grouped)
        var order = Array(0..<n)
        if !isGrouped(householdKeys) { order.sort { (householdKeys[$0], $0) < (householdKeys[$1], $1) } }
        var out: [Int: RowProblem] = [:]
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && householdKeys[order[end]] == householdKeys[order[start]] { end += 1 }
            let idx = order[start..<end]
            let first = order[start]
            start = end
            // the rows elsewhere (or repeated here) of this household's people
            var related = Set<Int>()
            var otherHouseholds = Set<UInt64>()
            for i in idx {
                guard let all = repeated[personKeys[i]] else { continue }
                for j in all where j != i {
                    related.insert(j)
                    if householdKeys[j] != householdKeys[i] { otherHouseholds.insert(householdKeys[j]) }
                }
            }
            var problem: (field: Int, message: String)?
            if let f = householdFields.first(where: { f in idx.contains { rows.field($0, f) != rows.field(first, f) } }) {
                problem = (f, "同一户成员的“\(fieldTitles[f]!)”不一致")
            } else {
                var heads = 0
                for i in idx where rows.field(i, relation).elementsEqual(head) { heads += 1 }
                if heads != 1 { problem = (relation, heads == 0 ? "该户没有户主" : "该户有 \(heads) 个户主") }
            }
            if problem == nil && !related.isEmpty {
                problem = (
                    person,
                    otherHouseholds.isEmpty
                        ? "同一身份证号在该户重复出现"
                        : "该户有成员的身份证号同时出现在另外 \(otherHouseholds.count) 个户中"
                )
            }
            guard let (field, message) = problem else { continue }
            let involved = Set(idx).union(related)
            for i in idx {
                let others = involved.subtracting([i]).map { rows.lines[$0] }.sorted()
                let also =
                    others.isEmpty
                    ? ""
                    : "；相关行：" + others.prefix(20).map(labelOfLine).joined(separator: "、")
                        + (others.count > 20 ? " 等 \(others.count) 行" : "")
                out[rows.lines[i]] = RowProblem(
                    field: field, raw: rows.string(i, field),
                    error: ValueError(.rosterConflict, "花名册冲突：\(message)，该户暂不能评估，请修正花名册后重新报送\(also)"))
            }
        }
        return out
    }

    /// Each key's rows come one after another (keys may come in any order).
    /// (as many runs of equal keys as there are distinct keys)
    static func isGrouped(_ keys: [UInt64]) -> Bool {
        guard !keys.isEmpty else { return true }
        var runs = 1
        for i in 1..<keys.count where keys[i] != keys[i - 1] { runs += 1 }
        return runs == SortedKeys.distinctCount(keys)
    }
}
