#!/usr/bin/env bash
# Installs what the VS Code and runner tests need, reusing whatever is already there:
# Debian packages (Chromium, build headers for code-server, Python test stack, Jupyter),
# Node 24 (code-server needs it) and code-server itself. Safe to run again: a no-op when done.
# A failed step prints one line: which step, its log, and what to do.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
mkdir -p "$TOOLS_DIR"
export STEP_LOG_DIR=$TOOLS_DIR/logs

DEBS=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config
      python3 python3-pytest python3-numpy python3-torch python3-yaml python3-ipykernel python3-nbclient
      python3-venv python3-setuptools jupyter-server bubblewrap git)
missing=()
for p in "${DEBS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  step "apt-get update" "Check that Debian's package mirrors are reachable, or install by hand: sudo apt-get install ${missing[*]}" \
    $SUDO apt-get update -qq
  step "apt-get install" "Install them by hand (sudo apt-get install --no-install-recommends ${missing[*]}) and run again." \
    env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x "$NODE24_BIN/node" ]; then
  log "installing Node 24 for code-server into $NODE24_DIR"
  mkdir -p "$NODE24_DIR"
  [ -f "$NODE24_DIR/package.json" ] || echo '{"private":true}' > "$NODE24_DIR/package.json"
  step "npm install node@24" "Check that the npm registry is reachable (npm ping), then run again; or remove $NODE24_DIR." \
    bash -c 'cd "$1" && npm i --no-audit --no-fund --loglevel=error node@24' _ "$NODE24_DIR"
fi

if [ ! -x "$CODE_SERVER" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $CS_DIR (2-3 minutes, once)"
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  echo '{"private":true}' > "$CS_DIR.tmp/package.json"
  N=$(dirname "$NODE24_BIN")
  # Under Node 24 (code-server's postinstall checks the running Node) with its headers for the
  # native modules; the environment is already free of the outer npm's variables (lib.sh).
  step "npm install code-server@$CODE_SERVER_VERSION" "It needs Node 24 ($NODE24_BIN) and the build headers from Debian (libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev); run again after fixing, or remove $TOOLS_DIR to start over." \
    env PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$N" bash -c 'cd "$1" && npm i --no-audit --no-fund --loglevel=error --foreground-scripts "code-server@$2"' _ "$CS_DIR.tmp" "$CODE_SERVER_VERSION"
  rm -rf "$CS_DIR" && mv "$CS_DIR.tmp" "$CS_DIR"
fi
log "tools ready: code-server $("$NODE24_BIN/node" "$CS_DIR/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | grep -m1 -oE "^[0-9]+\.[0-9]+\.[0-9]+"), $("$CHROMIUM" --version 2>/dev/null)"
