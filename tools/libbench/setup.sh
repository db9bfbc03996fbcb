#!/usr/bin/env bash
# The benchmark behind docs/libraries.md: fangfan's hand-written parts against the mirror's packages.
# Makes a scratch copy of the package at REV (default 1857f1f, the last commit with the hand-written
# SHA-256) in DIR, adds the `bench` target and the candidate packages, makes ZipBuilder public so the
# container can be timed alone, and builds it in release. Nothing here is part of the project's build.
#   bash tools/libbench/setup.sh [DIR] [REV]; then DIR/.build/release/bench (modes: sha toml genxlsx
#   zipwrite zipwrite1 zipread ziphostile csv; see docs/libraries.md for the commands used)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-/tmp/fbench}"
rev="${2:-1857f1f}"
mkdir -p "$dir"
git -C "$here/../.." archive "$rev" | tar -x -C "$dir"
mkdir -p "$dir/Sources/bench"
cp "$here/main.swift" "$here/yaslab.swift" "$dir/Sources/bench/"
cd "$dir"
python3 - <<'PY'
p = open('Package.swift').read()
p = p.replace('''        .executable(name: "fangfan", targets: ["fangfan"]),''', '''        .executable(name: "fangfan", targets: ["fangfan"]),
        .executable(name: "bench", targets: ["bench"]),''')
p = p.replace('''        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),''', '''        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),''')
p = p.replace('''        .testTarget(''', '''        .executableTarget(name: "bench", dependencies: ["FangfanCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "SwiftCSV", package: "SwiftCSV"),
            .product(name: "CSV", package: "CSV.swift"),
        ]),
        .testTarget(''')
open('Package.swift', 'w').write(p)
f = 'Sources/FangfanCore/Input/ZipArchive.swift'
p = open(f).read()
p = p.replace("struct ZipBuilder {\n    private(set) var bytes", "public struct ZipBuilder {\n    public init() {}\n    private(set) var bytes")
p = p.replace("    mutating func add(_ name: String, _ data: [UInt8], deflate: Bool = true)", "    public mutating func add(_ name: String, _ data: [UInt8], deflate: Bool = true)")
p = p.replace("    func finish() throws -> [UInt8] {", "    public func finish() throws -> [UInt8] {")
open(f, 'w').write(p)
PY
swift build -c release --product bench
