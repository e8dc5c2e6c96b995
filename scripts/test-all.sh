#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, builds, runs the unit layer
# and the VS Code layer, and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
T0=$(date +%s)
mkdir -p test-results && rm -f test-results/unit.tap

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error || { log "npm ci failed"; exit 2; }
fi

log "building (type-check + bundles)"
node esbuild.mjs || { echo "0 passed, 1 failed"; exit 1; }

log "unit tests"
node scripts/run-unit.mjs
log "VS Code tests"
bash scripts/test-e2e.sh > test-results/e2e.log 2>&1; E2E=$?
cat test-results/e2e.log | grep -v '^\(itest\|ui\|unit\): [0-9]* passed\|^[0-9]* passed, [0-9]* failed$'

log "total time: $(( $(date +%s) - T0 )) s"
node scripts/summarize-results.mjs unit itest ui
