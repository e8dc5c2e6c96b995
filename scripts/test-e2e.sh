#!/usr/bin/env bash
# The VS Code layer: the packaged .vsix in a real VS Code (code-server), two ways:
#  1. extension-host tests (mocha inside the extension host, smoke-test-driver route);
#  2. UI tests (playwright-core + Chromium) with screenshots.
# Writes test-results/itest.json and test-results/ui.json; screenshots under test-results/screenshots.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/codeserver.sh
bash scripts/install-tools.sh || exit 2

ROOT=$PWD
RESULTS=$ROOT/test-results
SHOTS=$RESULTS/screenshots
WORK=$(mktemp -d /tmp/papertrail-e2e.XXXXXX)
trap 'stop_code_server; rm -rf "$WORK"' EXIT
mkdir -p "$SHOTS" && rm -f "$SHOTS"/[0-9]*.png "$SHOTS"/FAILED-*.png "$RESULTS/itest.json" "$RESULTS/ui.json" "$RESULTS/untrusted.json" "$RESULTS/lm.json"

log "packaging the extension"
npm run -s package >"$WORK/package.log" 2>&1 || { cat "$WORK/package.log"; log "packaging failed"; exit 2; }
VSIX=$ROOT/dist-vsix/papertrail.vsix
log "vsix content ($(du -h "$VSIX" | cut -f1)):"
unzip -l "$VSIX" | awk 'NR>3 && $4 != "" {print "    " $4 "  (" $1 " bytes)"}' | grep -v '^    -' | head -60

node scripts/build-e2e.mjs "$WORK/ws" || exit 2

# A real Jupyter server on loopback with a fresh token, for the remote test runs.
JPORT=$(free_port); JTOKEN=$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')
mkdir -p "$WORK/jupyter-root"
setsid /usr/bin/python3 -m jupyter_server --no-browser --allow-root --ServerApp.ip=127.0.0.1 --ServerApp.port="$JPORT" \
  --ServerApp.token="$JTOKEN" --ServerApp.root_dir="$WORK/jupyter-root" > "$WORK/jupyter.log" 2>&1 &
JPID=$!
trap 'stop_code_server; kill -- -$JPID 2>/dev/null; rm -rf "$WORK"' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$JPORT/api/status?token=$JTOKEN"; do
  sleep 0.2; kill -0 $JPID 2>/dev/null || { tail -5 "$WORK/jupyter.log"; log "Jupyter server did not start"; break; }
done

# 1. Extension-host tests: the .vsix unpacked is the extension under development, so the
#    tests run against exactly what was packaged.
# The scripted OpenAI-compatible server stands in for the model (none is reachable here); it
# answers only with the API key the UI test sets through "PaperTrail: Set API Key".
LPORT=$(free_port); LKEY="sk-e2e-$(node -e 'console.log(require("crypto").randomBytes(8).toString("hex"))')"
# start_scripted SCRIPT PORT LATENCY LOG: a scripted server in its own process group; sets SPID.
start_scripted() {
  setsid node scripts/run-ts.mjs test/fixtures/llm/scripted-llm.ts --port "$2" --script "$1" --latency "$3" --api-key "$LKEY" > "$4" 2>&1 &
  SPID=$!
  until curl -sf -o /dev/null -H "Authorization: Bearer $LKEY" "http://127.0.0.1:$2/v1/models"; do
    sleep 0.2; kill -0 $SPID 2>/dev/null || { cat "$4"; log "scripted model server ($1) did not start"; break; }
  done
}
start_scripted sample "$LPORT" 250 "$WORK/llm.log"; LPID=$SPID
trap 'stop_code_server; kill -- -$JPID -$LPID 2>/dev/null; rm -rf "$WORK"' EXIT
# A second one answers the run on several papers (test/fixtures/family); the UI test points
# the workspace's papertrail.llm.baseUrl at it for that run only.
FPORT=$(free_port)
start_scripted family "$FPORT" 100 "$WORK/llm-family.log"; FPID=$SPID
trap 'stop_code_server; kill -- -$JPID -$LPID -$FPID 2>/dev/null; rm -rf "$WORK"' EXIT
# The Jupyter server too, so the UI's Jupyter task needs nothing the extension-host tests left.
export PAPERTRAIL_CS_SETTINGS="{\"papertrail.llm.provider\": \"openai\", \"papertrail.llm.baseUrl\": \"http://127.0.0.1:$LPORT/v1\", \"papertrail.llm.model\": \"scripted-model\", \"papertrail.jupyter.serverUrl\": \"http://127.0.0.1:$JPORT/\"}"

