#!/usr/bin/env bash
# Gantry's two entry points for a fresh machine (see README.md):
#   scripts/dev.sh start   install everything, start the portal on embedded defaults
#   scripts/dev.sh test    install everything, run every test (unit, integration, browser)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$GANTRY_ROOT"

usage() {
  cat <<'USAGE'
Usage: scripts/dev.sh <command>

Commands:
  start     Install dependencies (Node 24 included) and start the portal:
            app on http://localhost:3000, backend on http://localhost:7007,
            SQLite under .data/, guest sign-in, demo catalog and providers.
  test      Install dependencies and run all tests: type check, lint, unit and
            integration tests (SQLite; the n8n adapter's against a real n8n
            that scripts/n8n.sh installs into tools/n8n), and a
            headless-chromium smoke test of the running portal. Installs
            Debian chromium when it is missing.
  install   Only install dependencies.
  --help    Show this help.
USAGE
}

install_deps() {
  if [ "${CI:-}" = "true" ]; then
    yarn install --immutable
  else
    yarn install
  fi
}

ensure_chromium() {
  command -v chromium >/dev/null && return 0
  echo "gantry: installing Debian chromium for the browser smoke test" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

case "${1:-}" in
  start)
    install_deps
    mkdir -p .data
    exec yarn start
    ;;
  test)
    install_deps
    echo "== type check, lint and formatting"
    yarn tsc
    yarn lint
    yarn prettier --check .
    echo "== unit and integration tests"
    # the n8n adapter's tests start a real n8n (tools/n8n, installed with npm)
    bash scripts/n8n.sh install
    CI=true yarn test
    echo "== browser smoke test"
    ensure_chromium
    yarn test:e2e
    ;;
  install)
    install_deps
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
