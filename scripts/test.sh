#!/usr/bin/env bash
# Sets up and runs every test (unit, bad input, end to end through the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product zonal
# XCTest only: Swift Testing would close the log with "0 tests", which reads as no tests run.
swift test --disable-swift-testing "$@"