mkdir -p "$WORK/vsix" && unzip -q "$VSIX" -d "$WORK/vsix"
PORT=$(free_port)
# PAPERTRAIL_E2E_SKIP_ITEST=1 (development only) goes straight to the UI tests.
if [ "${PAPERTRAIL_E2E_SKIP_ITEST:-}" != 1 ]; then
start_code_server "$WORK/it" "$PORT" "$WORK/ws" --vscode-option enable-smoke-test-driver || exit 2
A=127.0.0.1:$PORT
PAYLOAD=$(node -e '
  const [a, ext, tests, result, logs, jurl, jtoken, lurl] = process.argv.slice(1);
  console.log(encodeURIComponent(JSON.stringify([
    ["extensionDevelopmentPath", `vscode-remote://${a}${ext}`],
    ["extensionTestsPath", `vscode-remote://${a}${tests}`],
    ["extensionEnvironment", JSON.stringify({ PAPERTRAIL_ITEST_RESULT: result, PAPERTRAIL_LOGS_ROOT: logs, PAPERTRAIL_JUPYTER_URL: jurl, PAPERTRAIL_JUPYTER_TOKEN: jtoken, PAPERTRAIL_LLM_URL: lurl })],
  ])))' "$A" "$WORK/vsix/extension" "$ROOT/out/e2e/suite/index.js" "$RESULTS/itest.json" "$WORK/it/ud/logs" "http://127.0.0.1:$JPORT/" "$JTOKEN" "http://127.0.0.1:$LPORT/v1")
log "extension-host tests"
node test/e2e/itest-driver.mjs "http://$A/?folder=$WORK/ws&payload=$PAYLOAD"
stop_code_server
fi

# 2. UI tests: the .vsix installed the way a user installs it.
PORT=$(free_port)
PATH="$NODE24_BIN:$PATH" "$CODE_SERVER" --user-data-dir "$WORK/ui/ud" --extensions-dir "$WORK/ui/ext" \
  --install-extension "$VSIX" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; exit 2; }
# arXiv as offline: nothing listens on port 9, so an arXiv id fails at once, as without a network.
PAPERTRAIL_ARXIV_BASE_URL=http://127.0.0.1:9 start_code_server "$WORK/ui" "$PORT" "$WORK/ws" || exit 2
log "UI tests (screenshots in $SHOTS)"
PAPERTRAIL_JUPYTER_TOKEN=$JTOKEN PAPERTRAIL_LLM_KEY=$LKEY PAPERTRAIL_UI_USER_DATA=$WORK/ui/ud PAPERTRAIL_WS=$WORK/ws \
  PAPERTRAIL_FAMILY_LLM_URL=http://127.0.0.1:$FPORT/v1 node test/e2e/ui/ui.test.mjs "http://127.0.0.1:$PORT/?folder=$WORK/ws" "$SHOTS" "$RESULTS/ui.json"
stop_code_server

# Workspace trust on, the folder not trusted: generation and test runs refuse, papers still open.
PORT=$(free_port)
PATH="$NODE24_BIN:$PATH" "$CODE_SERVER" --user-data-dir "$WORK/untrusted/ud" --extensions-dir "$WORK/untrusted/ext" \
  --install-extension "$VSIX" >"$WORK/install2.log" 2>&1 || { cat "$WORK/install2.log"; exit 2; }
PAPERTRAIL_CS_TRUST=1 PAPERTRAIL_CS_SETTINGS='{"security.workspace.trust.enabled": true, "security.workspace.trust.startupPrompt": "never"}' \
  start_code_server "$WORK/untrusted" "$PORT" "$WORK/ws" || exit 2
log "untrusted-workspace UI tests"
PAPERTRAIL_WS=$WORK/ws node test/e2e/ui/untrusted.test.mjs "http://127.0.0.1:$PORT/?folder=$WORK/ws" "$SHOTS" "$RESULTS/untrusted.json"
stop_code_server

# VS Code's own language models: a test extension registers a chat model that answers from the
# scripted server; PaperTrail is set to use VS Code's models and needs no key.
(cd test/e2e/lm-ext && "$ROOT/node_modules/.bin/vsce" package --no-dependencies --allow-missing-repository --skip-license \
  -o "$WORK/lm.vsix" >"$WORK/lm-package.log" 2>&1) || { cat "$WORK/lm-package.log"; exit 2; }
PORT=$(free_port)
for v in "$VSIX" "$WORK/lm.vsix"; do
  PATH="$NODE24_BIN:$PATH" "$CODE_SERVER" --user-data-dir "$WORK/lm/ud" --extensions-dir "$WORK/lm/ext" \
    --install-extension "$v" >"$WORK/install3.log" 2>&1 || { cat "$WORK/install3.log"; exit 2; }
done
PAPERTRAIL_TEST_LLM_URL=http://127.0.0.1:$LPORT/v1 PAPERTRAIL_TEST_LLM_KEY=$LKEY \
  PAPERTRAIL_CS_SETTINGS='{"chat.disableAIFeatures": false, "papertrail.llm.provider": "vscode", "papertrail.reimplement.verify": "never"}' \
  start_code_server "$WORK/lm" "$PORT" "$WORK/ws" || exit 2
log "VS Code language model UI tests"
PAPERTRAIL_WS=$WORK/ws node test/e2e/ui/lm.test.mjs "http://127.0.0.1:$PORT/?folder=$WORK/ws" "$SHOTS" "$RESULTS/lm.json"
stop_code_server

node scripts/summarize-results.mjs itest ui untrusted lm
