#!/usr/bin/env bash
# redis-benchmark --cluster against a 3-primary (--nodes) Redis cluster and Cinnabar cluster of
# the same shape (each node its own process), alternately, printing rps and latency percentiles.
#
#   bench/cluster-bench.sh [--base-port 25200] [-n 1000000] [-P 16] [--runs 2] [-t set,get] [--nodes 3]
#
# Extra JVM options for the Cinnabar nodes: CINNABAR_JAVA_OPTS (default: bin/cinnabar's).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base=25200; n=1000000; pipe=16; runs=2; tests=set,get; nodes=3
while [ $# -gt 0 ]; do
  case "$1" in
    --base-port) base="$2"; shift ;;
    -n) n="$2"; shift ;;
    -P) pipe="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    -t) tests="$2"; shift ;;
    --nodes) nodes="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
jar="$here/server/target/cinnabar.jar"
java_opts="${CINNABAR_JAVA_OPTS:-$(grep -v '^#' "$here/server/src/main/resources/jvm.options" | tr '\n' ' ')}"
work="$(mktemp -d /tmp/cinnabar-cbench.XXXXXX)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; [ -n "${KEEP_LOGS:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

start() { # kind first_port
  local kind=$1 p0=$2 i p d addrs=""
  for i in $(seq 0 $((nodes - 1))); do
    p=$((p0 + i)); d="$work/$kind-$p"; mkdir -p "$d"; addrs="$addrs 127.0.0.1:$p"
    if [ "$kind" = redis ]; then
      redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
        --cluster-enabled yes --logfile "$d/log" &
    else
      java $java_opts -jar "$jar" server \
        --port "$p" --bind 127.0.0.1 --save '' --dir "$d" --cluster-enabled yes >"$d/log" 2>&1 &
      [ -n "${KEEP_LOGS:-}" ] && echo "cinnabar node $p log: $d/log" >&2
    fi
    pids+=($!)
  done
  for i in $(seq 0 $((nodes - 1))); do
    local t=0
    until redis-cli -p $((p0 + i)) ping >/dev/null 2>&1; do
      sleep 0.05; t=$((t + 1)); [ $t -lt 600 ] || { echo "node $((p0 + i)) did not start" >&2; exit 1; }
    done
  done
  if [ "$nodes" = 1 ]; then
    redis-cli -p "$p0" cluster addslotsrange 0 16383 >/dev/null
  else
    redis-cli --cluster create $addrs --cluster-yes >/dev/null
  fi
  for i in $(seq 0 $((nodes - 1))); do
    until redis-cli -p $((p0 + i)) cluster info | grep -q cluster_state:ok; do sleep 0.1; done
  done
}

# Involuntary context switches (preemptions) of every thread of the nodes of one kind.
nvcsw() { # kind
  local p s=0 k=0
  for p in "${pids[@]}"; do
    if [ "$1" = redis ] && grep -q redis-server "/proc/$p/cmdline" 2>/dev/null; then k=1
    elif [ "$1" = cinnabar ] && grep -q cinnabar "/proc/$p/cmdline" 2>/dev/null; then k=1
    else continue; fi
    s=$((s + $(cat /proc/$p/task/*/status 2>/dev/null | awk '/^nonvoluntary_ctxt_switches/{s+=$2} END{print s+0}')))
  done
  echo "$s"
}

bench() { # kind port
  local before; before=$(nvcsw "$1")
  local mode=--cluster
  [ "$nodes" = 1 ] && mode="" # redis-benchmark --cluster wants several primaries
  redis-benchmark $mode -p "$2" -t "$tests" -P "$pipe" -n "$n" -r 100000 --csv 2>/dev/null |
    grep -E '^"(SET|GET)' | tr -d '"' | awk -F, -v k="$1" '{printf "%-9s %-4s rps=%-10s avg=%s p50=%s p95=%s p99=%s max=%s\n", k, $1, $2, $3, $5, $6, $7, $8}'
  echo "$1 preemptions (nonvoluntary context switches, all node threads): $(( $(nvcsw "$1") - before ))"
}

start redis "$base"
start cinnabar $((base + 100))
bench cinnabar $((base + 100)) >/dev/null # JIT warm-up
[ -n "${KEEP_LOGS:-}" ] && echo "measuring from here" | tee -a "$work"/cinnabar-*/log >&2
for r in $(seq 1 "$runs"); do
  bench redis "$base"
  bench cinnabar $((base + 100))
done
