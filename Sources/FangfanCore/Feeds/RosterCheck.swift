/// The roster rules of FEEDS.md that need the whole file: one 户主 per household, household fields
/// consistent across members, a person in only one household. Every row of every household involved
/// is quarantined (`roster_conflict`), naming the other rows' lines.
enum RosterCheck {
    static let householdFields = [1, 2, 3, 8]   // town, village, household_type, prev_income
    static let hh = 0, person = 4, relation = 6

    static func conflicts(_ rows: [(Int, NormalizedRow)], labelOfLine: (Int) -> String) -> [Int: RowProblem] {
        var byHousehold: [ArraySlice<UInt8>: [Int]] = [:]     // household → row indexes
        var byPerson: [ArraySlice<UInt8>: [Int]] = [:]
        for (i, (_, r)) in rows.enumerated() {
            byHousehold[r[hh], default: []].append(i)
            byPerson[r[person], default: []].append(i)
        }
        // why each household is in conflict: (field, message)
        var bad: [ArraySlice<UInt8>: (Int, String)] = [:]
        for (h, idx) in byHousehold {
            let first = rows[idx[0]].1
            if let f = householdFields.first(where: { f in idx.contains { rows[$0].1[f] != first[f] } }) {
                let what = ["", "乡镇", "行政村", "户类型", "", "", "", "", "上年家庭纯收入"][f]
                bad[h] = (f, "同一户成员的“\(what)”不一致")
                continue
            }
            let heads = idx.filter { rows[$0].1.string(relation) == "户主" }.count
            if heads != 1 {
                bad[h] = (relation, heads == 0 ? "该户没有户主" : "该户有 \(heads) 个户主")
            }
        }
        for (_, idx) in byPerson where idx.count > 1 {
            let households = Set(idx.map { rows[$0].1[hh] })
            let msg = households.count > 1 ? "同一身份证号出现在 \(households.count) 个户中" : "同一身份证号在该户重复出现"
            for h in households where bad[h] == nil { bad[h] = (person, msg) }
            // the other households sharing the person are named through the lines below
            for h in households { byHousehold[h] = Array(Set(byHousehold[h]! + idx)).sorted() }
        }
        var out: [Int: RowProblem] = [:]
        for (h, (field, msg)) in bad {
            let idx = byHousehold[h]!
            for i in idx {
                let (line, r) = rows[i]
                if out[line] != nil { continue }
                let others = idx.filter { $0 != i }.map { rows[$0].0 }.sorted()
                let also = others.isEmpty ? "" : "；相关行：" + others.prefix(20).map(labelOfLine).joined(separator: "、")
                    + (others.count > 20 ? " 等 \(others.count) 行" : "")
                out[line] = RowProblem(field: field, raw: r.string(field),
                    error: ValueError(.rosterConflict, "花名册冲突：\(msg)，该户暂不能评估，请修正花名册后重新报送\(also)"))
            }
        }
        return out
    }
}
