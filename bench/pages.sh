#!/usr/bin/env bash
# Page times of a list on PostgreSQL at a given size: seeds a fresh database with SIZE rows of the
# list (COPY, through `tokensmith seed`), starts one instance on it, and for each of the list's
# common filters times a page of 50 as a Console walks it: the first page, then pages by `cursor`
# (next_cursor), and for comparison a page by `offset` deep in (a twentieth of SIZE). Each figure is
# the median of ROUNDS requests, measured by curl on loopback (keep-alive off, so each includes a
# connection: compare figures of one run, and runs of two sizes with each other).
#
#   bench/pages.sh [size=1000000] [rounds=21]                 the token list (LIST=tokens)
#   LIST=users bench/pages.sh 1000000                         POST /v1/objects/user
#   LIST=activity bench/pages.sh 10000000                     GET /v2/activity_log
#   LIST=nodes bench/pages.sh 100000                          GET /v2/node
#   PG_DB=tokensmith_pages bench/pages.sh …                   the database (dropped, created, dropped)
#   KEEP=1 bench/pages.sh …                                   keep the database (for EXPLAIN)
#   REUSE=1 KEEP=1 bench/pages.sh …                           measure again on the kept database
#
# The token list is also read in each sorted order (order_by, filter names by_*).
#
# The rows: tokens of the administrator, one in twenty disabled, most expiring in two months to a
# year (past the expiry notices), half used in the last month; users of the administrator's client,
# several roles, one in ten disabled; activity over a year in four clients (two fifths in the
# administrator's), of several object types, actions and 200 actors per client, the administrator
# among them; nodes of the administrator's client, one in ten a proxy, three instances each (read in
# id order and in sorted orders, as the token list). The lists are read as the administrator, in
# their own client.
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication), curl and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
LIST=${LIST:-tokens}
SIZE=${1:-1000000}
ROUNDS=${2:-21}
PG_DB=${PG_DB:-tokensmith_pages}
PORT=${PORT:-18190}
JAR=${JAR:-target/tokensmith.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests
case "$LIST" in
  tokens) SEED=(--tokens "$SIZE") ;;
  users) SEED=(--tokens 0 --users "$SIZE") ;;
  activity) SEED=(--tokens 0 --activity "$SIZE") ;;
  nodes) SEED=(--tokens 0 --nodes "$SIZE") ;;
  *) echo "LIST must be tokens, users, activity or nodes" >&2; exit 2 ;;
esac

WORK=$(mktemp -d)
PSQL=(psql -q -X -h 127.0.0.1 -U postgres)
export TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" TOKENSMITH_DB_USER=postgres
# The key files stay beside a kept database: a database made with keys starts only with them.
DATA=/tmp/$PG_DB.data
export TOKENSMITH_DATA_DIR="$DATA" TOKENSMITH_ADMIN_PASSWORD=pages-password-1 TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_PORT=$PORT
if [ -z "${REUSE:-}" ]; then
  rm -rf "$DATA"
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
  # A COPY of a batch may outlast the default statement timeout on a loaded machine.
  TOKENSMITH_DB_TIMEOUT_MS=60000 java -jar "$JAR" seed "${SEED[@]}" --pool 1 --out "$WORK/pool.txt"
  if [ "$LIST" = tokens ]; then
    # One in twenty disabled; seven in ten expire in two months to a year, half used in the last month,
    # the names in no order of id (for the sorted orders).
    "${PSQL[@]}" -d "$PG_DB" -c "UPDATE api_tokens SET
      enabled = (id % 20 <> 0),
      disabled_reason = CASE WHEN id % 20 = 0 THEN 'manual' END,
      disabled_at = CASE WHEN id % 20 = 0 THEN create_at END,
      expire_at = CASE WHEN id % 10 < 7 THEN create_at + 5184000000 + (hashint8(id) & 31535999999) END,
      last_used_at = CASE WHEN id % 2 = 0 THEN create_at - (hashint8(id + 1) & 2591999999) END,
      realname = 'token ' || (hashint8(id + 2) & 999999)"
  fi
  "${PSQL[@]}" -d "$PG_DB" -c "VACUUM ANALYZE"
fi

