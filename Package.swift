// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fangfan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fangfan", targets: ["fangfan"]),
        .executable(name: "fangfan-ingest", targets: ["fangfan-ingest"]),
        .executable(name: "fangfan-link", targets: ["fangfan-link"]),
        .executable(name: "fangfan-detect", targets: ["fangfan-detect"]),
        .executable(name: "fangfan-emit", targets: ["fangfan-emit"]),
        // for Fuzz/Package.swift (the libFuzzer targets), which depends on this package by path
        .library(name: "FangfanCore", targets: ["FangfanCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // SHA-256 of inbox files (the duplicate check): BoringSSL's, on the x86 SHA extensions where present
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CFangfanXML", path: "Sources/CFangfanXML", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CFangfanZlib", path: "Sources/CFangfanZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // libpq, PostgreSQL's own C client: the shared ledger (docs/decisions.md: why not PostgresNIO)
        .systemLibrary(
            name: "CFangfanPQ", path: "Sources/CFangfanPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .target(
            name: "FangfanCore",
            dependencies: [
                "CFangfanXML", "CFangfanZlib", "CFangfanPQ",
                // the SQLite C API under GRDB: the ledger's per-alert loop binds its arguments directly
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [
                // Release builds skip the runtime exclusivity checks (debug builds and the tests keep them).
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
            ]),
        .target(
            name: "FangfanCLI",
            dependencies: [
                "FangfanCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "fangfan", dependencies: ["FangfanCLI"]),
        .executableTarget(name: "fangfan-ingest", dependencies: ["FangfanCLI"]),
        .executableTarget(name: "fangfan-link", dependencies: ["FangfanCLI"]),
        .executableTarget(name: "fangfan-detect", dependencies: ["FangfanCLI"]),
        .executableTarget(name: "fangfan-emit", dependencies: ["FangfanCLI"]),
        // Tests: unit tests mirror the source folders; end-to-end, kill and disk-full tests run the built
        // commands (and LedgerKillChild, a writer they SIGKILL mid-transaction); both share Tests/Support.
        .target(name: "FangfanTestSupport", path: "Tests/Support"),
        .executableTarget(name: "LedgerKillChild", dependencies: ["FangfanCore"], path: "Tests/LedgerKillChild"),
        // the ledger's write at province scale on SQLite and PostgreSQL, for tools/bench.py (make bench)
        .executableTarget(name: "LedgerBench", dependencies: ["FangfanCore"], path: "Tests/LedgerBench"),
        .testTarget(name: "FangfanUnitTests", dependencies: ["FangfanCore", "FangfanCLI", "FangfanTestSupport"]),
        .testTarget(
            name: "FangfanEndToEndTests",
            dependencies: ["FangfanCore", "FangfanCLI", "FangfanTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
