#!/usr/bin/env bash
# Installs what the VS Code and runner tests need, reusing whatever is already there:
# Debian packages (Chromium, build headers for code-server, Python test stack, Jupyter),
# Node 24 (code-server needs it) and code-server itself. Safe to run again: a no-op when done.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

DEBS=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config
      python3 python3-pytest python3-numpy python3-torch python3-yaml python3-ipykernel jupyter-server)
missing=()
for p in "${DEBS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$TOOLS_DIR"
if [ ! -x "$NODE24_BIN/node" ]; then
  log "installing Node 24 for code-server into $NODE24_DIR"
  mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && [ -f package.json ] || echo '{"private":true}' > package.json)
  (cd "$NODE24_DIR" && npm i --no-audit --no-fund --loglevel=error node@24 >/dev/null)
fi

if [ ! -x "$CODE_SERVER" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $CS_DIR (2-3 minutes, once)"
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  echo '{"private":true}' > "$CS_DIR.tmp/package.json"
  N=$(dirname "$NODE24_BIN")
  (cd "$CS_DIR.tmp" && PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$N" \
     npm i --no-audit --no-fund --loglevel=error --foreground-scripts "code-server@$CODE_SERVER_VERSION" > install.log 2>&1) \
     || { tail -30 "$CS_DIR.tmp/install.log"; log "code-server install failed; see above"; exit 1; }
  rm -rf "$CS_DIR" && mv "$CS_DIR.tmp" "$CS_DIR"
fi
log "tools ready: code-server $("$NODE24_BIN/node" "$CS_DIR/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | head -1 | cut -d' ' -f1), $("$CHROMIUM" --version 2>/dev/null)"
