import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A line of the quarantine (state/quarantine/<seq>.csv and out/M/quarantine.csv).
public enum QuarantineLine {
    public static let header = ["文件", "行号或记录号", "字段", "原始值", "原因代码", "说明"]
}
