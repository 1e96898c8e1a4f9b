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
