#!/usr/bin/env bash
# Builds the JMH benchmarks and runs them with the GC profiler, then prints the allocation per
# operation (gc.alloc.rate.norm) of each. Arguments go to JMH, e.g. a benchmark regex:
#   bench/jmh.sh                       every benchmark
#   bench/jmh.sh ServerPathBench       only the server path (PING, GET, SET)
#   bench/jmh.sh ServerPathBench -f 1 -wi 2 -i 3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
jar="$here/bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find server/src/main bench/src bench/pom.xml server/pom.xml pom.xml -newer "$jar" -print -quit)" ]; then
  echo "building $jar ..." >&2
  mvn -q -B -o -DskipTests -Dspotless.check.skip=true -pl server,bench package >&2 \
    || mvn -q -B -DskipTests -Dspotless.check.skip=true -pl server,bench package >&2
fi
out="$(mktemp /tmp/cinnabar-jmh.XXXXXX.txt)"
trap 'rm -f "$out"' EXIT
java -jar "$jar" -prof gc -rf text -rff "$out" "$@"
echo
echo "Allocation per operation (bytes/op, gc.alloc.rate.norm):"
awk '/gc.alloc.rate.norm/ { printf "  %-60s %10s %s\n", $1 ($2 ~ /^[0-9]/ ? " size=" $2 : ""), ($2 ~ /^[0-9]/ ? $5 : $4), "B/op" }' "$out"
