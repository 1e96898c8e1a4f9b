#!/usr/bin/env bash
# Scale-out on one machine: three instances on one PostgreSQL database behind nginx (round robin).
# A verify load runs through nginx the whole time; meanwhile tokens are disabled, renewed and deleted
# through instance 1, and for each change the script measures how long it takes until EVERY instance
# refuses the old value (each instance is asked directly, so none can hide behind another). At the end
# it reports those times and the load's failures (there must be none: the load's tokens never change).
#
#   bench/scale-out.sh [seconds of load=40] [tokens in the database=1000] [changes of each kind=5]
#   INSTANCES=3 PG_DB=tokensmith_scaleout bench/scale-out.sh …
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication; the database PG_DB is
# dropped and created), nginx, wrk, curl and jq (apt-get install nginx wrk jq). Not part of the test
# suite; it only ever targets 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_LOAD=${1:-40}
TOKENS=${2:-1000}
CHANGES=${3:-5}
INSTANCES=${INSTANCES:-3}
PG_DB=${PG_DB:-tokensmith_scaleout}
BASE_PORT=${BASE_PORT:-18300}
JAR=target/tokensmith.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests
for tool in nginx wrk curl jq psql; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool is missing"; exit 2; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
export TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" TOKENSMITH_DB_USER=postgres
export TOKENSMITH_MASTER_KEY_FILE="$WORK/master.key" TOKENSMITH_PEPPER_FILE="$WORK/pepper.key"
export TOKENSMITH_ADMIN_PASSWORD=scale-out-password-1 TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_SHUTDOWN_DRAIN_SECONDS=0 POOL_FILE="$WORK/pool.txt"

# One process migrates, makes the keys every instance shares, and seeds the load's tokens.
TOKENSMITH_DATA_DIR="$WORK/seed" java -jar "$JAR" seed --tokens "$TOKENS" --pool "$TOKENS" --out "$POOL_FILE"

port() { echo $((BASE_PORT + $1)); }
for i in $(seq 1 "$INSTANCES"); do
  TOKENSMITH_DATA_DIR="$WORK/i$i" TOKENSMITH_PORT=$(port "$i") \
    java ${JAVA_OPTS:--Xms256m -Xmx1g} -jar "$JAR" > "$WORK/instance-$i.log" 2>&1 &
  PIDS+=($!)
done
for i in $(seq 1 "$INSTANCES"); do
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$(port "$i")/readyz" >/dev/null && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$(port "$i")/readyz" >/dev/null || { echo "instance $i did not start:"; tail "$WORK/instance-$i.log"; exit 1; }
done

mkdir -p "$WORK/nginx"
{
  echo "worker_processes 1; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log;"
  echo "events { worker_connections 1024; }"
  echo "http { access_log off; upstream tokensmith {"
  for i in $(seq 1 "$INSTANCES"); do echo "  server 127.0.0.1:$(port "$i");"; done
  echo "  keepalive 64; }"
  echo "  server { listen 127.0.0.1:$BASE_PORT; location / { proxy_pass http://tokensmith;"
  echo "    proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
} > "$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"

# An administrator's session on instance 1 makes the tokens that will change.
ONE="http://127.0.0.1:$(port 1)"
CSRF=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' -X POST "$ONE/v1/login" \
  -d "{\"email\":\"admin@localhost\",\"password\":\"$TOKENSMITH_ADMIN_PASSWORD\"}" | jq -r .body.csrf_token)
api() { # method path [body] → the answer's body
  curl -sf -b "$WORK/cookies" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -X "$1" "$ONE$2" ${3:+-d "$3"}
}
check() { # port token → the status of /v2/auth/check at that instance
  curl -s -o /dev/null -w '%{http_code}' -H "X-WallarmApi-Token: $2" -H 'Content-Type: application/json' \
    -X POST "http://127.0.0.1:$1/v2/auth/check" -d '{}'
}
: > "$WORK/changes"
for kind in disable renew delete; do
  for n in $(seq 1 "$CHANGES"); do
    api POST /v2/api_tokens "{\"realname\":\"scale-out $kind $n\",\"permissions\":[\"api_tokens:view\"]}" \
      | jq -r --arg k "$kind" '"\($k) \(.body.id) \(.body.secret)"' >> "$WORK/changes"
  done
