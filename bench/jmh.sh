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
awk '/gc.alloc.rate.norm/ {
  m = 0
  for (i = 2; i <= NF; i++) if ($i == "avgt" || $i == "thrpt" || $i == "sample" || $i == "ss") { m = i; break }
  params = ""
  for (i = 2; i < m; i++) params = params " " $i
  score = $(m + 2)
  if (score == "≈") score = "~0 (" $(m + 3) ")"
  name = $1; sub(/:gc.alloc.rate.norm/, "", name)
  printf "  %-45s %14s B/op\n", name params, score
}' "$out"
