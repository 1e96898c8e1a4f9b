#!/usr/bin/env bash
# Background jobs at size on PostgreSQL, under the verify load: seeds a fresh database with EXPIRE
# tokens that expire, and PURGE tokens that become purgeable, a little after the server has warmed up,
# plus a user holding CASCADE tokens; runs the load of bench/load.sh (POST /v2/auth/check, tokens from
# a pool, bench/pool.lua) in consecutive slices of SLICE seconds all along, and reports:
#   - verify requests/s before each job (the slices before it) and while it runs, and their ratio;
#   - each job's duration (from its first due moment until no due token is left);
#   - the longest statement PostgreSQL logged (log_min_duration_statement = 100 ms on this database:
#     "none" means no statement took 100 ms or more) and the longest batch the server logged;
#   - the cascade: disabling the user through the API, the time to the answer and to the last token
#     disabled (no enabled token of the user and no pending cascade left), and requests/s meanwhile.
#
#   bench/jobs.sh [expire=100000] [purge=100000] [cascade=10000]
#   PG_DB=jobs_bench bench/jobs.sh …   the database (dropped and created, dropped again at the end
#                                      unless KEEP_DB=1)
#   WARMUP=60 CONNS=8 SLICE=5 BASELINE=30 bench/jobs.sh …
#   STATS=1 bench/jobs.sh …            PostgreSQL also logs each statement's CPU (log_statement_stats):
#                                      for the statements of 100 ms or more, the report sets their
#                                      time against the CPU they used and the times the kernel took
#                                      their core away (involuntary context switches), which tells a
#                                      statement that works long from one that waits for a core
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication), its log readable at
# PG_LOG (default /var/log/postgresql/postgresql-15-main.log), wrk, curl, jq. Only targets 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
EXPIRE=${1:-100000}
PURGE=${2:-100000}
CASCADE=${3:-10000}
PG_DB=${PG_DB:-jobs_bench}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
PORT=${PORT:-18195}
WARMUP=${WARMUP:-60}
CONNS=${CONNS:-8}
SLICE=${SLICE:-5}
BASELINE=${BASELINE:-30}
JAR=target/tokensmith.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests

WORK=$(mktemp -d)
PSQL=(psql -q -At -h 127.0.0.1 -U postgres -d "$PG_DB")
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "ALTER DATABASE $PG_DB SET log_min_duration_statement = ${LOG_MS:-100}"
[ -z "${STATS:-}" ] || psql -q -h 127.0.0.1 -U postgres -d postgres -c "ALTER DATABASE $PG_DB SET log_statement_stats = on"
export TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" TOKENSMITH_DB_USER=postgres
export TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_ADMIN_PASSWORD=jobs-password-1 TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_PORT=$PORT TOKENSMITH_JOB_INTERVAL_SECONDS=1 TOKENSMITH_CACHE_SECONDS=3600
export POOL_FILE="$WORK/pool.txt"

# The verify load's tokens, then the user whose tokens the cascade disables (created through the API).
java -jar "$JAR" seed --tokens 1000 --pool 1000 --out "$POOL_FILE"
java ${JAVA_OPTS:--Xms1g -Xmx2g} -jar "$JAR" > "$WORK/server.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  [ -n "${LOAD:-}" ] && kill "$LOAD" 2>/dev/null || true
  if [ -z "${KEEP_DB:-}" ]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" || true
  fi
}
trap cleanup EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
  curl -sf "$BASE/readyz" >/dev/null && break
  sleep 0.2
done
CSRF=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' -X POST "$BASE/v1/login" \
  -d "{\"email\":\"admin@localhost\",\"password\":\"$TOKENSMITH_ADMIN_PASSWORD\"}" | jq -r .body.csrf_token)
api() { # path body → response
  curl -sf -b "$WORK/cookies" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -X POST "$BASE$1" -d "$2"
}
CLIENT=$("${PSQL[@]}" -c "SELECT client_id FROM users WHERE email = 'admin@localhost'")
USER_ID=$(api /v1/objects/user/create "{\"email\":\"cascade@localhost\",\"realname\":\"Cascade\",\"password\":\"cascade-password-1\",\"permissions\":[\"partner_analytic\"],\"clientid\":$CLIENT}" | jq -r '.body.id')
java -jar "$JAR" seed --tokens "$CASCADE" --pool 1 --out "$WORK/cascade.txt" --owner cascade@localhost --preset partner_analytic

