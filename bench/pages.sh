#!/usr/bin/env bash
# Page times of the token list on PostgreSQL at a given size: seeds a fresh database with TOKENS tokens
# (COPY), starts one instance on it, and times GET /v2/api_tokens?limit=50 as a Console would walk it:
# the first page, then pages by `cursor` (next_cursor), and for comparison pages by `offset` deep in the
# list. Each figure is the median of ROUNDS requests, measured by curl on loopback (keep-alive off, so
# each includes a connection: compare figures of one run, and runs of two sizes with each other).
#
#   bench/pages.sh [tokens=1000000] [rounds=21]
#   PG_DB=tokensmith_pages bench/pages.sh …   the database (dropped and created)
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication), curl and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-1000000}
ROUNDS=${2:-21}
PG_DB=${PG_DB:-tokensmith_pages}
PORT=${PORT:-18190}
JAR=target/tokensmith.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests

WORK=$(mktemp -d)
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
export TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" TOKENSMITH_DB_USER=postgres
export TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_ADMIN_PASSWORD=pages-password-1 TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_PORT=$PORT
java -jar "$JAR" seed --tokens "$TOKENS" --pool 1 --out "$WORK/pool.txt"
psql -q -h 127.0.0.1 -U postgres -d "$PG_DB" -c "VACUUM ANALYZE"

java ${JAVA_OPTS:--Xms512m -Xmx2g} -jar "$JAR" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
  sleep 0.2
done
BASE="http://127.0.0.1:$PORT"
CSRF=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' -X POST "$BASE/v1/login" \
  -d "{\"email\":\"admin@localhost\",\"password\":\"$TOKENSMITH_ADMIN_PASSWORD\"}" | jq -r .body.csrf_token)
[ -n "$CSRF" ]

ms() { curl -s -o "$WORK/page.json" -w '%{time_total}' -b "$WORK/cookies" "$BASE$1" | awk '{ printf "%.2f", $1 * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Warm-up: the JIT and PostgreSQL's buffers.
for _ in $(seq 1 50); do ms "/v2/api_tokens?limit=50" > /dev/null; done

first=$(for _ in $(seq 1 "$ROUNDS"); do ms "/v2/api_tokens?limit=50"; echo; done | median)
# Walk forward by cursor: each request is the next page.
ms "/v2/api_tokens?limit=50" > /dev/null
: > "$WORK/cursor"
for _ in $(seq 1 "$ROUNDS"); do
  cursor=$(jq -r '.next_cursor // empty' "$WORK/page.json")
  [ -n "$cursor" ] || break
  ms "/v2/api_tokens?limit=50&cursor=$cursor" >> "$WORK/cursor"
  echo >> "$WORK/cursor"
done
by_cursor=$(median < "$WORK/cursor")
deep=$((TOKENS / 2))
by_offset=$(for _ in $(seq 1 "$ROUNDS"); do ms "/v2/api_tokens?limit=50&offset=$deep"; echo; done | median)
echo "tokens=$TOKENS page=50 median of $ROUNDS: first_ms=$first cursor_ms=$by_cursor offset_${deep}_ms=$by_offset"