java ${JAVA_OPTS:--Xms512m -Xmx2g} -jar "$JAR" > "$WORK/server.log" 2>&1 &
PID=$!
cleanup() {
  kill $PID 2>/dev/null || true
  wait $PID 2>/dev/null || true
  [ -n "${KEEP:-}" ] || { "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $PG_DB"; rm -rf "$DATA"; }
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
  kill -0 $PID 2>/dev/null || { tail -20 "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { tail -20 "$WORK/server.log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
LOGIN=$(curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' -X POST "$BASE/v1/login" \
  -d "{\"email\":\"admin@localhost\",\"password\":\"$TOKENSMITH_ADMIN_PASSWORD\"}")
CSRF=$(jq -r .body.csrf_token <<< "$LOGIN")
[ -n "$CSRF" ]
ADMIN_ID=$("${PSQL[@]}" -d "$PG_DB" -Atc "SELECT id FROM users WHERE email_key = 'admin@localhost'")

# One page: GET of a path with a query, or (users) POST of a JSON body; prints milliseconds.
ms() {
  local filter=$1 page=$2
  if [ "$LIST" = users ]; then
    curl -s -o "$WORK/page.json" -w '%{time_total}' -b "$WORK/cookies" -H "X-CSRF-Token: $CSRF" \
      -H 'Content-Type: application/json' -X POST "$BASE/v1/objects/user" \
      -d "{\"filter\":{$filter},\"limit\":50$page}"
  else
    curl -s -o "$WORK/page.json" -w '%{time_total}' -b "$WORK/cookies" "$BASE$PATH_$filter&limit=50$page"
  fi | awk '{ printf "%.2f", $1 * 1000 }'
}
cursor_arg() {
  if [ "$LIST" = users ]; then echo ",\"cursor\":\"$1\""; else echo "&cursor=$(jq -rn --arg c "$1" '$c|@uri')"; fi
}
offset_arg() { if [ "$LIST" = users ]; then echo ",\"offset\":$1"; else echo "&offset=$1"; fi; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

# name|filter: the list's common filters, as the Console sends them.
case "$LIST" in
  tokens)
    PATH_="/v2/api_tokens?"
    FILTERS=("all|" "enabled|enabled=true" "disabled|enabled=false" "owner|user_id=$ADMIN_ID"
      "by_name|order_by=realname" "by_created_desc|order_by=create_at&order_desc=true"
      "by_expiry|order_by=expire_at" "by_last_use_desc|order_by=last_used_at&order_desc=true"
      "by_owner_name|order_by=user_realname") ;;
  users)
    PATH_=""
    FILTERS=("all|" "enabled|\"enabled\":true" "disabled|\"enabled\":false") ;;
  activity)
    PATH_="/v2/activity_log?"
    FILTERS=("all|" "type|object_type=api_token" "type_rare|object_type=node_group"
      "action|action=expiring" "type_action|object_type=user&action=password_change"
      "actor|actor_id=$ADMIN_ID" "last_week|from=$(iso '7 days ago')"
      "ten_days_last_year|from=$(iso '300 days ago')&to=$(iso '290 days ago')") ;;
  nodes)
    # The brackets of filter[type] written out: curl would read them as a glob.
    PATH_="/v2/node?"
    FILTERS=("all|" "type_rare|filter%5Btype%5D=proxy" "not_type|filter%5B%21type%5D=proxy"
      "by_hostname|order_by=hostname" "by_created_desc|order_by=create_time&order_desc=true"
      "by_last_activity_desc|order_by=last_activity&order_desc=true") ;;
esac

# Warm-up: the JIT and PostgreSQL's buffers.
for f in "${FILTERS[@]}"; do
  for _ in $(seq 1 10); do ms "${f#*|}" "" > /dev/null; done
done

deep=$((SIZE / 20))
for f in "${FILTERS[@]}"; do
  name=${f%%|*} filter=${f#*|}
  first=$(for _ in $(seq 1 "$ROUNDS"); do ms "$filter" ""; echo; done | median)
  # Walk forward by cursor: each request is the next page.
  ms "$filter" "" > /dev/null
  : > "$WORK/cursor"
  for _ in $(seq 1 "$ROUNDS"); do
    cursor=$(jq -r '.next_cursor // empty' "$WORK/page.json")
    [ -n "$cursor" ] || break
    ms "$filter" "$(cursor_arg "$cursor")" >> "$WORK/cursor"
    echo >> "$WORK/cursor"
  done
  by_cursor=$( [ -s "$WORK/cursor" ] && median < "$WORK/cursor" || echo -)
  by_offset=$(for _ in $(seq 1 "$ROUNDS"); do ms "$filter" "$(offset_arg "$deep")"; echo; done | median)
  echo "$LIST=$SIZE filter=$name page=50 median of $ROUNDS: first_ms=$first cursor_ms=$by_cursor offset_${deep}_ms=$by_offset"
done
