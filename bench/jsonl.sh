#!/usr/bin/env bash
# Benchmark: how fast the line readers parse, on one core, in a release build.
# Generates a million JSON Lines request bodies (seed 004 heartbeats and AI
# reports, ~92 bytes a line) and a million RFID reader-log lines (seed 003),
# reads each three times and prints the best lines/s. Not part of the test
# run: the benchmark tests skip themselves unless ZONAL_BENCH=1.
#
#   bash bench/jsonl.sh
#
# The tests use @testable imports, so the release build needs -enable-testing;
# it goes to .build/release beside the debug build (first time: several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
ZONAL_BENCH=1 swift test -c release -Xswiftc -enable-testing --disable-swift-testing \
    --filter 'JSONLinesReaderTests.testBenchmarkMillionLines|ReaderLogReaderTests.testBenchmarkMillionReads' 2>&1 \
    | tee /tmp/zonal-bench-jsonl.log | grep -E 'lines/s|error:|failed' || true
