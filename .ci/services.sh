# Throwaway PostgreSQL and Redis on loopback, for CI and `make bench DB=postgres`.
# Source this file, then call pg_up / redis_up; services_down stops both by PID.
# pg_up exports DATABASE_URL; redis_up exports TEST_REDIS_URL.

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGPORT=${PGPORT:-55432}
REDIS_PORT=${REDIS_PORT:-6390}
PG_ROOT=""
REDIS_PID=""
REDIS_DIR=""

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

services_down() {
  redis_down
  pg_down
}