done
# Every instance verifies every such token once, so each holds it in its cache: the hard case.
while read -r _ _ secret; do
  for i in $(seq 1 "$INSTANCES"); do
    [ "$(check "$(port "$i")" "$secret")" = 200 ] || { echo "a new token failed at instance $i"; exit 1; }
  done
done < "$WORK/changes"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
refused_after() { # port token t0 → "sent answered": ms from t0 to the sending and to the answer of
  # the first check that instance refused (the change reached it between the previous check and
  # this one's answer; "sent" excludes the check's own time in the queue of a loaded machine)
  local status sent
  while true; do
    sent=$(now_ms)
    status=$(check "$1" "$2")
    [ "$status" != 200 ] && { echo "$((sent - $3)) $(($(now_ms) - $3))"; return; }
    [ $(($(now_ms) - $3)) -gt 10000 ] && { echo "never never"; return; }
  done
}

METHOD=POST wrk -t2 -c32 -d"${SECONDS_OF_LOAD}s" -s bench/pool.lua "http://127.0.0.1:$BASE_PORT/v2/auth/check" \
  > "$WORK/wrk.txt" 2>&1 &
WRK=$!
sleep $((SECONDS_OF_LOAD / 4))

echo "Tokensmith scale-out: $INSTANCES instances on PostgreSQL ($PG_DB) behind nginx, $TOKENS tokens," \
  "verify load through nginx for ${SECONDS_OF_LOAD}s at 32 connections"
: > "$WORK/times"
while read -r kind id secret; do
  case $kind in
    disable) api PUT "/v2/api_tokens/$id" '{"enabled":false}' > /dev/null ;;
    renew) api POST "/v2/api_tokens/$id/secret" '{}' > /dev/null ;;
    delete) api DELETE "/v2/api_tokens/$id" > /dev/null ;;
  esac
  t0=$(now_ms)
  pollers=()
  for i in $(seq 1 "$INSTANCES"); do
    refused_after "$(port "$i")" "$secret" "$t0" > "$WORK/t$i" &
    pollers+=($!)
  done
  wait "${pollers[@]}"
  answered=$(for i in $(seq 1 "$INSTANCES"); do cut -d' ' -f2 "$WORK/t$i"; done | paste -sd' ')
  sent=$(for i in $(seq 1 "$INSTANCES"); do cut -d' ' -f1 "$WORK/t$i"; done | paste -sd' ')
  worst=$(tr ' ' '\n' <<<"$answered" | sort -n | tail -1)
  echo "$kind $worst" >> "$WORK/times"
  printf '%-8s token %-5s refused by every instance %5s ms after the API answered (per instance: %s; those checks sent at %s)\n' \
    "$kind" "$id" "$worst" "$answered" "$sent"
done < "$WORK/changes"

wait "$WRK" || true
result=$(grep RESULT "$WORK/wrk.txt" || true)
echo "load: $result"
for kind in disable renew delete; do
  awk -v k="$kind" '$1 == k { v[++n] = $2 } END {
    if (n == 0) exit; m = 0; for (i = 1; i <= n; i++) if (v[i] == "never" || v[i] + 0 > m) m = v[i]
    printf "%-8s worst of %d: %s ms\n", k, n, m }' "$WORK/times"
done
failed=$(sed -E 's/.*errors=([0-9]+) non2xx=([0-9]+).*/\1 + \2/' <<<"$result" | bc)
never=$(grep -c never "$WORK/times" || true)
over=$(awk '$2 != "never" && $2 + 0 >= 1000' "$WORK/times" | wc -l)
echo "requests failed during the changes: $failed; changes not refused everywhere within 1 s: $((never + over))"
[ "$failed" = 0 ] && [ "$never" = 0 ] && [ "$over" = 0 ]
