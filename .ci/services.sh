# Throwaway PostgreSQL, Redis and ClamAV (clamd), for CI and `make bench DB=postgres`.
# Source this file, then call pg_up / redis_up / clamav_up; services_down stops them by PID.
# pg_up exports DATABASE_URL; redis_up exports TEST_REDIS_URL; clamav_up exports CLAMAV_SOCKET.

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGPORT=${PGPORT:-55432}
REDIS_PORT=${REDIS_PORT:-6390}
PG_ROOT=""
REDIS_PID=""
REDIS_DIR=""
CLAMD_PID=""
CLAMD_DIR=""
SERVICES_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

pg_up() {
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL binaries not found (apt-get install postgresql)" >&2
    return 1
  fi
  PG_ROOT=$(mktemp -d /tmp/scsp-pg.XXXXXX)
  chown postgres:postgres "$PG_ROOT"
  chmod 700 "$PG_ROOT"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PG_ROOT/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/server.log" -w -t 60 \
    -o "-p $PGPORT -k $PG_ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null
  runuser -u postgres -- "$PGBIN/createdb" -h "$PG_ROOT" -p "$PGPORT" -U postgres scsp
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/scsp"
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (data in $PG_ROOT)"
}

pg_down() {
  if [ -n "$PG_ROOT" ] && [ -d "$PG_ROOT/data" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_ROOT/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_ROOT"
    PG_ROOT=""
  fi
}

redis_up() {
  REDIS_DIR=$(mktemp -d /tmp/scsp-redis.XXXXXX)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$REDIS_DIR" >"$REDIS_DIR/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$REDIS_PORT" ping >/dev/null
  export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  echo "Redis $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
}

redis_down() {
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    rm -rf "$REDIS_DIR"
    REDIS_PID=""
  fi
}

# clamd in the foreground with its own config: a UNIX socket in a temp dir, and a signature
# database holding only the EICAR test signature (.ci/clamav/scsp-test.ndb; no freshclam here).
clamav_up() {
  local clamd
  clamd=$(command -v clamd || echo /usr/sbin/clamd)
  if [ ! -x "$clamd" ]; then
    echo "clamd not found (apt-get install clamav-daemon)" >&2
    return 1
  fi
  CLAMD_DIR=$(mktemp -d /tmp/scsp-clamd.XXXXXX)
  mkdir -p "$CLAMD_DIR/db"
  cp "$SERVICES_SH_DIR/clamav/scsp-test.ndb" "$CLAMD_DIR/db/"
  cat >"$CLAMD_DIR/clamd.conf" <<CONF
LocalSocket $CLAMD_DIR/clamd.sock
Foreground yes
DatabaseDirectory $CLAMD_DIR/db
TemporaryDirectory $CLAMD_DIR
LogFile $CLAMD_DIR/clamd.log
CONF
  "$clamd" -c "$CLAMD_DIR/clamd.conf" >"$CLAMD_DIR/stdout.log" 2>&1 &
  CLAMD_PID=$!
  for _ in $(seq 1 100); do
    [ -S "$CLAMD_DIR/clamd.sock" ] && break
    sleep 0.1
  done
  if [ ! -S "$CLAMD_DIR/clamd.sock" ]; then
    cat "$CLAMD_DIR/stdout.log" >&2
    return 1
  fi
  export CLAMAV_SOCKET="$CLAMD_DIR/clamd.sock"
  echo "$("$clamd" --version) on $CLAMAV_SOCKET (pid $CLAMD_PID)"
}

clamav_down() {
  if [ -n "$CLAMD_PID" ]; then
    kill "$CLAMD_PID" 2>/dev/null || true
    wait "$CLAMD_PID" 2>/dev/null || true
    rm -rf "$CLAMD_DIR"
    CLAMD_PID=""
  fi
}

services_down() {
  clamav_down
  redis_down
  pg_down
}
