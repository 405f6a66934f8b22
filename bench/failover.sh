#!/usr/bin/env bash
# Failover times, real redis-server 7.0 and Cinnabar side by side, on local processes.
#
#   bench/failover.sh [--base-port 16000] [--trials 3] [--only redis|cinnabar|fast|psync]
#
# 1. Failover: a cluster of 3 primaries + 3 replicas (one per primary) per configuration:
#      redis     redis-server, cluster-node-timeout 2000
#      cinnabar  Cinnabar, cluster-node-timeout 2000 (Redis's election delays: 500 + 0..499 ms)
#      fast      Cinnabar, cluster-node-timeout 500, cluster-election-base-delay 0,
#                cluster-election-random-delay 50, cluster-election-rank-delay 100
#    Each trial kills (kill -9) the primary of slot 12182 ("foo"), then polls its replica with
#    `SET foo` every ~5 ms: "promoted" is when the replica reports role:master, "writable" when SET
#    succeeds there. The killed node is restarted (same nodes.conf) and must rejoin as a replica
#    before the next trial, which kills the new primary.
# 2. Partial resync (psync): a primary and a replica (no cluster) per server; while a writer runs,
#    the replica is frozen (SIGSTOP), its link killed on the primary (CLIENT KILL TYPE replica), and
#    thawed 1 s later. Prints sync_full / sync_partial_ok deltas on the primary, the bytes written
#    during the outage (master_repl_offset gap) and the bytes the primary sent on the new link
#    (ss bytes_sent), next to the size of the data set (a full sync would send all of it).
#
# Ports base..base+5 (redis), +10 (cinnabar), +20 (fast), +30..+33 (psync); buses at +10000.
# Every process started is stopped by PID on exit. Needs the jar (mvn -o -pl server package).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base=16000; trials=3; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base-port) base="$2"; shift ;;
    --trials) trials="$2"; shift ;;
    --only) only="$2"; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
jar="$here/server/target/cinnabar.jar"
java_opts="${CINNABAR_JAVA_OPTS:-$(grep -v '^#' "$here/server/src/main/resources/jvm.options" | tr '\n' ' ')}"
[ "$only" = redis ] || [ -f "$jar" ] || { echo "build the jar first (mvn -o -pl server package -DskipTests)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not on PATH" >&2; exit 1; }
work="$(mktemp -d /tmp/cinnabar-failover.XXXXXX)"
declare -A pid_of=()
stop_all() {
  local p
  for p in "${pid_of[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "${pid_of[@]}"; do wait "$p" 2>/dev/null || true; done
  pid_of=()
}
trap 'stop_all; [ -n "${KEEP:-}" ] && echo "logs kept in $work" || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
cli() { redis-cli -p "$@" 2>/dev/null | tr -d '\r'; }
field() { cli "$1" info "$2" | awk -F: -v f="$3" '$1 == f {print $2}'; }

start_node() { # kind port [extra args...]: (re)starts a node in $work/<kind>-<port>
  local kind=$1 p=$2; shift 2
  local d="$work/$kind-$p"; mkdir -p "$d"
  if [ "$kind" = redis ]; then
    redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
      --logfile "$d/log" --repl-diskless-sync-delay 0 "$@" &
  else
    # shellcheck disable=SC2086
    java $java_opts -jar "$jar" server \
      --port "$p" --bind 127.0.0.1 --save '' --dir "$d" --repl-diskless-sync-delay 0 \
      "$@" >>"$d/log" 2>&1 &
  fi
  pid_of[$p]=$!
  local i
  for i in $(seq 1 400); do
    [ "$(cli "$p" ping)" = PONG ] && return 0
    sleep 0.05
  done
  echo "node $p did not start (port taken?); see $d/log" >&2; exit 1
}

await() { # what timeout_ms command...: polls every 20 ms
  local what=$1 limit=$2 t0; shift 2; t0=$(now_ms)
  until "$@"; do
    [ $(( $(now_ms) - t0 )) -lt "$limit" ] || { echo "timed out waiting for $what" >&2; exit 1; }
    sleep 0.02
  done
}

state_ok() { cli "$1" cluster info | grep -q '^cluster_state:ok'; }
link_up() { [ "$(field "$1" replication master_link_status)" = up ]; }
role_master() { [ "$(field "$1" replication role)" = master ]; }
healthy() { # port...: every node ok, 3 replicas and no failure flag seen, replicas linked
  local p n
  for p in "$@"; do
    state_ok "$p" || return 1
    n=$(cli "$p" cluster nodes)
    [ "$(awk '$3 ~ /slave/' <<<"$n" | wc -l)" = 3 ] || return 1
    ! awk '{print $3}' <<<"$n" | grep -q fail || return 1
    role_master "$p" || link_up "$p" || return 1
  done
}

cluster_args() { # kind
  case "$1" in
    redis|cinnabar) echo "--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000" ;;
    fast) echo "--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 500" \
      "--cluster-election-base-delay 0 --cluster-election-random-delay 50 --cluster-election-rank-delay 100" ;;
  esac
}

