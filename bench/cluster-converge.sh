#!/usr/bin/env bash
# Times how fast a 6-node cluster built by `redis-cli --cluster create ... --cluster-replicas 0`
# reaches cluster_state:ok on every node, for real redis-server nodes and for Cinnabar nodes (each
# node its own process), then samples idle bus traffic (cluster_stats_messages_* over a window).
#
#   bench/cluster-converge.sh [--base-port 25000] [--runs 3] [--idle 20] [--only redis|cinnabar]
#
# Ports base..base+5 (Redis) and base+100..base+105 (Cinnabar), buses at +10000. Every process is
# stopped by PID on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base=25000; runs=3; idle=20; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base-port) base="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --idle) idle="$2"; shift ;;
    --only) only="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
jar="$here/server/target/cinnabar.jar"
java_opts="${CINNABAR_JAVA_OPTS:-$(grep -v '^#' "$here/server/src/main/resources/jvm.options" | tr '\n' ' ')}"
[ -f "$jar" ] || { echo "build the jar first (mvn -o -pl server package -DskipTests)" >&2; exit 1; }
work="$(mktemp -d /tmp/cinnabar-converge.XXXXXX)"
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }

start_nodes() { # kind first_port
  local kind=$1 p0=$2 i p d
  for i in 0 1 2 3 4 5; do
    p=$((p0 + i)); d="$work/$kind-$p"; rm -rf "$d"; mkdir -p "$d"
    if [ "$kind" = redis ]; then
      redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
        --cluster-enabled yes --cluster-config-file nodes.conf --logfile "$d/log" &
    else
      java $java_opts -jar "$jar" server \
        --port "$p" --bind 127.0.0.1 --save '' --dir "$d" --cluster-enabled yes \
        --cluster-config-file nodes.conf >"$d/log" 2>&1 &
    fi
    pids+=($!)
  done
  for i in 0 1 2 3 4 5; do
    p=$((p0 + i))
    for _ in $(seq 1 200); do
      redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.05
    done
    redis-cli -p "$p" ping >/dev/null 2>&1 || { echo "node $p did not start (bus port taken?)" >&2; exit 1; }
  done
}

all_ok() { # first_port
  local i
  for i in 0 1 2 3 4 5; do
    redis-cli -p $(($1 + i)) cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
  done
}

sent_total() { # first_port: messages and bytes are not both exposed; messages sent summed
  local i s=0 v
  for i in 0 1 2 3 4 5; do
    v=$(redis-cli -p $(($1 + i)) cluster info | tr -d '\r' | awk -F: '/^cluster_stats_messages_sent:/{print $2}')
    s=$((s + v))
  done
  echo "$s"
}

bus_bytes() { # first_port: bytes sent by every end of every bus connection (ss -ti bytes_sent)
  local lo=$(($1 + 10000)) hi=$(($1 + 10005))
  ss -tinH "( sport >= :$lo and sport <= :$hi ) or ( dport >= :$lo and dport <= :$hi )" |
    grep -o 'bytes_sent:[0-9]*' | awk -F: '{s += $2} END {print s + 0}'
}

measure() { # kind first_port
  local kind=$1 p0=$2 r addrs t0 t1 t2
  for r in $(seq 1 "$runs"); do
    start_nodes "$kind" "$p0"
    sleep 2.5 # past Redis's 2 s CLUSTER_WRITABLE_DELAY after start, for a fair comparison
    addrs=""; for i in 0 1 2 3 4 5; do addrs="$addrs 127.0.0.1:$((p0 + i))"; done
    t0=$(now_ms)
    stdbuf -oL redis-cli --cluster create $addrs --cluster-replicas 0 --cluster-yes 2>&1 |
      while IFS= read -r line; do echo "$(( $(now_ms) - t0 )) $line"; done >"$work/create.log" &
    local cli=$!
    local seen="" i
    while :; do
      for i in 0 1 2 3 4 5; do
        case " $seen " in *" $i "*) continue ;; esac
        if redis-cli -p $((p0 + i)) cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then
          seen="$seen $i"; [ -n "${VERBOSE:-}" ] && echo "  node $i ok at $(( $(now_ms) - t0 )) ms"
        fi
      done
      [ "$(echo $seen | wc -w)" = 6 ] && break
      [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "$kind: not ok after 60 s" >&2; exit 1; }
      sleep 0.02
    done
    t1=$(now_ms)
    wait "$cli" || { echo "create failed:"; cat "$work/create.log"; }
    t2=$(now_ms)
    [ -n "${VERBOSE:-}" ] && grep -v '^[0-9]* *$' "$work/create.log" | grep -E '>>>|\[OK\]|Waiting|^[0-9]+ \.' | cut -c1-100
    echo "$kind run $r: all nodes ok after $((t1 - t0)) ms (create command took $((t2 - t0)) ms)"
    if [ "$r" = "$runs" ] && [ "$idle" -gt 0 ]; then
      sleep 3
      local a b
      local ba bb
      a=$(sent_total "$p0"); ba=$(bus_bytes "$p0"); sleep "$idle"
      b=$(sent_total "$p0"); bb=$(bus_bytes "$p0")
      echo "$kind idle: $(( (b - a) )) messages, $((bb - ba)) bytes sent by 6 nodes in ${idle}s =" \
        "$(awk -v d=$((b - a)) -v s="$idle" 'BEGIN{printf "%.2f", d/6/s}') msg/node/s," \
        "$(awk -v d=$((bb - ba)) -v s="$idle" 'BEGIN{printf "%.0f", d/6/s}') bytes/node/s"
    fi
    stop_all
  done
}

[ "$only" = cinnabar ] || measure redis "$base"
[ "$only" = redis ] || measure cinnabar $((base + 100))
