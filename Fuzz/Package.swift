// swift-tools-version:6.0
// The libFuzzer targets, a package of their own so that the main package's `swift build` never builds them.
// They link the main package's FangfanCore library, so moving or adding its source files needs no edit here.
// One executable per target, Sources/fuzz-NAME/NAME.swift (LLVMFuzzerTestOneInput; libFuzzer brings main).
// Built and run by `make fuzz` / `make fuzz-smoke` (Fuzz/run.sh) with fuzzer + AddressSanitizer instrumentation.
import PackageDescription

let fuzzTargets = ["csv", "xml", "xlsx", "values"]

let package = Package(
    name: "fangfan-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "fangfan", path: "..")],
    targets: fuzzTargets.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: [.product(name: "FangfanCore", package: "fangfan")])
    },
    swiftLanguageModes: [.v6]
)
