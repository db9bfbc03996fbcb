#!/usr/bin/env bash
# make fuzz / make fuzz-smoke: builds the libFuzzer targets (the package in Fuzz/, linked against the main package's
# FangfanCore library, so no list of source files to keep) and runs each one.
#   Fuzz/run.sh          optimized build; each target for FUZZ_SECONDS (default 60), growing Fuzz/corpus/<target>/
#                        from Fuzz/seeds/<target>/
#   Fuzz/run.sh --smoke  debug build (under half the compile CPU time); each target once over every file in
#                        Fuzz/seeds/<target>/, then for FUZZ_SECONDS (default 5) from a throw-away corpus.
#                        CI runs this, so the targets keep building.
# FUZZ_CONFIG=debug|release overrides the build configuration, FUZZ_TARGETS the targets ("values csv xml xlsx").
# A crash or a failed round trip stops with a non-zero status; the input lands in Fuzz/crashes/<target>/.
# Once the bug is fixed, copy that input into Fuzz/seeds/<target>/ so every smoke run replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
SMOKE=0
if [ "${1:-}" = --smoke ]; then SMOKE=1; fi
SECONDS_PER_TARGET=${FUZZ_SECONDS:-$([ $SMOKE = 1 ] && echo 5 || echo 60)}
CONFIG=${FUZZ_CONFIG:-$([ $SMOKE = 1 ] && echo debug || echo release)}
SWIFT=${SWIFT:-swift}
SCRATCH=$PWD/.build-fuzz
# swiftc keeps only the last -sanitize= flag it is given, and SwiftPM passes one per --sanitize: without the combined
# -Xswiftc flag the Swift code would get AddressSanitizer but no coverage, and libFuzzer would fuzz blind.
# --sanitize still instruments the C targets (clang adds them up) and makes the link use libFuzzer's main.
BUILD=(--package-path Fuzz --scratch-path "$SCRATCH" -c "$CONFIG"
       --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
echo "== building the fuzz targets ($CONFIG, .build-fuzz)"
"$SWIFT" build "${BUILD[@]}" 2>&1 | { grep -v "Cannot export local symbol" || true; }
BIN=$("$SWIFT" build "${BUILD[@]}" --show-bin-path)
LOGS=$SCRATCH/logs
mkdir -p "$LOGS"
OPTIONS=(-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1)
failed=""
for target in ${FUZZ_TARGETS:-values csv xml xlsx}; do
  mkdir -p "Fuzz/crashes/$target"
  options=("${OPTIONS[@]}" -artifact_prefix="Fuzz/crashes/$target/")
  if [ $SMOKE = 1 ]; then
    echo "== fuzz-$target: the seeds"
    if ! "$BIN/fuzz-$target" "${options[@]}" Fuzz/seeds/$target/* >"$LOGS/$target-seeds.log" 2>&1; then
      tail -40 "$LOGS/$target-seeds.log"; failed="$failed $target(seeds)"; continue
    fi
    grep -E "^Executed " "$LOGS/$target-seeds.log" | tail -1 || true
    corpus=$(mktemp -d)
  else
    corpus=Fuzz/corpus/$target
    mkdir -p "$corpus"
  fi
  echo "== fuzz-$target: ${SECONDS_PER_TARGET}s"
  if "$BIN/fuzz-$target" "${options[@]}" -max_total_time="$SECONDS_PER_TARGET" "$corpus" Fuzz/seeds/$target \
       >"$LOGS/$target.log" 2>&1; then
    grep -E "INFO: Loaded .* inline|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|^Done" \
      "$LOGS/$target.log" || true
  else
    tail -40 "$LOGS/$target.log"; failed="$failed $target"
  fi
  if [ $SMOKE = 1 ]; then rm -rf "$corpus"; fi
done
if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed (inputs in Fuzz/crashes/, logs in $LOGS/)" >&2
  exit 1
fi
