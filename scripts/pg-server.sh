#!/usr/bin/env bash
# A throwaway PostgreSQL/PostGIS server for the tests and benchmarks:
#   bash scripts/pg-server.sh start   # installs what is missing, starts it, prints the env to use
#   bash scripts/pg-server.sh stop
# `eval "$(bash scripts/pg-server.sh start)"` sets the ZONAL_TEST_PG* variables the tests read.
# It listens on a socket in $ZONAL_PG_DIR (default /tmp/zonal-pg) and on
# 127.0.0.1:$ZONAL_PG_PORT (default 55432). Socket connections are trusted;
# TCP ones need a password (role zonal, password "zonal-test"), so the
# wrong-password case can be tested. Databases: zonal (with PostGIS) and
# zonal_plain (without, for the missing-extension case).
set -euo pipefail
dir=${ZONAL_PG_DIR:-/tmp/zonal-pg}
port=${ZONAL_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres user.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_missing() {
  local packages=(postgresql postgresql-15-postgis-3) missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "pg-server: installing ${missing[*]}" >&2
    local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
}

print_env() {
  echo "export ZONAL_TEST_PG=postgresql://zonal@127.0.0.1:$port/zonal"
  echo "export ZONAL_TEST_PG_SOCKET=$dir"
  echo "export ZONAL_TEST_PG_PORT=$port"
}

start() {
  install_missing
  if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    print_env; return
  fi
  # Not running: a pid file or socket lock left by a killed server (a session
  # that ended) would make postgres refuse to start if its pid were reused.
  rm -f "$dir/data/postmaster.pid" "$dir/.s.PGSQL.$port" "$dir/.s.PGSQL.$port.lock"
  # Only a server this call started is stopped by the caller's trap.
  echo "export ZONAL_PG_STARTED_HERE=1"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40 -c shared_buffers=256MB" start >/dev/null \
    || { tail -20 "$dir/server.log" >&2; exit 1; }
  local psql=("$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1)
  if ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'zonal'" | grep -q 1; then
    "${psql[@]}" -d postgres -c "CREATE ROLE zonal LOGIN SUPERUSER PASSWORD 'zonal-test'" \
      -c "CREATE DATABASE zonal OWNER zonal" -c "CREATE DATABASE zonal_plain OWNER zonal"
    "${psql[@]}" -d zonal -c "CREATE EXTENSION postgis"
  fi
  print_env
}

stop() {
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
