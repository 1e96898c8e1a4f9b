#!/usr/bin/env bash
# HTTP load on loopback: POST /v2/auth/check with valid tokens drawn from a pool, against /healthz of
# the same server with the same requests and settings, at 8 and 64 connections. Reports requests/s,
# p50, p99, their ratios, and the server's CPU time per request (from /proc/<pid>/stat).
#
#   bench/load.sh [tokens in the database=1000] [pool size=1000] [seconds per run=10]
#   PRESET=deploy bench/load.sh …   tokens of another role preset (a smaller permission list in each answer)
#   WARMUP=30 bench/load.sh …       a longer warm-up
#
# Needs wrk (apt-get install wrk). Runs are bounded (wrk -d) and only ever target 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-1000}
POOL=${2:-1000}
SECONDS_PER_RUN=${3:-10}
PORT=${PORT:-18181}
JAR=target/tokensmith.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests

WORK=$(mktemp -d)
export TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_PORT="$PORT" TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_ADMIN_PASSWORD=bench-password-1 TOKENSMITH_CACHE_SECONDS=${TOKENSMITH_CACHE_SECONDS:-3600}
export POOL_FILE="$WORK/pool.txt"

java -jar "$JAR" seed --tokens "$TOKENS" --pool "$POOL" --out "$POOL_FILE" ${PRESET:+--preset "$PRESET"}
java ${JAVA_OPTS:--Xms1g -Xmx4g} -jar "$JAR" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done

TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

run() { # method endpoint connections → one result line
  local method=$1 path=$2 conns=$3 before after
  before=$(cpu_ticks)
  out=$(METHOD=$method wrk -t2 -c"$conns" -d"${SECONDS_PER_RUN}s" -s bench/pool.lua "http://127.0.0.1:$PORT$path" | grep RESULT)
  after=$(cpu_ticks)
  local requests
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
  local cpu_us
  cpu_us=$(awk -v d=$((after - before)) -v t="$TICKS" -v n="$requests" 'BEGIN { printf "%.1f", d * 1e6 / t / n }')
  echo "$method $path c=$conns $out cpu_us_per_request=$cpu_us"
}

# Warm up: JIT, and every pooled token into the verification cache.
METHOD=POST wrk -t2 -c8 -d"${WARMUP:-5}s" -s bench/pool.lua "http://127.0.0.1:$PORT/v2/auth/check" >/dev/null
METHOD=GET wrk -t2 -c8 -d3s -s bench/pool.lua "http://127.0.0.1:$PORT/healthz" >/dev/null

echo "tokens in database: $TOKENS (preset ${PRESET:-partner_admin}), pool: $POOL, ${SECONDS_PER_RUN}s per run, JDK: $(java -version 2>&1 | head -1)"
for conns in 8 64; do
  h=$(run GET /healthz "$conns")
  c=$(run POST /v2/auth/check "$conns")
  echo "$h"
  echo "$c"
  awk -v h="$h" -v c="$c" 'BEGIN {
    match(h, /rps=[0-9]+/); hr = substr(h, RSTART + 4, RLENGTH - 4);
    match(c, /rps=[0-9]+/); cr = substr(c, RSTART + 4, RLENGTH - 4);
    match(h, /p99_us=[0-9]+/); hp = substr(h, RSTART + 7, RLENGTH - 7);
    match(c, /p99_us=[0-9]+/); cp = substr(c, RSTART + 7, RLENGTH - 7);
    printf "ratio c=%s: check/healthz requests/s = %.2f, p99 = %.2f\n", "'"$conns"'", cr / hr, cp / hp }'
done
grep -c "" "$WORK/server.log" >/dev/null
echo "metrics: $(curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^tokensmith_token_cache_total' | tr '\n' ' ')"
