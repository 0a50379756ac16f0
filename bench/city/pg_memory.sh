# Peak memory of a PostgreSQL server while a benchmark tool runs: the sum of
# PSS (/proc/PID/smaps_rollup: shared buffers counted once, not once per
# backend) of the postmaster named in PGDATA/postmaster.pid and all its
# descendants, sampled every PG_MEMORY_INTERVAL s (default 0.2). Falls back to
# the sum of RSS (/proc/PID/status) when smaps_rollup is unreadable (not root,
# not the server's user). Every process of that server counts, other clients'
# backends included.
#
#   . bench/city/pg_memory.sh
#   pg_memory_start /tmp/zonal-pg/data
#   <the tool>
#   kb=$(pg_memory_stop)          # peak kB since pg_memory_start
#
# Or standalone: bash bench/city/pg_memory.sh PGDATA OUT  (samples until killed,
# keeping the peak so far in kB in OUT).

# pg_memory_now PGDATA: the server's memory now, in kB (0 when it is not running)
pg_memory_now() {
  local pm all frontier p files=() field=Pss
  pm=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  [ -n "$pm" ] && [ -d "/proc/$pm" ] || { echo 0; return; }
  all=$pm frontier=$pm
  while frontier=$(pgrep -d, -P "$frontier"); do all="$all,$frontier"; done
  head -c 1 "/proc/$pm/smaps_rollup" >/dev/null 2>&1 || field=VmRSS
  for p in ${all//,/ }; do
    if [ $field = Pss ]; then files+=("/proc/$p/smaps_rollup"); else files+=("/proc/$p/status"); fi
  done
  # cat, not awk on the files: a backend may exit between pgrep and the read
  { cat "${files[@]}" 2>/dev/null || true; } | awk -v f="$field:" '$1 == f { s += $2 } END { print s + 0 }'
}

# pg_memory_sample PGDATA OUT: sample until killed; OUT holds the peak so far (kB)
pg_memory_sample() {
  local peak=0 kb
  echo 0 > "$2"
  while :; do
    kb=$(pg_memory_now "$1") || kb=0   # the caller may run under set -e
    if [ "$kb" -gt "$peak" ]; then peak=$kb; echo "$peak" > "$2.tmp" && mv -f "$2.tmp" "$2"; fi
    sleep "${PG_MEMORY_INTERVAL:-0.2}"
  done
}

# pg_memory_start PGDATA: sample in the background
pg_memory_start() {
  _pg_memory_out=$(mktemp)
  pg_memory_sample "$1" "$_pg_memory_out" &
  _pg_memory_pid=$!
}

# pg_memory_stop: stop the sampler of pg_memory_start; print the peak in kB
pg_memory_stop() {
  kill "$_pg_memory_pid" 2>/dev/null || true
  wait "$_pg_memory_pid" 2>/dev/null || true
  cat "$_pg_memory_out" 2>/dev/null || echo 0
  rm -f "$_pg_memory_out" "$_pg_memory_out.tmp"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# -eq 2 ] || { echo "usage: bash $0 PGDATA OUT" >&2; exit 2; }
  pg_memory_sample "$1" "$2"
fi
