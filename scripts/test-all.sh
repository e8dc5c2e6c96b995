#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, builds, runs the unit layer
# and the VS Code layer, and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
T0=$(date +%s)
rm -rf test-results && mkdir -p test-results

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  step "npm ci" "Check that the npm registry is reachable (npm ping) and that Node is 20.19 or later, then run again." \
    npm ci --no-audit --no-fund --loglevel=error || { echo "0 passed, 1 failed"; exit 1; }
fi

bash scripts/install-tools.sh || { echo "0 passed, 1 failed"; exit 1; }

log "format and lint (Biome: biome.json)"
# One check among the others: drift from the formatter or a lint error fails the run.
if npx --no-install biome ci --reporter=summary . > test-results/format.log 2>&1; then ok=true; else ok=false; fi
node -e 'const ok = process.argv[1] === "true"; require("fs").writeFileSync("test-results/format.json", JSON.stringify({ outcomes: [{ name: "biome ci (format and lint): npx biome check --write . fixes formatting", ok }] }))' "$ok"
$ok || { tail -20 test-results/format.log; log "FAILED: format and lint; run npx biome check --write . and fix what it reports"; }

log "building (type-check + bundles)"
node esbuild.mjs || { log "FAILED: build (type errors or a bundle error above); fix them and run again."; echo "0 passed, 1 failed"; exit 1; }

log "unit tests"
node scripts/run-unit.mjs
log "viewer tests (the webview bundle in Chromium with a fake host)"
node scripts/run-unit.mjs --dir test/webview
log "VS Code tests"
# The per-layer totals are printed once, at the end, for all layers together.
bash scripts/test-e2e.sh 2>&1 | tee test-results/e2e.log | grep -v '^\(itest\|ui\|untrusted\|lm\): [0-9]* passed\|^[0-9]* passed, [0-9]* failed$\|^\(ui\|itest\|untrusted\|lm\) FAILED'

log "total time: $(( $(date +%s) - T0 )) s"
node scripts/summarize-results.mjs format unit webview itest ui untrusted lm