# The jobs' work, due after the warm-up and a baseline: expiry first, the purge once it is done.
EXPIRE_IN=$((WARMUP + BASELINE + 60))
PURGE_IN=$((EXPIRE_IN + 60 + BASELINE))
java -jar "$JAR" seed --tokens "$EXPIRE" --pool 0 --out "$WORK/none.txt" --kind expired --due-in "$EXPIRE_IN"
EXPIRE_AT=$(($(date +%s) + EXPIRE_IN))
java -jar "$JAR" seed --tokens "$PURGE" --pool 0 --out "$WORK/none.txt" --kind purgeable --due-in "$PURGE_IN"
PURGE_AT=$(($(date +%s) + PURGE_IN))
"${PSQL[@]}" -c "VACUUM ANALYZE"
echo "seeded: $EXPIRE expiring at +${EXPIRE_IN}s, $PURGE purgeable at +${PURGE_IN}s, $CASCADE of user $USER_ID;" \
  "rows: $("${PSQL[@]}" -c 'SELECT COUNT(*) FROM api_tokens')"
METHOD=POST wrk -t2 -c64 -d"${WARMUP}s" -s bench/pool.lua "$BASE/v2/auth/check" >/dev/null
# The load, slice after slice: "start end rps" per line.
(
  while true; do
    start=$(date +%s.%N)
    out=$(METHOD=POST wrk -t2 -c"$CONNS" -d"${SLICE}s" -s bench/pool.lua "$BASE/v2/auth/check" | grep RESULT)
    echo "$start $(date +%s.%N) $(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$out")"
  done
) > "$WORK/slices" &
LOAD=$!
LOG_FROM=$(wc -l < "$PG_LOG")

# When the due tokens are all handled: polled once a second.
wait_done() { # label query → end epoch
  while [ "$("${PSQL[@]}" -c "$2")" != "0" ]; do sleep 1; done
  date +%s.%N
}
now_ms() { "${PSQL[@]}" -c "SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint"; }

while [ "$(date +%s)" -lt "$EXPIRE_AT" ]; do sleep 1; done
EXPIRE_END=$(wait_done expire "SELECT COUNT(*) FROM api_tokens WHERE enabled = TRUE AND expire_at <= $(now_ms)")
while [ "$(date +%s)" -lt "$PURGE_AT" ]; do sleep 1; done
PURGE_END=$(wait_done purge "SELECT COUNT(*) FROM api_tokens WHERE enabled = FALSE AND disabled_at <= $(now_ms) - 7 * 86400000")
sleep "$BASELINE"
CASCADE_START=$(date +%s.%N)
api /v1/objects/user/update "{\"filter\":{\"id\":$USER_ID},\"fields\":{\"enabled\":false}}" > /dev/null
CASCADE_ANSWER=$(date +%s.%N)
CASCADE_END=$(wait_done cascade "SELECT (SELECT COUNT(*) FROM api_tokens WHERE user_id = $USER_ID AND enabled = TRUE) + (SELECT COUNT(*) FROM token_owner_cascades)")
LOG_TO=$(wc -l < "$PG_LOG")
sleep "$SLICE"
kill "$LOAD" 2>/dev/null || true
wait "$LOAD" 2>/dev/null || true
LOAD=

# Requests/s of the slices wholly within [from, to], and of the BASELINE seconds of slices before.
rps_in() { awk -v a="$1" -v b="$2" '$1 >= a && $2 <= b && $3 != "" { s += $3; n++ } END { printf "%.0f (%d slices)", n ? s / n : 0, n }' "$WORK/slices"; }
rps_mean() { awk -v a="$1" -v b="$2" '$1 >= a && $2 <= b && $3 != "" { s += $3; n++ } END { printf "%.0f", n ? s / n : 0 }' "$WORK/slices"; }
report() { # label start end
  local before during
  before=$(rps_mean "$(echo "$2 - $BASELINE - $SLICE" | bc)" "$2")
  during=$(awk -v a="$2" -v b="$3" '$2 > a && $1 < b && $3 != "" { s += $3; n++ } END { printf "%.0f", n ? s / n : 0 }' "$WORK/slices")
  printf '%-8s duration_s=%.1f verify_rps_before=%s verify_rps_during=%s ratio=%s\n' "$1" "$(echo "$3 - $2" | bc)" \
    "$before" "$during" "$(awk -v b="$before" -v d="$during" 'BEGIN { printf "%.2f", b ? d / b : 0 }')"
}
echo "Tokensmith on PostgreSQL ($PG_DB), verify load: wrk -t2 -c$CONNS, ${SLICE}s slices; JDK: $(java -version 2>&1 | head -1)"
report expire "$EXPIRE_AT" "$EXPIRE_END"
report purge "$PURGE_AT" "$PURGE_END"
report cascade "$CASCADE_START" "$CASCADE_END"
printf 'cascade  api_answer_ms=%.0f finished_ms=%.0f tokens=%s\n' "$(echo "($CASCADE_ANSWER - $CASCADE_START) * 1000" | bc)" \
  "$(echo "($CASCADE_END - $CASCADE_START) * 1000" | bc)" "$CASCADE"
