#!/usr/bin/env bash
# Where a cached verification's CPU goes, against /healthz of the same server: seeds TOKENS tokens,
# starts the server, warms it up as bench/load.sh does, then profiles each endpoint in turn under the
# same load (wrk, 64 connections) with async-profiler attached only while that load runs, and prints
# the server's CPU per request by part: the event loop outside Tokensmith's handler (Netty and
# Vert.x reading, parsing, writing, the kernel's share of the socket), the handler's own parts
# (the caller's authentication, the answer, the write of the response), the JIT compilers, the GC
# and the rest. Samples per request are inflated by the profiler's own cost: read the parts as
# shares, and the two endpoints against each other.
#
#   bench/profile.sh [tokens=1000] [seconds=20]
#   CHECK_BODY='{"fields":["user_id"]}' bench/profile.sh …   the check's body (default {})
#   INTERVAL=5ms bench/profile.sh …                         the sampling interval (default 5 ms)
#   WARMUP=120 bench/profile.sh …                           a longer warm-up (default 60 s)
#   JAR=other.jar bench/profile.sh …                        another build
#
# The profiles stay in target/profile/ (check.html and healthz.html are flame graphs; the
# .collapsed files one stack per line). async-profiler comes from Maven Central
# (tools.profiler:async-profiler, its Linux x64 library); the CPU event needs perf events, and
# async-profiler falls back to a timer where the kernel refuses them. Needs wrk and jcmd.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-1000}
SECONDS_PER_RUN=${2:-20}
PORT=${PORT:-18183}
JAR=${JAR:-target/tokensmith.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests

source bench/async-profiler.sh
OUT=$PROFILE_OUT

WORK=$(mktemp -d)
export TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_PORT="$PORT" TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_ADMIN_PASSWORD=bench-password-1 TOKENSMITH_CACHE_SECONDS=3600
export POOL_FILE="$WORK/pool.txt" CHECK_BODY="${CHECK_BODY:-{\}}"
java -jar "$JAR" seed --tokens "$TOKENS" --pool "$TOKENS" --out "$POOL_FILE" >/dev/null
# Frames between safepoints too, so that inlined methods keep their own names.
java -Xms1g -Xmx4g -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -jar "$JAR" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done

METHOD=POST wrk -t2 -c64 -d"${WARMUP:-60}s" -s bench/pool.lua "http://127.0.0.1:$PORT/v2/auth/check" >/dev/null
METHOD=GET wrk -t2 -c64 -d20s -s bench/pool.lua "http://127.0.0.1:$PORT/healthz" >/dev/null

echo "Tokensmith, $TOKENS tokens, 64 connections, ${SECONDS_PER_RUN}s per endpoint, body ${CHECK_BODY}; JDK: $(java -version 2>&1 | head -1)"
for endpoint in check healthz; do
  if [ "$endpoint" = check ]; then method=POST path=/v2/auth/check; else method=GET path=/healthz; fi
  profiler "$PID" "start,event=cpu,interval=${INTERVAL:-5ms}"
  result=$(METHOD=$method wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" -s bench/pool.lua "http://127.0.0.1:$PORT$path" | grep RESULT)
  profiler "$PID" "dump,file=$PWD/$OUT/$endpoint.collapsed,collapsed"
  profiler "$PID" "stop,file=$PWD/$OUT/$endpoint.html"
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<< "$result")
  interval_us=$(interval_us "${INTERVAL:-5ms}")
  echo "$endpoint: $result"
  # Each stack falls in the first part it matches, in this order.
  parts_per_request "$OUT/$endpoint.collapsed" "$requests" "$interval_us" '
    if (stack ~ /NioIoHandler\.run/) {
      if (stack ~ /Request\.caller/) part = "handler: the caller (token check, cache)"
      else if (stack ~ /VerifierApi\.check/) part = "handler: the answer"
      else if (stack ~ /Http1xServerResponse\.end/) part = "handler: the response written"
      else if (stack ~ /web\/HotLane/) part = "handler: the rest"
      else part = "event loop outside the handler"
    }'
done
