#!/usr/bin/env bash
# Runs the extension from this checkout in a real VS Code (code-server) with the sample paper
# open, and prints the URL to open in a browser. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/codeserver.sh
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bash scripts/install-tools.sh
node esbuild.mjs
WS=${PAPERTRAIL_DEV_WORKSPACE:-$PWD/out/dev-workspace}
node scripts/build-e2e.mjs "$WS" >/dev/null
# In the dev workspace, PDFs open in the PaperTrail viewer by default.
mkdir -p "$WS/.vscode" && echo '{ "workbench.editorAssociations": { "*.pdf": "papertrail.pdfViewer" } }' > "$WS/.vscode/settings.json"
PORT=${PORT:-8750}
RUN=$PWD/out/dev-code-server
trap stop_code_server EXIT INT TERM
start_code_server "$RUN" "$PORT" "$WS"
# The extension is loaded from this folder (no packaging), so `npm run watch` + reload picks up changes.
URL="http://127.0.0.1:$PORT/?folder=$WS&payload=$(node -e 'console.log(encodeURIComponent(JSON.stringify([["extensionDevelopmentPath",`vscode-remote://127.0.0.1:${process.argv[1]}${process.argv[2]}`],["openFile",`vscode-remote://127.0.0.1:${process.argv[1]}${process.argv[3]}`]])))' "$PORT" "$PWD" "$WS/paper.pdf")"
log "PaperTrail is running in VS Code: $URL"
log "(the sample paper opens in the PaperTrail viewer; Ctrl+C stops)"
wait "$CS_PID"