# The batch selections' plans, now that the expired tokens sit disabled in the time range.
NOW=$(now_ms)
plan() { "${PSQL[@]}" -c "EXPLAIN $1" | grep -Eo '(Index|Seq)[A-Za-z ]* (using [a-z_]+ )?on [a-z_]+' | head -1; }
echo "plans: expire: $(plan "SELECT * FROM api_tokens WHERE enabled = TRUE AND expire_at <= $NOW ORDER BY expire_at LIMIT 200 FOR UPDATE SKIP LOCKED");" \
  "purge: $(plan "SELECT * FROM api_tokens WHERE enabled = FALSE AND disabled_at <= $((NOW - 7 * 86400000)) ORDER BY disabled_at LIMIT 200 FOR UPDATE SKIP LOCKED")"
echo "disabled: expired=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM api_tokens WHERE disabled_reason = 'expired'")" \
  "owner_disabled=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM api_tokens WHERE disabled_reason = 'owner_disabled'")" \
  "records: disable=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM activity WHERE object_type = 'api_token' AND action = 'disable'")" \
  "delete=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM activity WHERE object_type = 'api_token' AND action = 'delete'")"
# PostgreSQL's log while the jobs ran: the server's statements (extended protocol: "execute"), not
# this script's polling through psql.
sed -n "$((LOG_FROM + 1)),${LOG_TO}p" "$PG_LOG" | grep "@$PG_DB " | grep -E 'duration: [0-9.]+ ms +execute' > "$WORK/slow" || true
echo "server statements of ${LOG_MS:-100} ms or more logged by PostgreSQL: $(wc -l < "$WORK/slow"), longest:" \
  "$(grep -o 'duration: .*' "$WORK/slow" | sed 's/duration: //' | sort -n | tail -1 | cut -c1-160)"
[ -z "${SHOW_SLOW:-}" ] || cut -c1-220 "$WORK/slow"
if [ -n "${STATS:-}" ]; then
  # Each slow "execute" line of a backend is followed by that backend's EXECUTE MESSAGE STATISTICS:
  # its user and system CPU, its elapsed time and its context switches.
  sed -n "$((LOG_FROM + 1)),${LOG_TO}p" "$PG_LOG" | awk -v db="@$PG_DB " -v min="${LOG_MS:-100}" '
    index($0, db) && match($0, /\[[0-9]+\]/) { pid = substr($0, RSTART, RLENGTH) }
    index($0, db) && match($0, /duration: [0-9.]+ ms +execute/) {
      split(substr($0, RSTART + 10), d, " "); if (d[1] + 0 >= min) slow[pid] = 1
    }
    index($0, db) && /EXECUTE MESSAGE STATISTICS/ { cur = (pid in slow) ? pid : ""; delete slow[pid]; next }
    cur != "" && / s user, .* s system, .* s elapsed/ {
      gsub(/[!\t,]/, " "); split($0, f, " "); cpu[++n] = (f[1] + f[4]) * 1000; elapsed[n] = f[7] * 1000
    }
    cur != "" && /voluntary\/involuntary context switches/ {
      gsub(/[!\t]/, " "); split($1, c, "/"); voluntary[n] = c[1]; involuntary[n] = c[2]; cur = ""
    }
    END {
      if (!n) { print "statement stats: no slow statement"; exit }
      for (i = 1; i <= n; i++) {
        tc += cpu[i]; te += elapsed[i]; ti += involuntary[i]; tv += voluntary[i]
        if (elapsed[i] > me) { me = elapsed[i]; mc = cpu[i]; mi = involuntary[i]; mv = voluntary[i] }
      }
      printf "statement stats of the %d slow statements: elapsed %.0f ms in all, CPU %.1f ms (%.1f %%), context switches %d involuntary (core taken away), %d voluntary (waits: locks, I/O); the longest: %.0f ms elapsed, %.2f ms CPU, %d involuntary, %d voluntary\n", n, te, tc, 100 * tc / te, ti, tv, me, mc, mi, mv
    }'
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E 'tokens\.(expire|purge): ' "$WORK/server.log" | sed -E 's/.*(tokens\.[a-z]+: .*)/\1/' \
  | awk '{ for (i = 1; i <= NF; i++) if ($i == "longest") { v = $(i + 2); if (v > max[$1]) max[$1] = v } } END { for (j in max) printf "longest batch %s %s ms\n", j, max[j] }'
