#!/usr/bin/env bash
# redis-cli --cluster rebalance of N keys (default 500000) from three primaries onto an added
# fourth, Cinnabar vs redis-server, side by side on this machine. Prints the keys moved per second,
# a client's p99 latency at rest and during the migration, and the key digest after it.
#
#   bench/reshard.sh [KEYS]        (build the jar first: mvn -q -o -pl server package -DskipTests)
#   WARM=1 bench/reshard.sh [KEYS]  first moves the slots onto the fourth primary and back once
#                                   (untimed, both servers), so the timed rebalance runs on warm
#                                   JVMs: without it the first rebalance after start also pays for
#                                   the JIT compiling every path it uses (see docs/BENCHMARKS.md).
#   VALUE_SIZE=100 bench/reshard.sh  values of 100 bytes instead of "v:<i>" (DUMP compresses
#                                   strings over 20 bytes with LZF: rdbcompression yes)
#
# Ports: Cinnabar 17100-17103, redis-server 17200-17203 (bus ports +10000).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500000}
JAR=server/target/cinnabar.jar
JAVA_OPTS="${CINNABAR_JAVA_OPTS:-$(grep -v '^#' server/src/main/resources/jvm.options | tr '\n' ' ')}"
WORK=$(mktemp -d /tmp/reshard-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

start_node() { # kind port
  local kind=$1 port=$2 dir="$WORK/$1-$2"
  mkdir -p "$dir"
  if [ "$kind" = cinnabar ]; then
    (cd "$dir" && exec java $JAVA_OPTS -jar "$OLDPWD/$JAR" server --port "$port" --bind 127.0.0.1 \
      --cluster-enabled yes --dir "$dir" --save '' --appendonly no >"$dir/log" 2>&1) &
  else
    (cd "$dir" && exec redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --dir "$dir" --save '' --appendonly no >"$dir/log" 2>&1) &
  fi
  PIDS+=($!)
  for _ in $(seq 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "node $port did not start" >&2
  exit 1
}

await_check() { # port
  for _ in $(seq 200); do
    out=$(redis-cli --cluster check "127.0.0.1:$1" 2>&1 || true)
    if grep -q "All nodes agree" <<<"$out" && grep -q "All 16384 slots covered" <<<"$out" \
      && ! grep -q "\[ERR\]\|\[WARNING\]" <<<"$out"; then
      return 0
    fi
    sleep 0.2
  done
  echo "cluster check never passed on $1: $out" >&2
  exit 1
}

await_ok() { # ports...
  for port in "$@"; do
    for _ in $(seq 200); do
      redis-cli -p "$port" cluster info | grep -q "cluster_state:ok" && break
      sleep 0.1
    done
  done
}

run() { # kind base-port
  local kind=$1 b=$2
  for i in 0 1 2 3; do start_node "$kind" $((b + i)); done
  redis-cli --cluster create 127.0.0.1:$b 127.0.0.1:$((b + 1)) 127.0.0.1:$((b + 2)) \
    --cluster-yes >"$WORK/$kind-create.log" 2>&1
  await_check $b
  await_ok $b $((b + 1)) $((b + 2))
  python3 bench/clusterkeys.py load 127.0.0.1:$b "$N"
  local rest
  rest=$(python3 bench/clusterkeys.py probe 127.0.0.1:$b "$N" 5)
  redis-cli --cluster add-node 127.0.0.1:$((b + 3)) 127.0.0.1:$b >"$WORK/$kind-add.log" 2>&1
  await_check $b
  await_ok $b $((b + 1)) $((b + 2)) $((b + 3))
  if [ -n "${WARM:-}" ]; then
    # An emptied primary stays a primary (else it would become a replica of the slots' new owner).
    for i in 0 1 2 3; do
      redis-cli -p $((b + i)) config set cluster-allow-replica-migration no >/dev/null
    done
    local id4
    id4=$(redis-cli -p $((b + 3)) cluster myid)
    for args in "--cluster-use-empty-masters" "--cluster-weight $id4=0"; do
      # shellcheck disable=SC2086
      redis-cli --cluster rebalance 127.0.0.1:$b $args >>"$WORK/$kind-warmup.log" 2>&1
      await_check $b
    done
  fi
  rm -f "$WORK/stop"
  python3 bench/clusterkeys.py probe 127.0.0.1:$b "$N" 3600 "$WORK/stop" >"$WORK/$kind-probe" &
  local probe=$!
  local t0 t1
  t0=$(date +%s.%N)
  redis-cli --cluster rebalance 127.0.0.1:$b --cluster-use-empty-masters \
    >"$WORK/$kind-rebalance.log" 2>&1
  t1=$(date +%s.%N)
  touch "$WORK/stop"
  wait $probe
  local moved
  moved=$(redis-cli -p $((b + 3)) dbsize)
  await_check $b
  local digest
  digest=$(python3 bench/clusterkeys.py digest 127.0.0.1:$b "$N")
  python3 - "$kind" "$moved" "$t0" "$t1" "$rest" "$(cat "$WORK/$kind-probe")" "$digest" <<'PY'
import sys
kind, moved, t0, t1, rest, during, digest = sys.argv[1:]
secs = float(t1) - float(t0)
print(f"{kind}: moved {moved} keys in {secs:.2f} s = {int(moved) / secs:,.0f} keys/s")
print(f"  at rest:        {rest}")
print(f"  during rebalance: {during}")
print(f"  after: {digest}")
PY
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PIDS=()
}

[ "${ONLY:-}" = redis ] || run cinnabar 17100
[ "${ONLY:-}" = cinnabar ] || run redis 17200
echo "logs: $WORK"
