# shellcheck shell=bash
# Sourced by the benchmarks that profile (bench/profile.sh, bench/miss.sh): async-profiler from
# Maven Central (tools.profiler:async-profiler, its Linux x64 library), unpacked into target/profile,
# and `profiler PID OPTIONS` to drive it in a running JVM through jcmd. The CPU event needs perf
# events; async-profiler falls back to a timer where the kernel refuses them.
AP_VERSION=4.2
PROFILE_OUT=target/profile
mkdir -p "$PROFILE_OUT"
AP_JAR=~/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar
[ -f "$AP_JAR" ] || mvn -q -B dependency:get -Dartifact=tools.profiler:async-profiler:$AP_VERSION
AP="$PWD/$PROFILE_OUT/libasyncProfiler.so"
unzip -o -q -j "$AP_JAR" linux-x64/libasyncProfiler.so -d "$PROFILE_OUT"

# async-profiler's options as one argument of jcmd (quoted: jcmd splits on commas otherwise).
profiler() { jcmd "$1" JVMTI.agent_load "$AP" "\"$2\"" >/dev/null; }

# The sampling interval in microseconds, from async-profiler's form (5ms, 500us, 1000000 ns).
interval_us() { awk -v i="$1" 'BEGIN { n = i + 0; if (i ~ /us$/) print n; else if (i ~ /ms$/) print n * 1000; else print n / 1000 }'; }

# A collapsed profile's samples summed by part, each part's µs per request printed: $1 the file
# (async-profiler's collapsed output), $2 the requests served meanwhile, $3 the sampling interval in
# µs, $4 awk code that sets `part` from `stack` (one stack, frames joined by ';') or leaves it empty;
# what it leaves falls in the JIT compilers, the GC or the other threads.
parts_per_request() {
  awk -v n="$2" -v us="$3" '
    {
      count = $NF; stack = $0; sub(/ [0-9]+$/, "", stack); total += count; part = ""
      '"$4"'
      if (part == "") {
        if (stack ~ /Compile/) part = "JIT compilers"
        else if (stack ~ /G1|GC Thread|GCTask/) part = "GC"
        else part = "other threads"
      }
      parts[part] += count
    }
    END {
      for (p in parts) printf "  %-50s %6.2f us/request  %5.1f %%\n", p, parts[p] * us / n, 100 * parts[p] / total
      printf "  %-50s %6.2f us/request\n", "all (sampled)", total * us / n
    }' "$1" | sort
}
