/// The roster rules of FEEDS.md that need the whole file: one 户主 per household, household fields
/// consistent across members, a person in only one household. Every row of every household involved
/// is quarantined (`roster_conflict`), naming the other rows' lines.
enum RosterCheck {
    static let householdFields = [1, 2, 3, 8]   // town, village, household_type, prev_income
    static let hh = 0, person = 4, relation = 6
    static let fieldTitles = [1: "乡镇", 2: "行政村", 3: "户类型", 8: "上年家庭纯收入"]

    /// Problems by the rows' line numbers. `rows` are the valid rows of the file, in file order.
    /// Deterministic: households are taken in order of their first row, and each row gets its own
    /// household's problem. A row's message names the other rows of its household and, where a person
    /// is also listed elsewhere, that person's other rows.
    static func conflicts(_ rows: [(Int, NormalizedRow)], labelOfLine: (Int) -> String) -> [Int: RowProblem] {
        var order: [ArraySlice<UInt8>] = []
        var byHousehold: [ArraySlice<UInt8>: [Int]] = [:]     // household → row indexes, in file order
        var byPerson: [ArraySlice<UInt8>: [Int]] = [:]
        for (i, (_, r)) in rows.enumerated() {
            if byHousehold[r[hh]] == nil { order.append(r[hh]) }
            byHousehold[r[hh], default: []].append(i)
            byPerson[r[person], default: []].append(i)
        }
        var out: [Int: RowProblem] = [:]
        for h in order {
            let idx = byHousehold[h]!
            // the rows elsewhere (or repeated here) of this household's people
            var related = Set<Int>()
            var otherHouseholds = Set<ArraySlice<UInt8>>()
            for i in idx {
                for j in byPerson[rows[i].1[person]]! where j != i {
                    related.insert(j)
                    if rows[j].1[hh] != h { otherHouseholds.insert(rows[j].1[hh]) }
                }
            }
            var problem: (field: Int, message: String)?
            let first = rows[idx[0]].1
            if let f = householdFields.first(where: { f in idx.contains { rows[$0].1[f] != first[f] } }) {
                problem = (f, "同一户成员的“\(fieldTitles[f]!)”不一致")
            } else {
                let heads = idx.filter { rows[$0].1.string(relation) == "户主" }.count
                if heads != 1 { problem = (relation, heads == 0 ? "该户没有户主" : "该户有 \(heads) 个户主") }
            }
            if problem == nil && !related.isEmpty {
                problem = (person, otherHouseholds.isEmpty ? "同一身份证号在该户重复出现"
                    : "该户有成员的身份证号同时出现在另外 \(otherHouseholds.count) 个户中")
            }
            guard let (field, message) = problem else { continue }
            let involved = Set(idx).union(related)
            for i in idx {
                let (line, r) = rows[i]
                let others = involved.subtracting([i]).map { rows[$0].0 }.sorted()
                let also = others.isEmpty ? "" : "；相关行：" + others.prefix(20).map(labelOfLine).joined(separator: "、")
                    + (others.count > 20 ? " 等 \(others.count) 行" : "")
                out[line] = RowProblem(field: field, raw: r.string(field),
                    error: ValueError(.rosterConflict, "花名册冲突：\(message)，该户暂不能评估，请修正花名册后重新报送\(also)"))
            }
        }
        return out
    }
}
