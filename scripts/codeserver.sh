# Start/stop a code-server for tests and the dev loop. Sourced by test-e2e.sh and dev.sh.
# start_code_server RUN_DIR PORT WORKSPACE [extra args...] -> sets CS_PID; waits for /healthz.
start_code_server() {
  local run=$1 port=$2 ws=$3; shift 3
  mkdir -p "$run/ud/User"
  # A quieter workbench: no chat/AI panel, no gallery checks, no welcome page.
  cat > "$run/ud/User/settings.json" <<'J'
{ "chat.disableAIFeatures": true, "workbench.startupEditor": "none",
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "workbench.tips.enabled": false, "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false, "window.restoreWindows": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "terminal.integrated.gpuAcceleration": "off", "git.openRepositoryInParentFolders": "never" }
J
  # Extra settings for this run (a JSON object), e.g. the scripted model endpoint. Machine-scoped
  # settings (papertrail.llm.baseUrl) are read from the server's Machine settings in a remote
  # window, so they go there too, as a code-server user would set them.
  if [ -n "${PAPERTRAIL_CS_SETTINGS:-}" ]; then
    mkdir -p "$run/ud/Machine" && echo '{}' > "$run/ud/Machine/settings.json"
    for f in "$run/ud/User/settings.json" "$run/ud/Machine/settings.json"; do
      node -e 'const fs=require("fs"),f=process.argv[1];fs.writeFileSync(f,JSON.stringify({...JSON.parse(fs.readFileSync(f,"utf8")),...JSON.parse(process.argv[2])},null,1))' \
        "$f" "$PAPERTRAIL_CS_SETTINGS"
    done
  fi
  # PAPERTRAIL_CS_TRUST=1 keeps workspace trust on (the untrusted-workspace test).
  local trust=--disable-workspace-trust
  [ "${PAPERTRAIL_CS_TRUST:-}" = 1 ] && trust=
  PATH="$NODE24_BIN:$PATH" setsid "$CODE_SERVER" --config /dev/null --bind-addr "127.0.0.1:$port" --auth none \
    --user-data-dir "$run/ud" --extensions-dir "$run/ext" --disable-telemetry --disable-update-check \
    $trust --disable-getting-started-override "$@" "$ws" > "$run/code-server.log" 2>&1 &
  CS_PID=$!
  local i=0
  until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
    sleep 0.1; i=$((i+1))
    if ! kill -0 "$CS_PID" 2>/dev/null || [ $i -gt 600 ]; then
      tail -20 "$run/code-server.log"; log "code-server did not start (log: $run/code-server.log)"; return 1
    fi
  done
}

stop_code_server() {
  [ -n "${CS_PID:-}" ] && kill -- "-$CS_PID" 2>/dev/null
  CS_PID=
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
