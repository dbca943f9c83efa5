#!/usr/bin/env bash
# The whole suite. Locally: SQLite with the in-memory channel layer. Under CI=true: that, then
# again on PostgreSQL with the Redis channel layer, and skipped browser tests count as failures.
# Each run is two pytest sessions: everything but the browser tests on two worker processes
# (pytest-xdist; each worker has its own database and channel prefix), then the browser tests
# one at a time, as a person's clicks are timed against one server.
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
  "$BIN/pytest" -p no:cacheprovider tests/browser "$@"
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
