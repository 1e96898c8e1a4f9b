#!/usr/bin/env bash
# The cache-miss path on PostgreSQL: POST /v2/auth/check with tokens drawn from a pool larger than the
# verification cache, so that most requests (uniform picks) or some (Zipf picks) must read the
# database; against the same load on a bare Vert.x server that reads one row by primary key per
# request through HikariCP (bench DbFloorServer: the database floor of this machine). Then a flood of
# distinct random well-formed tokens that no token has, to count the database reads they cost.
#
#   bench/miss.sh [tokens=200000] [cache size=50000] [seconds per run=10]
#   FLOOD=20000 bench/miss.sh …       distinct random well-formed values in the flood (default cache/10:
#                                     what the negative cache holds)
#   CONNS="64 8" bench/miss.sh …      wrk connections, one set of runs each
#   ZIPF_S=1.0 bench/miss.sh …        the Zipf exponent
#   WARMUP=120 bench/miss.sh …        seconds of warm-up of each server (default 60: on 2 cores C2 is
#                                     still compiling before that, and its CPU is counted in the runs)
#   ROUNDS=5 bench/miss.sh …          runs per figure, the median reported (default 3), the two servers
#                                     alternating so that both see the same machine
#   DB_POOL=16 bench/miss.sh …        connections of both servers (Tokensmith's default is 16)
#   PG_DB=miss_bench bench/miss.sh …  the database (dropped and created, dropped again at the end)
#   KEEP_DB=1 bench/miss.sh …         keep the database at the end
#   JAR=other.jar bench/miss.sh …     another build of Tokensmith
#   PROFILE=1 bench/miss.sh …         then profile one uniform run of each server (async-profiler,
#                                     threads apart) and print its CPU per request by part: the
#                                     database read on the worker (pool, driver, socket), what
#                                     Tokensmith does around it, the hand-over between event loop and
#                                     worker, the event loop; flame graphs in target/profile/miss-*.html
#
# Each run reports the CPU per request of the server (cpu_us_per_request) and of PostgreSQL (all its
# processes: pg_cpu_us_per_request): on two cores both come out of the same budget.
#
# The floor reads the secret's row of api_token_secrets by its key (the digest, the table's primary
# key): the same index Tokensmith's lookup walks. Needs wrk, and PostgreSQL on 127.0.0.1:5432 (user
# postgres, trust authentication). Runs are bounded (wrk -d) and only ever target 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-200000}
CACHE=${2:-50000}
SECONDS_PER_RUN=${3:-10}
FLOOD=${FLOOD:-$((CACHE / 10 > 1000 ? CACHE / 10 : 1000))}
CONNS=${CONNS:-64 8}
ROUNDS=${ROUNDS:-3}
DB_POOL=${DB_POOL:-16}
PG_DB=${PG_DB:-miss_bench}
PORT=${PORT:-18191}
FLOOR_PORT=${FLOOR_PORT:-18192}
JAR=${JAR:-target/tokensmith.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests
[ -f target/test-classes/dev/tokensmith/bench/DbFloorServer.class ] && [ -f target/test-classes/dev/tokensmith/bench/WellFormedSecrets.class ] || mvn -q -B test-compile
CP="$JAR:target/test-classes"

WORK=$(mktemp -d)
psql() { command psql -X -q -h 127.0.0.1 -U postgres "$@"; }
psql -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
export TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" TOKENSMITH_DB_USER=postgres
export TOKENSMITH_DB_POOL_SIZE=$DB_POOL TOKENSMITH_CACHE_SIZE=$CACHE TOKENSMITH_CACHE_SECONDS=3600
export TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_PORT=$PORT TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_ADMIN_PASSWORD=miss-password-1
java -jar "$JAR" seed --tokens "$TOKENS" --pool "$TOKENS" --out "$WORK/pool.txt"
psql -d "$PG_DB" -c "VACUUM ANALYZE"
java -cp "$CP" dev.tokensmith.bench.WellFormedSecrets "$FLOOD" "$WORK/flood.txt"

java ${JAVA_OPTS:--Xms1g -Xmx3g} -jar "$JAR" > "$WORK/server.log" 2>&1 &
PID=$!
java ${JAVA_OPTS:--Xms1g -Xmx3g} -cp "$CP" dev.tokensmith.bench.DbFloorServer "$FLOOR_PORT" "$WORK/pool.txt" \
  "$TOKENSMITH_DB_URL" postgres "$DB_POOL" > "$WORK/floor.log" 2>&1 &
FLOOR_PID=$!
cleanup() {
  kill $PID $FLOOR_PID 2>/dev/null || true
  wait $PID $FLOOR_PID 2>/dev/null || true
  [ -n "${KEEP_DB:-}" ] || psql -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" || true
}
trap cleanup EXIT
for port in $PORT $FLOOR_PORT; do
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.2
  done
done

# The verifier's counters: answers from the token cache, from the unknown cache, database reads.
counter() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v r="result=\"$1\"" 'index($0, "tokensmith_token_cache_total{") == 1 && index($0, r) { print int($2) }'; }
# Transactions committed in the database (each read outside a transaction is one): every query of
# both servers and of Tokensmith's background work, to cross-check the verifier's count.
commits() { psql -d "$PG_DB" -tAc "SELECT pg_stat_force_next_flush(); SELECT xact_commit FROM pg_stat_database WHERE datname = '$PG_DB'" 2>/dev/null | tail -1; }
field() { sed -E "s/(.* |^)$1=([0-9.]+).*/\\2/"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Every PostgreSQL process (the backends of both servers' pools, its background writers).
pg_ticks() { for p in $(pgrep -u postgres); do cat "/proc/$p/stat" 2>/dev/null; done | awk '{ t += $14 + $15 } END { print t }'; }
load() { # port dist conns pool → a RESULT line, with the CPU time the server spent per request
  local pid before pg_before out
  pid=$([ "$1" = "$PORT" ] && echo $PID || echo $FLOOR_PID)
  before=$(cpu_ticks $pid) pg_before=$(pg_ticks)
  out=$(POOL_FILE=$4 DIST=$2 ZIPF_S=${ZIPF_S:-1.0} wrk -t2 -c"$3" -d"${SECONDS_PER_RUN}s" -s bench/pick.lua \
    "http://127.0.0.1:$1/v2/auth/check" | grep RESULT)
  echo "$out cpu_us_per_request=$(per_request $(($(cpu_ticks $pid) - before)) "$out")" \
    "pg_cpu_us_per_request=$(per_request $(($(pg_ticks) - pg_before)) "$out")"
}
per_request() { # ticks, a RESULT line → µs per request
  awk -v d="$1" -v t="$TICKS" -v n="$(field requests <<<"$2")" 'BEGIN { printf "%.1f", d * 1e6 / t / n }'
}

# Warm-up: the JIT of both, PostgreSQL's buffers, and the cache filled.
POOL_FILE="$WORK/pool.txt" DIST=uniform wrk -t2 -c64 -d"${WARMUP:-60}s" -s bench/pick.lua "http://127.0.0.1:$PORT/v2/auth/check" > /dev/null
POOL_FILE="$WORK/pool.txt" DIST=uniform wrk -t2 -c64 -d"${WARMUP:-60}s" -s bench/pick.lua "http://127.0.0.1:$FLOOR_PORT/v2/auth/check" > /dev/null

echo "tokens=$TOKENS cache=$CACHE db_pool=$DB_POOL ${SECONDS_PER_RUN}s per run, median of $ROUNDS;" \
  "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); JDK: $(java -version 2>&1 | head -1);" \
  "PostgreSQL $(psql -d postgres -tAc 'SHOW server_version')"
for dist in uniform zipf; do
  for conns in $CONNS; do
    : > "$WORK/t" && : > "$WORK/f" && : > "$WORK/c"
    for _ in $(seq 1 "$ROUNDS"); do
      hits=$(counter hit) loads=$(counter load) tx=$(commits)
      load "$PORT" "$dist" "$conns" "$WORK/pool.txt" > "$WORK/run"
      hits=$(($(counter hit) - hits)) loads=$(($(counter load) - loads)) tx=$(($(commits) - tx))
      requests=$(field requests < "$WORK/run")
      echo "$(cat "$WORK/run") hit_ratio=$(awk -v h=$hits -v n="$requests" 'BEGIN { printf "%.3f", h / n }')" \
        "loads_per_request=$(awk -v l=$loads -v n="$requests" 'BEGIN { printf "%.3f", l / n }')" \
        "commits_per_request=$(awk -v l=$tx -v n="$requests" 'BEGIN { printf "%.3f", l / n }')" >> "$WORK/t"
      load "$FLOOR_PORT" "$dist" "$conns" "$WORK/pool.txt" >> "$WORK/f"
    done
    for who in t f; do
      file="$WORK/$who"
      printf '%-10s %-7s c=%-3s rps=%s p50_us=%s p99_us=%s cpu_us_per_request=%s pg_cpu_us_per_request=%s%s  non2xx=%s errors=%s  (runs: rps %s)\n' \
        "$([ $who = t ] && echo tokensmith || echo floor)" "$dist" "$conns" "$(field rps < "$file" | median)" \
        "$(field p50_us < "$file" | median)" "$(field p99_us < "$file" | median)" \
        "$(field cpu_us_per_request < "$file" | median)" "$(field pg_cpu_us_per_request < "$file" | median)" \
        "$([ $who = t ] && echo " hit_ratio=$(field hit_ratio < "$file" | median) loads_per_request=$(field loads_per_request < "$file" | median) commits_per_request=$(field commits_per_request < "$file" | median)")" \
        "$(field non2xx < "$file" | paste -sd+ | bc)" "$(field errors < "$file" | paste -sd+ | bc)" \
        "$(field rps < "$file" | paste -sd' ')"
    done
    awk -v t="$(field rps < "$WORK/t" | median)" -v f="$(field rps < "$WORK/f" | median)" \
        -v tp="$(field p99_us < "$WORK/t" | median)" -v fp="$(field p99_us < "$WORK/f" | median)" \
        -v c="$conns" -v d="$dist" 'BEGIN { printf "ratio %s c=%s: tokensmith/floor requests/s = %.2f, p99 = %.2f\n", d, c, t / f, tp / fp }'
  done
done

# The flood: FLOOD distinct well-formed values no token has, sent in turn, over and over. Each may
# cost one read the first time; while they fit in the negative cache, none after.
unknown=$(counter unknown_hit) loads=$(counter load)
load "$PORT" cycle 64 "$WORK/flood.txt" > "$WORK/run"
unknown=$(($(counter unknown_hit) - unknown)) loads=$(($(counter load) - loads))
requests=$(field requests < "$WORK/run")
distinct=$((requests < FLOOD ? requests : FLOOD))
echo "flood      c=64  rps=$(field rps < "$WORK/run") p50_us=$(field p50_us < "$WORK/run") p99_us=$(field p99_us < "$WORK/run")" \
  "cpu_us_per_request=$(field cpu_us_per_request < "$WORK/run")" \
  "requests=$requests distinct=$distinct loads=$loads unknown_hits=$unknown" \
  "loads_per_distinct=$(awk -v l=$loads -v d=$distinct 'BEGIN { printf "%.3f", l / d }')" \
  "non2xx=$(field non2xx < "$WORK/run") (401 expected)"

[ -n "${PROFILE:-}" ] || exit 0
# One uniform run of each server under async-profiler, its samples split by thread and part (each
# stack falls in the first part it matches). Samples are inflated by the profiler's own cost: read
# the parts as shares, and the two servers against each other.
source bench/async-profiler.sh
conns=${CONNS%% *}
for who in tokensmith floor; do
  if [ $who = tokensmith ]; then pid=$PID port=$PORT; else pid=$FLOOR_PID port=$FLOOR_PORT; fi
  profiler $pid "start,event=cpu,interval=${INTERVAL:-1ms},threads"
  load "$port" uniform "$conns" "$WORK/pool.txt" > "$WORK/run"
  profiler $pid "dump,file=$PWD/$PROFILE_OUT/miss-$who.collapsed,collapsed"
  profiler $pid "stop,file=$PWD/$PROFILE_OUT/miss-$who.html"
  echo "profiled $who uniform c=$conns: $(cat "$WORK/run")"
  parts_per_request "$PROFILE_OUT/miss-$who.collapsed" "$(field requests < "$WORK/run")" \
    "$(interval_us "${INTERVAL:-1ms}")" '
    if (stack ~ /^\[vert\.x-worker/) {
      if (stack ~ /findBySecretDigests|DbFloorServer\$Server\.read/) part = "worker: the database read (pool, driver, socket)"
      else if (stack ~ /TokenVerifier/) part = "worker: the verification around the read"
      else if (stack ~ /UsageRecorder/) part = "worker: the usage record"
      else if (stack ~ /VerifierApi/) part = "worker: the answer"
      else part = "worker: the rest (hand-over, parking, waking)"
    } else if (stack ~ /^\[vert\.x-eventloop/) {
      if (stack ~ /Http1xServerResponse\.end/) part = "event loop: the response written"
      else if (stack ~ /HotLane|Responder|DbFloorServer/) part = "event loop: the handler (cache, hand-over)"
      else part = "event loop: Netty, HTTP, the socket"
    }'
done
