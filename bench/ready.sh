# shellcheck shell=bash
# Sourced by the benchmarks that time a start: now_ms, and await_ready, which waits until the
# server answers 200 on http://127.0.0.1:$PORT/readyz.
#   await_ready PID LOG BEGIN LIMIT   sets ready (ms from BEGIN, ms since the epoch); exits with the
#                                     server's log when it exits, or when LIMIT ms have passed
#   stop                              stops the server $PID, if any, and waits for it
now_ms() { echo $(($(date +%s%N) / 1000000)); }

await_ready() {
  local pid=$1 log=$2 begin=$3 limit=$4
  ready=''
  while [ $(($(now_ms) - begin)) -lt "$limit" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz" || true)" = 200 ]; then
      # shellcheck disable=SC2034 # read by the script that sources this
      ready=$(($(now_ms) - begin))
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server exited; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.02
  done
  echo "not ready within $((limit / 1000)) s" >&2
  exit 1
}

stop() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
  fi
}
