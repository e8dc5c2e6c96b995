#!/usr/bin/env bash
# Runs the extension from this checkout in a real VS Code (code-server) with the sample paper
# open, and prints the URL to open in a browser. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/codeserver.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  step "npm ci" "Check that the npm registry is reachable (npm ping) and that Node is 20.19 or later, then run again." \
    npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/install-tools.sh
log "packaging the extension"
step "npm run package" "Run npm run package to see the error, fix it and run again." npm run -s package
WS=${PAPERTRAIL_DEV_WORKSPACE:-$PWD/out/dev-workspace}
node scripts/build-e2e.mjs "$WS" >/dev/null
PORT=${PORT:-8750}
RUN=$PWD/out/dev-code-server
# No model is reachable here: unless PAPERTRAIL_DEV_REAL_MODEL=1, the scripted model server
# (the sample paper's transcript, with a little latency) is the configured endpoint, so
# "Reimplement from Paper" on paper.pdf works out of the box. It needs no API key.
LPID=
if [ "${PAPERTRAIL_DEV_REAL_MODEL:-}" != 1 ]; then
  LPORT=$(free_port)
  setsid node scripts/run-ts.mjs test/fixtures/llm/scripted-llm.ts --port "$LPORT" --script sample --latency 400 > "$PWD/out/dev-scripted-llm.log" 2>&1 &
  LPID=$!
  export PAPERTRAIL_CS_SETTINGS="{\"papertrail.llm.provider\": \"openai\", \"papertrail.llm.baseUrl\": \"http://127.0.0.1:$LPORT/v1\", \"papertrail.llm.model\": \"scripted-model\"}"
fi
trap 'stop_code_server; [ -n "$LPID" ] && kill -- -$LPID 2>/dev/null' EXIT INT TERM
# The packaged extension, installed as a user installs it (run this again after a change).
rm -rf "$RUN/ext"
PATH="$NODE24_BIN:$PATH" "$CODE_SERVER" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ext" --install-extension dist-vsix/papertrail.vsix >/dev/null
start_code_server "$RUN" "$PORT" "$WS"
URL="http://127.0.0.1:$PORT/?folder=$WS&payload=$(node -e 'console.log(encodeURIComponent(JSON.stringify([["openFile",`vscode-remote://127.0.0.1:${process.argv[1]}${process.argv[2]}`]])))' "$PORT" "$WS/model.py")"
log "PaperTrail is running in VS Code: $URL"
# The tagged model.py opens at start (a PDF opened that early would miss the custom editor,
# which the extension host registers a moment later): its CodeLens opens the paper beside it.
log "(model.py opens with its citations; click the CodeLens \"§2 Model, Eq. 1 · p. 1\" or double-click paper.pdf for the paper; Ctrl+C stops)"
[ -n "$LPID" ] && log "(right-click paper.pdf → Reimplement from Paper… answers from the scripted model server; PAPERTRAIL_DEV_REAL_MODEL=1 uses your own settings)"
wait "$CS_PID"
