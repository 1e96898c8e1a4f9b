#!/usr/bin/env bash
# Start to ready and idle memory on the embedded database: starts the jar as the README's run command
# does (with the class-data archive the build wrote, target/tokensmith.jsa, when JAR is the build's),
# on a fresh data folder (a first start: it creates its database, keys and first administrator), then
# again on the same folder (a restart), and times each from the start of the JVM to the first 200 of
# /readyz; it then reads the process's resident memory (VmRSS) after it has been idle. Reports each
# start and the medians, with the CPU time the JVM used until ready (from /proc/<pid>/stat): on a
# loaded machine the wall time mostly measures the other processes, the CPU time much less so.
#
#   bench/start.sh [starts=5] [idle seconds=10]
#   JAVA_OPTS='-Xmx512m' bench/start.sh …   JVM options (default: the README's, the archive)
#   PORT=18281 bench/start.sh …             the port it listens on (127.0.0.1 only)
#   JAR=other.jar bench/start.sh …          another build (default target/tokensmith.jar)
#
# Only the processes it started are stopped, and their data folders removed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/ready.sh
. bench/ready.sh
STARTS=${1:-5}
IDLE=${2:-10}
PORT=${PORT:-18281}
JAR=${JAR:-target/tokensmith.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests
if [ -z "${JAVA_OPTS+set}" ] && [ "$JAR" = target/tokensmith.jar ] && [ -f target/tokensmith.jsa ]; then
  JAVA_OPTS=-XX:SharedArchiveFile=target/tokensmith.jsa
fi

WORK=$(mktemp -d)
PID=
trap 'stop; rm -rf "$WORK"' EXIT

TICKS=$(getconf CLK_TCK)
mib() { awk -v kib="$1" 'BEGIN {printf "%.1f", kib / 1024}'; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

: > "$WORK/first" && : > "$WORK/first-cpu" && : > "$WORK/ready" && : > "$WORK/cpu" && : > "$WORK/rss"
# Starts the server on $1 and waits for /readyz; sets PID, ready (ms) and cpu_ms.
start() {
  local data=$1 log=$2 begin
  begin=$(now_ms)
  # JAVA_OPTS is a list of options: split on spaces on purpose.
  # shellcheck disable=SC2086
  TOKENSMITH_DATA_DIR="$data" TOKENSMITH_PORT="$PORT" TOKENSMITH_HOST=127.0.0.1 \
    TOKENSMITH_SHUTDOWN_DRAIN_SECONDS=0 \
    java ${JAVA_OPTS:-} -jar "$JAR" > "$log" 2>&1 &
  PID=$!
  await_ready "$PID" "$log" "$begin" 180000
  cpu_ms=$(awk -v hz="$TICKS" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$PID/stat")
}

for i in $(seq 1 "$STARTS"); do
  data="$WORK/data-$i"
  start "$data" "$WORK/server-$i.log"
  echo "$ready" >> "$WORK/first"
  echo "$cpu_ms" >> "$WORK/first-cpu"
  first="first start: ready in $ready ms ($cpu_ms ms of CPU)"
  stop
  start "$data" "$WORK/server-$i-again.log"
  sleep "$IDLE"
  rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
  stop
  rm -rf "$data"
  echo "$ready" >> "$WORK/ready"
  echo "$cpu_ms" >> "$WORK/cpu"
  echo "$rss_kib" >> "$WORK/rss"
  echo "$i: $first; restart: ready in $ready ms ($cpu_ms ms of CPU), RSS after $IDLE s idle $(mib "$rss_kib") MiB"
done
echo "median of $STARTS: first start ready in $(median < "$WORK/first") ms ($(median < "$WORK/first-cpu") ms of CPU);" \
  "restart ready in $(median < "$WORK/ready") ms ($(median < "$WORK/cpu") ms of CPU)," \
  "idle RSS $(mib "$(median < "$WORK/rss")") MiB (JAVA_OPTS=${JAVA_OPTS:-})"
