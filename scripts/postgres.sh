# Sourced: pg_start starts a private PostgreSQL 15 cluster on loopback for
# tests and exports PG_URL; it is stopped and removed when the shell exits.
# Uses the machine's PostgreSQL when installed, else installs it with apt.

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

pg_start() {
  local bin port dir as=()
  if ! bin="$(pg_bindir)"; then
    echo "gantry: installing PostgreSQL with apt" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin="$(pg_bindir)"
  fi
  port="${PG_PORT:-55432}"
  dir="$(mktemp -d /tmp/gantry-pg.XXXXXX)"
  # initdb refuses to run as root: use the postgres account there.
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export PG_URL="postgresql://postgres@127.0.0.1:$port"
  export GANTRY_PG_DIR="$dir"
  trap 'pg_stop' EXIT
  echo "gantry: PostgreSQL $("$bin/postgres" --version | awk "{print \$3}") on $PG_URL" >&2
}

pg_stop() {
  [ -n "${GANTRY_PG_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$(pg_bindir)/pg_ctl" -D "$GANTRY_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$GANTRY_PG_DIR"
  GANTRY_PG_DIR=""
}
