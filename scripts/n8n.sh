#!/usr/bin/env bash
# The real n8n that the n8n adapter's tests start (plugins/gantry-backend-module-n8n,
# src/testUtils/startN8n.ts): tools/n8n, outside the Yarn workspace, installed
# with npm from its committed package-lock.json.
#
#   scripts/n8n.sh install   npm ci in tools/n8n when node_modules is missing or
#                            stale (package.json, package-lock.json or the Node
#                            ABI changed since the last install); else nothing
#
# n8n is large (about 1.8 GB in node_modules, a few minutes to install); it is
# installed with the Node 24 of scripts/env.sh, which also runs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

N8N_DIR="$GANTRY_ROOT/tools/n8n"
N8N_STAMP="$N8N_DIR/node_modules/.gantry-install"

# What the install depends on: the manifest, the lockfile and the Node ABI
# native modules (sqlite3, isolated-vm) are built for.
n8n_wanted_stamp() {
  printf '%s node-abi-%s\n' \
    "$(cat "$N8N_DIR/package.json" "$N8N_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)" \
    "$(node -p process.versions.modules)"
}

n8n_fresh() {
  [ -x "$N8N_DIR/node_modules/.bin/n8n" ] &&
    [ -f "$N8N_STAMP" ] &&
    [ "$(cat "$N8N_STAMP")" = "$(n8n_wanted_stamp)" ]
}

n8n_install() {
  if n8n_fresh; then
    echo "gantry: tools/n8n is installed ($(node -p "require('$N8N_DIR/node_modules/n8n/package.json').version"))"
    return 0
  fi
  echo "gantry: installing n8n into tools/n8n (npm ci; a few minutes)" >&2
  # npm comes with the machine's node; what it builds (node-gyp) uses the
  # Node 24 that env.sh put first on PATH and its headers (npm_config_nodedir).
  (
    cd "$N8N_DIR"
    SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error
  )
  n8n_wanted_stamp >"$N8N_STAMP"
}

case "${1:-}" in
  install)
    n8n_install
    ;;
  *)
    echo "Usage: scripts/n8n.sh install" >&2
    exit 2
    ;;
esac
