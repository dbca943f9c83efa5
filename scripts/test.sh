#!/usr/bin/env bash
# The whole suite. Locally: SQLite with the in-memory channel layer. Under CI=true: that, then
# again on PostgreSQL with the Redis channel layer, and skipped browser tests count as failures.
# Each run is two pytest sessions, each on two worker processes (pytest-xdist; each worker has its
# own database, channel prefix and, for the browser tests, its own server and Chromium):
# everything but the browser tests, a file to a worker; then the browser tests, a test to a
# worker, so the two long accessibility walks (English, Welsh) run side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG=1
WORKERS="${TEST_WORKERS:-2}"

run_suite() {
  local label=$1; shift
  echo "=== Test suite on ${label} ==="
  "$BIN/pytest" -p no:cacheprovider -n "$WORKERS" --dist loadfile --ignore=tests/browser "$@"
  echo "=== Browser tests on ${label} ==="
  "$BIN/pytest" -p no:cacheprovider -n "$WORKERS" --dist load tests/browser "$@"
}

if [ "${CI:-}" = "true" ]; then
  export LEANHUB_REQUIRE_BROWSER=1
fi

unset DATABASE_URL REDIS_URL
run_suite "SQLite + in-memory channel layer" "$@"

if [ "${CI:-}" = "true" ] || [ -n "${LEANHUB_TEST_POSTGRES:-}" ]; then
  export DATABASE_URL="${CI_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/leanhub}"
  export REDIS_URL="${CI_REDIS_URL:-redis://127.0.0.1:6379/0}"
  export CHANNELS_PREFIX="leanhub-test-$$"
  # The accessibility walk reads only rendered HTML, the same on every database: it ran above.
  run_suite "PostgreSQL + Redis channel layer" -m "not markup_only" "$@"
fi
