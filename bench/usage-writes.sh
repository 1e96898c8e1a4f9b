#!/usr/bin/env bash
# What a last-use write costs PostgreSQL, per token row: seeds a fresh database (usage_bench, dropped
# and created, dropped at the end) with TOKENS tokens, then writes last-use times to ROUNDS
# transactions of 250 random tokens each (the usage flush's transaction) in three forms, and prints
# the machine's CPU per row (all processes but psql, from /proc/stat: PostgreSQL's backend, its WAL
# writer):
#   rows    one prepared UPDATE per row (what a JDBC batch sends, through psql's protocol; the flush's
#           form on the embedded database);
#   unnest  one UPDATE … FROM unnest(ids, times, addresses) per transaction;
#   locked  the same, the rows first locked in id order (the order every change locks tokens in): the
#           flush's form on PostgreSQL.
# Each form writes rows of its own, so none rewrites a row another form has just written.
#
#   bench/usage-writes.sh [tokens=200000] [rounds=8] [runs=3]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS=${1:-200000}
ROUNDS=${2:-8}
RUNS=${3:-3}
N=250
DB=usage_bench
JAR=${JAR:-target/tokensmith.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests
psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
WORK=$(mktemp -d)
cleanup() {
  psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
TOKENSMITH_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" TOKENSMITH_DB_USER=postgres \
  TOKENSMITH_DATA_DIR="$WORK/data" TOKENSMITH_ADMIN_PASSWORD=usage-password-1 \
  java -jar "$JAR" seed --tokens "$TOKENS" --pool 0 --out "$WORK/none.txt"
P=(psql -X -q -At -h 127.0.0.1 -U postgres -d "$DB" -v ON_ERROR_STOP=1)
"${P[@]}" -c "VACUUM ANALYZE"

busy() { head -1 /proc/stat | awk '{ print $2 + $3 + $4 + $7 + $8 }'; }
at=$(($(date +%s) * 1000))
sql() { # form, first line of the ids file → ROUNDS transactions of N rows
  local ids
  for r in $(seq 0 $((ROUNDS - 1))); do
    sed -n "$(($2 + r * N)),$(($2 + (r + 1) * N - 1))p" "$WORK/ids" | sort -n > "$WORK/chunk"
    ids=$(paste -sd, "$WORK/chunk")
    local values="unnest('{$ids}'::bigint[], array_fill($at::bigint, ARRAY[$N]), array_fill('127.0.0.1'::varchar, ARRAY[$N])) AS u(id, at, ip)"
    case $1 in
      rows)
        echo "BEGIN;"
        awk -v at="$at" '{ printf "EXECUTE u(%s, %s, '\''127.0.0.1'\'');\n", $1, at }' "$WORK/chunk"
        echo "COMMIT;" ;;
      unnest)
        echo "UPDATE api_tokens t SET last_used_at = u.at, last_used_ip = u.ip FROM $values WHERE t.id = u.id;" ;;
      locked)
        echo "WITH locked AS MATERIALIZED (SELECT id FROM api_tokens WHERE id = ANY('{$ids}'::bigint[]) ORDER BY id FOR NO KEY UPDATE)" \
          "UPDATE api_tokens t SET last_used_at = u.at, last_used_ip = u.ip FROM $values" \
          "WHERE t.id = u.id AND t.id IN (SELECT id FROM locked);" ;;
    esac
  done
}
measure() { # form, first line of the ids file
  local before own after
  { echo "PREPARE u(bigint, bigint, text) AS UPDATE api_tokens SET last_used_at = \$2, last_used_ip = \$3 WHERE id = \$1;"
    sql "$1" "$2"; } > "$WORK/run.sql"
  before=$(busy)
  own=$( { /usr/bin/time -f "%U %S" "${P[@]}" -f "$WORK/run.sql" > /dev/null; } 2>&1 | tail -1)
  after=$(busy)
  awk -v d=$((after - before)) -v own="$own" -v t="$(getconf CLK_TCK)" -v n=$((N * ROUNDS)) -v f="$1" \
    'BEGIN { split(own, o, " "); printf "%s=%.0f ", f, (d / t - o[1] - o[2]) * 1e6 / n }'
}
echo "$TOKENS tokens, $ROUNDS transactions of $N rows per form; machine CPU per row written, in µs (less psql's own):"
for run in $(seq 1 "$RUNS"); do
  "${P[@]}" -c "SELECT id FROM api_tokens ORDER BY random() LIMIT $((3 * N * ROUNDS))" > "$WORK/ids"
  echo "run $run: $(measure rows 1)$(measure unnest $((N * ROUNDS + 1)))$(measure locked $((2 * N * ROUNDS + 1)))"
done
