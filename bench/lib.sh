# Shared by the bench/ scripts: a temporary work folder, a PostgreSQL
# server of its own, the kreiskom binary and free ports. Source it.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d -t kreiskom-bench.XXXXXX)"
chmod 755 "$WORK" # the postgres user must reach its folder inside
PIDS=()
PG_DATA=""
PG_BIN=""

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$PG_DATA" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "${KEEP_WORK:-}" ] && { say "kept $WORK"; return; }
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The binary to measure: $BENCH_BINARY (not KREISKOM_*: that prefix is
# kreiskom's configuration), or the release build (built once).
kreiskom_bin() {
  if [ -n "${BENCH_BINARY:-}" ]; then
    echo "$BENCH_BINARY"
    return
  fi
  say "==> cargo build --release (the first build takes 8–15 minutes on two cores)"
  (cd "$ROOT" && cargo build --release --locked -q -p kreiskom) >&2
  echo "$ROOT/target/release/kreiskom"
}

# initdb refuses to run as root; Debian's package brings a postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts a PostgreSQL server in $WORK and prints a URL for database $1.
start_postgres() {
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [ -x "$PG_BIN/initdb" ] || { say "PostgreSQL is not installed (apt-get install postgresql)"; exit 1; }
  local dir="$WORK/pg" port
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  PG_DATA="$dir/data"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null
  port="$(free_port)"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$dir/server.log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
  PG_PORT="$port"
}

create_pg_db() {
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1"
  echo "postgres://postgres@127.0.0.1:$PG_PORT/$1"
}

# Waits until $1 answers HTTP.
wait_http() {
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  say "no answer from $1"
  exit 1
}

rss_mib() {
  awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}
