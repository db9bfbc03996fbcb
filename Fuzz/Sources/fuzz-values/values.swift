// libFuzzer target: the value parsers (resident ID, household ID, date, month, money, text).
import FangfanCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValues(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let today = Day(year: 2021, month: 6, day: 2)!
    if case .success(let id) = ResidentID.parse(bytes, today: today) {
        // the normal form parses back to the same ID
        guard case .success(let again) = ResidentID.parse(Array(id.description.utf8), today: today), again == id else {
            fatalError("ID round trip")
        }
        _ = id.masked
        _ = id.birthDate.age(on: today)
    }
    _ = HouseholdID.parse(bytes)
    if case .success(let d) = Day.parse(bytes) {
        guard case .success(let again) = Day.parse(Array(d.description.utf8)), again == d else { fatalError("date round trip") }
    }
    if case .success(let m) = Month.parse(bytes) {
        guard case .success(let again) = Month.parse(Array(m.description.utf8)), again == m else { fatalError("month round trip") }
    }
    if case .success(let m?) = Money.parse(bytes) {
        guard case .success(let again?) = Money.parse(Array(m.description.utf8)), again == m else { fatalError("money round trip") }
    }
    _ = Text.normalize(bytes)
    return 0
}
