#!/usr/bin/env bash
# HTTP load on loopback: POST /v2/auth/check with valid tokens drawn from a pool, against /healthz of
# the same server with the same requests and settings, at 8 and 64 connections. Reports requests/s,
# p50, p99, their ratios, and the server's CPU time per request (from /proc/<pid>/stat).
#
#   bench/load.sh [tokens in the database=1000] [pool size=1000] [seconds per run=10]
#   PRESET=deploy bench/load.sh …   tokens of another role preset (a smaller permission list in each answer)
#   WARMUP=120 bench/load.sh …      a longer warm-up (default 60 s: on 2 cores C2 is still recompiling the hot path before that)
#   ROUNDS=5 bench/load.sh …        runs per figure (default 3); each figure is the median of its runs,
#                                   the two endpoints alternating so that both see the same machine
#   BARE=1 bench/load.sh …          the same load against a bare Vert.x server (the floor of this machine:
#                                   a constant /healthz, and one HMAC plus a map lookup for the check)
#   CHECK_BODY='{"fields":["user_id"]}' bench/load.sh …   the check's body (default {}): a smaller answer
#   SYNC=1 bench/load.sh …          POST /v2/node/sync instead of the check: one node, POOL instances
#                                   registered through the API, each request one instance's pair
#   PG_DB=load_bench bench/load.sh … on PostgreSQL (127.0.0.1:5432, user postgres, trust authentication):
#                                   that database is dropped and created, seeded with COPY
#   JAR=/path/to/tokensmith.jar …   another build (to compare two versions alternately)
#
# Needs wrk (apt-get install wrk). Runs are bounded (wrk -d) and only ever target 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-1000}
POOL=${2:-1000}
SECONDS_PER_RUN=${3:-10}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18181}
JAR=${JAR:-target/tokensmith.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests

WORK=$(mktemp -d)
export TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_PORT="$PORT" TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_ADMIN_PASSWORD=bench-password-1 TOKENSMITH_CACHE_SECONDS=${TOKENSMITH_CACHE_SECONDS:-3600}
export POOL_FILE="$WORK/pool.txt"
DATABASE="embedded database"
if [ -n "${PG_DB:-}" ]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
  export TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" TOKENSMITH_DB_USER=postgres
  DATABASE="PostgreSQL ($PG_DB)"
fi

java -jar "$JAR" seed --tokens "$TOKENS" --pool "$POOL" --out "$POOL_FILE" ${PRESET:+--preset "$PRESET"}
# Seeded rows are written out before the load (CHECKPOINT waits for it): a checkpoint of a million
# rows running under the load would take its share of the two cores from the measure.
[ -z "${PG_DB:-}" ] || psql -q -h 127.0.0.1 -U postgres -d "$PG_DB" -c "VACUUM ANALYZE" -c "CHECKPOINT"
if [ -n "${BARE:-}" ]; then
  mvn -q -B test-compile
  setsid mvn -q -B exec:exec@bare-server -Dbare.port="$PORT" -Dbare.pool="$POOL_FILE" > "$WORK/server.log" 2>&1 &
  LAUNCHER=$!
  PID=
  for _ in $(seq 1 300); do
    PID=$(pgrep -f "dev.tokensmith.bench.BareServer $PORT" || true)
    [ -n "$PID" ] && break
    sleep 0.2
  done
  trap 'kill $PID 2>/dev/null || true; kill -- -$LAUNCHER 2>/dev/null || true' EXIT
  SERVER="bare Vert.x server"
else
  java ${JAVA_OPTS:--Xms1g -Xmx4g} -jar "$JAR" > "$WORK/server.log" 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
  SERVER="Tokensmith"
fi
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done

# What the measured endpoint is sent: a token from the pool (the check), or an instance's pair (sync).
ENDPOINT=/v2/auth/check SCRIPT=bench/pool.lua LABEL=check
if [ -n "${SYNC:-}" ]; then
  ENDPOINT=/v2/node/sync LABEL=sync
  base="http://127.0.0.1:$PORT"
  csrf=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' -X POST "$base/v1/login" \
    -d "{\"email\":\"admin@localhost\",\"password\":\"$TOKENSMITH_ADMIN_PASSWORD\"}" | sed -E 's/.*"csrf_token":"([^"]+)".*/\1/')
  node_token=$(curl -sf -b "$WORK/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -X POST "$base/v2/node" -d '{"hostname":"bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
  : > "$POOL_FILE"
  for i in $(seq 1 "$POOL"); do
    pair=$(curl -sf -H "X-WallarmApi-Token: $node_token" -H 'Content-Type: application/json' \
      -X POST "$base/v2/node/register" -d "{\"hostname\":\"host-$i\"}" \
      | sed -E 's/.*"uuid":"([^"]+)","secret":"([^"]+)".*/\1 \2/')
    echo "$pair" >> "$POOL_FILE"
  done
fi

TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

run() { # method endpoint connections → one result line
  local method=$1 path=$2 conns=$3 before after out requests cpu_us
  before=$(cpu_ticks)
  out=$(METHOD=$method wrk -t2 -c"$conns" -d"${SECONDS_PER_RUN}s" -s "$SCRIPT" "http://127.0.0.1:$PORT$path" | grep RESULT)
  after=$(cpu_ticks)
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
  cpu_us=$(awk -v d=$((after - before)) -v t="$TICKS" -v n="$requests" 'BEGIN { printf "%.1f", d * 1e6 / t / n }')
  echo "$out cpu_us_per_request=$cpu_us"
}

field() { sed -E "s/.*$1=([0-9.]+).*/\\1/"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Warm up: JIT, and every pooled token into the verification cache.
METHOD=POST wrk -t2 -c64 -d"${WARMUP:-60}s" -s "$SCRIPT" "http://127.0.0.1:$PORT$ENDPOINT" >/dev/null
METHOD=GET wrk -t2 -c64 -d20s -s "$SCRIPT" "http://127.0.0.1:$PORT/healthz" >/dev/null

echo "$SERVER; endpoint: ${ENDPOINT}; tokens in the $DATABASE: $TOKENS (preset ${PRESET:-partner_admin}), pool: $POOL, ${CHECK_BODY:+body: $CHECK_BODY, }${SECONDS_PER_RUN}s per run," \
  "median of $ROUNDS; JDK: $(java -version 2>&1 | head -1)"
for conns in 8 64; do
  : > "$WORK/healthz" && : > "$WORK/check"
  for round in $(seq 1 "$ROUNDS"); do
    run GET /healthz "$conns" >> "$WORK/healthz"
    run POST "$ENDPOINT" "$conns" >> "$WORK/check"
  done
  for name in healthz check; do
    file="$WORK/$name"
    printf '%-8s c=%-3s rps=%s p50_us=%s p99_us=%s cpu_us_per_request=%s  non2xx=%s errors=%s  (runs: rps %s)\n' \
      "$([ "$name" = check ] && echo "$LABEL" || echo "$name")" "$conns" "$(field rps < "$file" | median)" "$(field p50_us < "$file" | median)" \
      "$(field p99_us < "$file" | median)" "$(field cpu_us_per_request < "$file" | median)" \
      "$(field non2xx < "$file" | paste -sd+ | bc)" "$(field errors < "$file" | paste -sd+ | bc)" \
      "$(field rps < "$file" | paste -sd' ')"
  done
  awk -v hr="$(field rps < "$WORK/healthz" | median)" -v cr="$(field rps < "$WORK/check" | median)" \
      -v hp="$(field p99_us < "$WORK/healthz" | median)" -v cp="$(field p99_us < "$WORK/check" | median)" \
      -v c="$conns" -v l="$LABEL" 'BEGIN { printf "ratio c=%s: " l "/healthz requests/s = %.2f, p99 = %.2f\n", c, cr / hr, cp / hp }'
done
if [ -z "${BARE:-}" ]; then
  echo "metrics: $(curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^tokensmith_(token|node_instance)_cache_total' | tr '\n' ' ')"
fi
