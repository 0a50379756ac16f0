#!/usr/bin/env bash
# Sets up and runs every test (unit, bad input, end to end through the CLI,
# on SpatiaLite and on a PostgreSQL/PostGIS server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product zonal
# The PostGIS store's tests need a server: a throwaway one on a local socket
# and 127.0.0.1 (scripts/pg-server.sh), stopped again at the end.
eval "$(bash scripts/pg-server.sh start)"
[ "${ZONAL_PG_STARTED_HERE:-}" = 1 ] && trap 'bash scripts/pg-server.sh stop' EXIT
export ZONAL_TEST_PG_REQUIRED=1
# XCTest only: Swift Testing would close the log with "0 tests", which reads as no tests run.
swift test --disable-swift-testing "$@"