failover_bench() { # kind first_port
  local kind=$1 p0=$2 bin=$1 i ports=() args
  [ "$kind" = fast ] && bin=cinnabar
  read -r -a args <<<"$(cluster_args "$kind")"
  for i in 0 1 2 3 4 5; do ports+=($((p0 + i))); start_node "$bin" $((p0 + i)) "${args[@]}"; done
  cli "$p0" cluster addslotsrange 0 5460 >/dev/null
  cli $((p0 + 1)) cluster addslotsrange 5461 10922 >/dev/null
  cli $((p0 + 2)) cluster addslotsrange 10923 16383 >/dev/null
  for i in 1 2 3 4 5; do cli $((p0 + i)) cluster meet 127.0.0.1 "$p0" >/dev/null; done
  for i in 0 1 2 3 4 5; do
    await "node $((p0 + i)) ok" 30000 eval "state_ok $((p0 + i)) && [ \"\$(cli $((p0 + i)) cluster info | awk -F: '/known_nodes/{print \$2}')\" = 6 ]"
  done
  for i in 0 1 2; do
    local id; id=$(cli $((p0 + i)) cluster myid)
    await "replicate" 10000 eval "[ \"\$(cli $((p0 + 3 + i)) cluster replicate $id)\" = OK ]"
  done
  await "$kind healthy" 60000 healthy "${ports[@]}"
  sleep 2.5 # past Redis's 2 s CLUSTER_WRITABLE_DELAY for restarted nodes, for a fair comparison
  local t victim heir vid line t0 tp tw
  for t in $(seq 1 "$trials"); do
    line=$(cli "$p0" cluster nodes | awk '$3 ~ /master/ && $0 ~ / 10923-16383/')
    vid=$(awk '{print $1}' <<<"$line"); victim=$(awk '{split($2,a,"[:@]"); print a[2]}' <<<"$line")
    heir=$(cli "$p0" cluster nodes | awk -v m="$vid" '$4 == m {split($2,a,"[:@]"); print a[2]}' | head -1)
    [ -n "$victim" ] && [ -n "$heir" ] || { echo "$kind: no primary/replica for slot 12182" >&2; exit 1; }
    kill -9 "${pid_of[$victim]}"; wait "${pid_of[$victim]}" 2>/dev/null || true
    t0=$(now_ms); tp=""; tw=""
    [ -n "${VERBOSE:-}" ] && echo "  killed $victim at $(date +%T.%3N)"
    while :; do
      [ -z "$tp" ] && role_master "$heir" && tp=$(( $(now_ms) - t0 ))
      if [ "$(cli "$heir" set foo "$t")" = OK ]; then tw=$(( $(now_ms) - t0 )); break; fi
      [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "$kind: $heir not writable after 60 s" >&2; exit 1; }
      sleep 0.005
    done
    [ -z "$tp" ] && tp=$tw
    [ -n "${VERBOSE:-}" ] && echo "  $heir writable at $(date +%T.%3N)"
    printf '%-9s trial %d: kill -9 %d -> %d promoted %5d ms, writable %5d ms\n' "$kind" "$t" "$victim" "$heir" "$tp" "$tw"
    echo "$kind $tw" >>"$work/results"
    start_node "$bin" "$victim" "${args[@]}"
    await "$victim rejoins as a replica of $heir" 60000 eval "[ \"\$(field $victim replication master_port)\" = $heir ] && link_up $victim"
    await "$kind healthy again" 60000 healthy "${ports[@]}"
    sleep 2.5
  done
  stop_all
}

psync_bench() { # kind first_port
  local kind=$1 p=$2 r=$(($2 + 1))
  start_node "$kind" "$p" --repl-backlog-size 16mb
  start_node "$kind" "$r" --replicaof 127.0.0.1 "$p"
  redis-benchmark -p "$p" -t set -n 200000 -r 100000 -d 100 -P 16 -q >/dev/null 2>&1
  await "$kind replica linked" 30000 link_up "$r"
  await "$kind replica in step" 30000 eval "[ \"\$(field $r replication master_repl_offset)\" = \"\$(field $p replication master_repl_offset)\" ]"
  local full0 part0 off0 off1 sent
  full0=$(field "$p" stats sync_full); part0=$(field "$p" stats sync_partial_ok)
  kill -STOP "${pid_of[$r]}"
  cli "$p" client kill type replica >/dev/null
  off0=$(field "$p" replication master_repl_offset)
  redis-benchmark -p "$p" -t set -n 20000 -r 100000 -d 100 -c 4 -q >/dev/null 2>&1 & local w=$!
  sleep 1
  wait "$w" || true
  off1=$(field "$p" replication master_repl_offset)
  kill -CONT "${pid_of[$r]}"
  await "$kind replica back" 30000 link_up "$r"
  await "$kind replica caught up" 30000 eval "[ \"\$(field $r replication master_repl_offset)\" = $off1 ]"
  sent=$(ss -tinH state established "( sport = :$p )" | grep -o 'bytes_sent:[0-9]*' | awk -F: '{s += $2} END {print s + 0}')
  printf '%-9s psync: sync_full +%d, sync_partial_ok +%d; offset gap %d bytes; link carried %d bytes; data set %s keys, used_memory %s\n' \
    "$kind" $(( $(field "$p" stats sync_full) - full0 )) $(( $(field "$p" stats sync_partial_ok) - part0 )) \
    $((off1 - off0)) "$sent" "$(cli "$p" dbsize)" "$(field "$p" memory used_memory_human)"
  stop_all
}

summary() {
  [ -f "$work/results" ] || return 0
  echo
  printf '%-9s %8s %8s %8s %8s\n' config trials min median max
  local k
  for k in redis cinnabar fast; do
    grep -q "^$k " "$work/results" || continue
    awk -v k="$k" '$1 == k {print $2}' "$work/results" | sort -n | awk -v k="$k" '
      {v[NR] = $1} END {printf "%-9s %8d %6d ms %6d ms %6d ms\n", k, NR, v[1], v[int((NR + 1) / 2)], v[NR]}'
  done
}

case "$only" in
  ""|redis) failover_bench redis "$base" ;;&
  ""|cinnabar) failover_bench cinnabar $((base + 10)) ;;&
  ""|fast) failover_bench fast $((base + 20)) ;;&
  ""|psync) psync_bench redis $((base + 30)); psync_bench cinnabar $((base + 32)) ;;
esac
summary
