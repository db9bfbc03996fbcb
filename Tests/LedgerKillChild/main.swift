import FangfanCore
import Foundation

// The child of LedgerKillTests.testKillSafety (not a test, not a product): opens the ledger named on the
// command line, marks `<db>.started`, records 100,000 alerts in one transaction and marks `<db>.finished`.
// The test SIGKILLs it in the middle of that transaction.
let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: LedgerKillChild <ledger.sqlite>\n".utf8))
    exit(64)
}
let path = arguments[1]
let ledger = try Ledger(path: path)
let alerts = (0..<100_000).map { i in
    LedgerAlert(
        alertId: "K\(i)", householdId: "44082599" + String(String(i + 100_000_000).dropFirst()), town: "锦和镇",
        village: "锦和村", month: "2021-06", level: .red, triggers: ["illness"], householdType: "脱贫户")
}
_ = FileManager.default.createFile(atPath: path + ".started", contents: nil)
try ledger.recordMonth("2021-06", run: "run 2021-06", alerts: alerts, evaluations: [])
_ = FileManager.default.createFile(atPath: path + ".finished", contents: nil)
