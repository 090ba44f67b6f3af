#!/usr/bin/env bash
# Push and pull under load (issue 3): builds the sample app and the benchmark, starts the sample app on a
# fresh PostgreSQL database on 127.0.0.1, waits for /actuator/health, runs `plasma-bench sync-load` against
# it and always stops the app again. Extra arguments go to sync-load (e.g. --clients 16 --seconds 5).
#
#   bench/sync-load.sh                    # build, fresh database plasma_bench_sync, default load
#   SKIP_BUILD=1 bench/sync-load.sh       # reuse the jars in */target
#   APP_JAR=/tmp/other-app.jar bench/sync-load.sh   # load another build of the sample app (A/B runs)
#   APP_ARGS='--spring.datasource.hikari.maximum-pool-size=20' bench/sync-load.sh
#
# Environment: PORT (default 18080), DB (default plasma_bench_sync), PGHOST/PGUSER (default 127.0.0.1 and
# postgres, trust authentication as in sample-app's application-postgresql.yml), APP_ARGS, APP_JAVA_OPTS.
# Exit status: that of sync-load (0 targets met, 1 a target missed, 2 failed run, 3 over its time budget),
# or 4 when the app did not come up.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${PORT:-18080}"
DB="${DB:-plasma_bench_sync}"
PGHOST="${PGHOST:-127.0.0.1}"
PGUSER="${PGUSER:-postgres}"
APP_JAR=${APP_JAR:-sample-app/target/sample-app-0.1.0-SNAPSHOT.jar}
BENCH_JAR=bench/target/plasma-bench.jar
APP_LOG=bench/target/sync-load-app.log

case "$PGHOST" in
  127.*|localhost|::1) ;;
  *) echo "sync-load.sh: PGHOST must be a loopback address, not $PGHOST" >&2; exit 2 ;;
esac
if [[ ! "$DB" =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "sync-load.sh: DB must be a plain lower-case identifier, not $DB" >&2
  exit 2
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "sync-load.sh: building sample-app and bench"
  mvn -o -q -pl sample-app,bench -am package -DskipTests \
    || mvn -q -pl sample-app,bench -am package -DskipTests
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "sync-load.sh: something already listens on 127.0.0.1:$PORT; set PORT" >&2
  exit 2
fi

echo "sync-load.sh: fresh database $DB on $PGHOST"
psql -h "$PGHOST" -U "$PGUSER" -d postgres -q -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

mkdir -p bench/target
APP_PID=
stop_app() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$APP_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
}
trap stop_app EXIT
trap 'exit 130' INT TERM

echo "sync-load.sh: starting the sample app on 127.0.0.1:$PORT (log: $APP_LOG)"
# shellcheck disable=SC2086
java ${APP_JAVA_OPTS:-} -jar "$APP_JAR" \
  --spring.profiles.active=postgresql \
  --server.address=127.0.0.1 --server.port="$PORT" \
  --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/$DB" --spring.datasource.username="$PGUSER" \
  ${APP_ARGS:-} >"$APP_LOG" 2>&1 &
APP_PID=$!

for _ in $(seq 1 240); do
  if curl -fsS "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; then
    break
  fi
  if ! kill -0 "$APP_PID" 2>/dev/null; then
    echo "sync-load.sh: the sample app exited during start-up; last lines of $APP_LOG:" >&2
    tail -n 30 "$APP_LOG" >&2
    exit 4
  fi
  sleep 0.5
done
if ! curl -fsS "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; then
  echo "sync-load.sh: the sample app did not report UP within 120 s; last lines of $APP_LOG:" >&2
  tail -n 30 "$APP_LOG" >&2
  exit 4
fi

set +e
java ${BENCH_JAVA_OPTS:-} -jar "$BENCH_JAR" sync-load --url "http://127.0.0.1:$PORT" --db-name "$DB" "$@"
STATUS=$?
set -e
exit "$STATUS"
