#!/usr/bin/env bash
# make fuzz: builds each libFuzzer target with swiftc -sanitize=fuzzer,address and runs it for a bounded time.
# Crashes land in Fuzz/crashes/<target>/ and should become regression fixtures under Tests/Fixtures/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
OUT=.build-fuzz
mkdir -p "$OUT"
CORE=Sources/FangfanCore
COMMON=(-sanitize=fuzzer,address -parse-as-library -O -g
        -Xcc -fmodule-map-file=Sources/CFangfanXML/module.modulemap -Xcc -fmodule-map-file=Sources/CFangfanZlib/module.modulemap
        -I Sources/CFangfanXML -I Sources/CFangfanZlib -Xcc -I/usr/include/libxml2 -lxml2 -lz)
INPUT=($CORE/Input/*.swift $CORE/Values/*.swift $CORE/Feeds/NormalizedRow.swift $CORE/Feeds/FastPaths.swift)
for target in ${FUZZ_TARGETS:-values csv xml xlsx}; do
  echo "== fuzz $target (${SECONDS_PER_TARGET}s)"
  swiftc "${COMMON[@]}" -module-name Fuzz_$target "${INPUT[@]}" Fuzz/$target.swift -o "$OUT/fuzz-$target" 2>&1 | { grep -v "Cannot export local symbol" || true; }
  mkdir -p "Fuzz/corpus/$target" "Fuzz/crashes/$target"
  "$OUT/fuzz-$target" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -max_len=65536 \
     -artifact_prefix="Fuzz/crashes/$target/" -print_final_stats=1 "Fuzz/corpus/$target" Fuzz/seeds/$target 2>&1 \
     | grep -E "^#|stat::|ERROR|SUMMARY|Done" | tail -8
done
