#!/usr/bin/env bash
# Narrowing a role at size, on PostgreSQL: seeds a fresh database with HOLDERS new users of the role
# analytic owning TOKENS custom tokens between them (in turn), each token holding invoices:view and
# invoices:create of an own catalogue where analytic holds both; starts the server on that catalogue
# (which records what each role holds) and restarts it once unchanged (the baseline); then takes
# create from analytic in the file and starts again: that start narrows every holder's tokens, in
# batches, before it is ready. Reports:
#   - the time to ready of the unchanged restart and of the narrowing start, and their difference;
#   - the narrowing itself as the server logged it (tokens, holders, milliseconds);
#   - what is left: tokens still holding invoices:create (0 when done), and the system's update
#     records of the tokens (one per token narrowed);
#   - the longest statement PostgreSQL logged (log_min_duration_statement = 100 ms on this database:
#     "none" means no statement took 100 ms or more).
#
#   bench/roles.sh [tokens=20000] [holders=1000]
#   PG_DB=roles_bench bench/roles.sh …   the database (dropped and created, dropped again at the end
#                                        unless KEEP_DB=1)
#   JAVA_OPTS='-Xmx1g' bench/roles.sh …  JVM options of the server
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication), its log readable at
# PG_LOG (default /var/log/postgresql/postgresql-15-main.log), curl. Only targets 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/ready.sh
. bench/ready.sh
TOKENS=${1:-20000}
HOLDERS=${2:-1000}
PG_DB=${PG_DB:-roles_bench}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
PORT=${PORT:-18197}
JAR=target/tokensmith.jar
[ -f "$JAR" ] || mvn -q -B package -DskipTests

WORK=$(mktemp -d)
PSQL=(psql -q -At -h 127.0.0.1 -U postgres -d "$PG_DB")
PID=
cleanup() {
  stop
  if [ -z "${KEEP_DB:-}" ]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "ALTER DATABASE $PG_DB SET log_min_duration_statement = ${LOG_MS:-100}"
export TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" TOKENSMITH_DB_USER=postgres
export TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_ADMIN_PASSWORD=roles-password-1 TOKENSMITH_HOST=127.0.0.1
export TOKENSMITH_PORT=$PORT TOKENSMITH_SHUTDOWN_DRAIN_SECONDS=0
export TOKENSMITH_CATALOGUE_FILE="$WORK/catalogue.yaml"
catalogue() { # the actions analytic holds on invoices
  cat > "$TOKENSMITH_CATALOGUE_FILE" <<EOF
resources:
  - id: invoices
    actions: [view, create]
    roles: {admin: [view, create], analytic: [$1]}
EOF
}

# Starts the server and waits for /readyz; sets PID and ready (ms from the JVM's start).
start() {
  local log=$1 begin
  begin=$(now_ms)
  # JAVA_OPTS is a list of options: split on spaces on purpose.
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -jar "$JAR" > "$log" 2>&1 &
  PID=$!
  await_ready "$PID" "$log" "$begin" 1800000
}

catalogue "view, create"
java -jar "$JAR" seed --tokens "$TOKENS" --pool 0 --out "$WORK/none.txt" --owners "$HOLDERS" \
  --owner-role analytic --permissions invoices:view,invoices:create
"${PSQL[@]}" -c "VACUUM ANALYZE"
start "$WORK/first.log"
stop
start "$WORK/baseline.log"
BASELINE=$ready
stop
catalogue "view"
LOG_FROM=$(wc -l < "$PG_LOG")
start "$WORK/narrowing.log"
NARROWING=$ready
LOG_TO=$(wc -l < "$PG_LOG")
stop

echo "Tokensmith on PostgreSQL ($PG_DB): $TOKENS tokens of $HOLDERS holders of analytic; JDK: $(java -version 2>&1 | head -1)"
echo "restart unchanged: ready in $BASELINE ms; start narrowing analytic: ready in $NARROWING ms" \
  "(+$((NARROWING - BASELINE)) ms)"
grep -o 'role analytic: .*' "$WORK/narrowing.log" | sed 's/^/server: /'
echo "left: tokens holding invoices:create: $("${PSQL[@]}" -c "SELECT COUNT(*) FROM api_tokens WHERE permissions LIKE '%invoices:create%'")," \
  "records: token updates by the system: $("${PSQL[@]}" -c "SELECT COUNT(*) FROM activity WHERE object_type = 'api_token' AND action = 'update' AND actor_type = 'system'")"
sed -n "$((LOG_FROM + 1)),${LOG_TO}p" "$PG_LOG" | grep "@$PG_DB " | grep -E 'duration: [0-9.]+ ms +execute' > "$WORK/slow" || true
LONGEST=$(grep -o 'duration: .*' "$WORK/slow" | sed 's/duration: //' | sort -n | tail -1 | cut -c1-160 || true)
echo "server statements of ${LOG_MS:-100} ms or more logged by PostgreSQL: $(wc -l < "$WORK/slow"), longest: ${LONGEST:-none}"
