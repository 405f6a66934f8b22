#!/usr/bin/env bash
# Benchmarks Cinnabar against a real redis-server with redis-benchmark, on this machine, and writes
# the results (with a description of the machine) to docs/BENCHMARKS.md.
#
#   bench/run.sh                 full run: -n 1000000 per test, 1,000,000 keys for memory (< 10 min)
#   bench/run.sh --quick         -n 100000, 200,000 keys (about 2 minutes)
#   bench/run.sh -n 200000 -k 500000 -o /tmp/b.md     custom sizes / output ("-" prints only)
#
# Both servers run on 127.0.0.1 on free ports, with persistence off; each test runs against Redis,
# then Cinnabar, alternately. Cinnabar runs with bin/cinnabar's JVM options and is warmed up (JIT)
# first. Both servers are stopped by PID on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

n=1000000
keys=1000000
clients=50
out="$here/docs/BENCHMARKS.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) n=100000; keys=200000 ;;
    -n) n="$2"; shift ;;
    -k) keys="$2"; shift ;;
    -c) clients="$2"; shift ;;
    -o) out="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

for tool in redis-server redis-cli redis-benchmark java; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh needs $tool on PATH" >&2; exit 1; }
done

work="$(mktemp -d /tmp/cinnabar-bench.XXXXXX)"
redis_pid=""
cinnabar_pid=""
cleanup() {
  for p in $redis_pid $cinnabar_pid; do
    kill "$p" 2>/dev/null || true
  done
  for p in $redis_pid $cinnabar_pid; do
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local p
  while true; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

await_ping() { # port pid name
  for _ in $(seq 1 600); do
    if [ "$(redis-cli -p "$1" ping 2>/dev/null)" = "PONG" ]; then
      return 0
    fi
    kill -0 "$2" 2>/dev/null || { echo "$3 exited during startup" >&2; exit 1; }
    sleep 0.1
  done
  echo "$3 did not answer PING within 60 s" >&2
  exit 1
}

# Build the jar first (bin/cinnabar would, but then its build time would count as startup time).
jar="$here/server/target/cinnabar.jar"
if [ ! -f "$jar" ] || [ -n "$(find server/src/main server/pom.xml pom.xml -newer "$jar" -print -quit)" ]; then
  echo "building $jar ..." >&2
  mvn -q -B -o -DskipTests -Dspotless.check.skip=true -pl server package >&2 \
    || mvn -q -B -DskipTests -Dspotless.check.skip=true -pl server package >&2
fi

rport="$(free_port)"
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
cport="$(free_port)"
while [ "$cport" = "$rport" ]; do cport="$(free_port)"; done
"$here/bin/cinnabar" server --port "$cport" --bind 127.0.0.1 --save '' --appendonly no \
  >"$work/cinnabar.log" 2>&1 &
cinnabar_pid=$!
await_ping "$rport" "$redis_pid" redis-server
await_ping "$cport" "$cinnabar_pid" cinnabar
echo "redis-server pid $redis_pid port $rport; cinnabar pid $cinnabar_pid port $cport" >&2

echo "warming up cinnabar ..." >&2
warm=$((n / 4 > 200000 ? 200000 : (n / 4 < 50000 ? 50000 : n / 4)))
redis-benchmark -p "$cport" -t ping_mbulk,set,get,incr,mset -n "$warm" -c "$clients" -P 16 -q >/dev/null 2>&1 || true
redis-benchmark -p "$cport" -t ping_mbulk,set,get,incr,mset -n "$warm" -c "$clients" -P 1 -q >/dev/null 2>&1 || true
for t in lpush lpop sadd hset spop zadd zpopmin lrange_100; do
  redis-benchmark -p "$cport" -t "$t" -n "$warm" -c "$clients" -P 16 -q >/dev/null 2>&1 || true
done
redis-cli -p "$cport" flushall >/dev/null

# bench <label> <port> <pipeline> <extra args...>: prints "TEST,rps,avg,min,p50,p95,p99,max" lines.
bench() {
  local port="$1" pipeline="$2"
  shift 2
  redis-benchmark -p "$port" -n "$n" -c "$clients" -P "$pipeline" --csv "$@" 2>/dev/null \
    | grep -v '^"test"' | tr -d '"' || true
}

results="$work/results.csv" # test,pipeline,size,server,rps,avg,min,p50,p95,p99,max
: >"$results"
run_case() { # test pipeline size
  local t="$1" p="$2" d="$3" who port
  for who in redis cinnabar; do
    port="$rport"
    [ "$who" = cinnabar ] && port="$cport"
    echo "  $t -P $p -d $d on $who ..." >&2
    bench "$port" "$p" -t "$t" -d "$d" | while IFS=, read -r name rest; do
      echo "$name,$p,$d,$who,$rest" >>"$results"
    done
  done
}
for p in 1 16; do
  for t in ping_mbulk set get incr mset; do
    run_case "$t" "$p" 3
  done
done
for t in set get; do
  run_case "$t" 1 1024
done
# The data-type commands of issue 4, pipelined (lrange_* also run the LPUSH that fills the list).
for t in lpush lpop sadd hset spop zadd zpopmin lrange_100 lrange_600; do
  run_case "$t" 16 3
done

# Memory: load $keys small string keys (mem:N -> value:N, like DEBUG POPULATE) with a pipelined
# loader and report the growth of used_memory and of the process RSS, per key.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
used_memory() {
  redis-cli -p "$1" info memory 2>/dev/null | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}'
}
heap_used_kb() { # JVM heap in use after a full GC (live data), in KB
  command -v jcmd >/dev/null || return 0
  jcmd "$1" GC.run >/dev/null 2>&1 || return 0
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v; exit } }'
}
# mem_case <name> <count> <awk program printing RESP commands for i in [0, count)>: loads the
# same commands into both servers and records used_memory, RSS and (Cinnabar) live heap growth.
declare -A mem
mem_case() {
  local name="$1" count="$2" prog="$3" who port pid loader="$work/load-$1.resp"
  awk -v n="$count" "$resp BEGIN { $prog }" >"$loader"
  for who in redis cinnabar; do
    port="$rport"; pid="$redis_pid"
    [ "$who" = cinnabar ] && { port="$cport"; pid="$cinnabar_pid"; }
    echo "  memory: loading $name into $who ..." >&2
    [ "$who" = cinnabar ] && mem[$name.heap0]="$(heap_used_kb "$pid")"
    mem[$name.$who.rss0]="$(rss_kb "$pid")"
    mem[$name.$who.used0]="$(used_memory "$port")"
    redis-cli -p "$port" --pipe <"$loader" >"$work/pipe-$who.log" 2>&1 \
      || { echo "loading $name into $who failed:" >&2; cat "$work/pipe-$who.log" >&2; }
    [ "$who" = cinnabar ] && mem[$name.heap1]="$(heap_used_kb "$pid")"
    mem[$name.$who.rss1]="$(rss_kb "$pid")"
    mem[$name.$who.used1]="$(used_memory "$port")"
  done
  rm -f "$loader"
}
resp='function cmd(a, b, c, d,   s) { s = (d == "" ? 3 : 4); printf "*%d\r\n", s;
  printf "$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(a), a, length(b), b, length(c), c;
  if (d != "") printf "$%d\r\n%s\r\n", length(d), d }'
mem_case strings "$keys" "for (i = 0; i < n; i++) cmd(\"SET\", \"mem:\" i, \"value:\" i, \"\")"
mem_case hashfields "$keys" "for (i = 0; i < n; i++) cmd(\"HSET\", \"h:\" int(i / 1000), \"field:\" i, \"value:\" i)"
mem_case zsetmembers "$keys" "for (i = 0; i < n; i++) cmd(\"ZADD\", \"zbig\", i, \"member:\" i)"
per_key() { # before after unit-multiplier
  if [ -n "$1" ] && [ -n "$2" ]; then
    awk -v a="$1" -v b="$2" -v m="$3" -v k="$keys" 'BEGIN { printf "%.1f", (b - a) * m / k }'
  else
    echo "n/a"
  fi
}
mem_rows() { # name
  echo "| $1 | Redis | $(per_key "${mem[$1.redis.used0]}" "${mem[$1.redis.used1]}" 1) | $(per_key "${mem[$1.redis.rss0]}" "${mem[$1.redis.rss1]}" 1024) | - |"
  echo "| $1 | Cinnabar | $(per_key "${mem[$1.cinnabar.used0]}" "${mem[$1.cinnabar.used1]}" 1) | $(per_key "${mem[$1.cinnabar.rss0]}" "${mem[$1.cinnabar.rss1]}" 1024) | $(per_key "${mem[$1.heap0]:-}" "${mem[$1.heap1]:-}" 1024) |"
}

# The report.
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
memtotal="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo unknown)"
jdk="$(java -version 2>&1 | head -n 2 | tr '\n' ' ')"
redis_version="$(redis-server --version | awk '{print $3}' | sed 's/v=//')"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
jvm_opts="${CINNABAR_JAVA_OPTS:-$(grep -v '^#' "$here/server/src/main/resources/jvm.options" | tr '\n' ' ')}"
report="$work/report.md"
{
  echo "# Benchmarks"
  echo
  echo "Generated by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (Cinnabar commit $commit)."
  echo "Re-run with \`bench/run.sh\` (full, < 10 min on 2 cores) or \`bench/run.sh --quick\`."
  echo
  echo "## Machine"
  echo
  echo "- CPU: $cpu, $(nproc) cores available"
  echo "- Memory: $memtotal"
  echo "- OS: $(uname -sr)"
  echo "- JDK: $jdk"
  echo "- redis-server $redis_version (jemalloc), redis-benchmark from the same package"
  echo "- Cinnabar JVM options: \`$jvm_opts\`"
  echo
  echo "Client and both servers share the same cores, so absolute numbers are low and noisy; the"
  echo "ratios are what matters. Each test runs against Redis, then against Cinnabar."
  echo
  echo "## Throughput and latency"
  echo
  echo "\`redis-benchmark -n $n -c $clients -P <pipeline> -t <test> -d <size>\`, latencies in ms."
  echo
  echo "| test | pipeline | value size | ops/s Redis | ops/s Cinnabar | ratio | p50 Redis | p50 Cinnabar | p99 Redis | p99 Cinnabar | p99 ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F, '
    { key = $1 "," $2 "," $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      rps[key "," $4] = $5; p50[key "," $4] = $8; p99[key "," $4] = $10 }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, f, ",")
        r = rps[k ",redis"]; c = rps[k ",cinnabar"]
        ratio = (r > 0 && c != "") ? sprintf("%.2f", c / r) : "n/a"
        pr = p99[k ",redis"]; pc = p99[k ",cinnabar"]
        pratio = (pr > 0 && pc != "") ? sprintf("%.2f", pc / pr) : "n/a"
        if (c == "") { c = "n/a" }
        printf "| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3], r,
          (c == "n/a" ? c : sprintf("%.0f", c)), ratio, p50[k ",redis"], p50[k ",cinnabar"], pr, pc, pratio
      }
    }' "$results"
  echo
  echo "n/a: no result from Cinnabar, i.e. the command is not implemented by this build"
  echo "(redis-benchmark stops at the first error reply)."
  echo
  echo "## Memory per element"
  echo
  echo "Each case loads $keys elements with \`redis-cli --pipe\` into each server: strings are keys"
  echo "\`mem:N\` -> \`value:N\`; hashfields are \`HSET h:<N/1000> field:N value:N\` (1000 hashes of"
  echo "1000 fields, hashtable encoding); zsetmembers are \`ZADD zbig N member:N\` (one sorted set)."
  echo
  echo "| case | server | used_memory / element (bytes) | RSS growth / element (bytes) | live heap growth / element (bytes) |"
  echo "|---|---|---:|---:|---:|"
  mem_rows strings
  mem_rows hashfields
  mem_rows zsetmembers
  echo
  echo "used_memory is each server's own INFO figure (n/a if INFO memory is not implemented)."
  echo "Cinnabar's RSS growth depends on how far G1 grew the heap; the live heap growth is measured"
  echo "with \`jcmd <pid> GC.run\` then \`GC.heap_info\` before and after loading."
} >"$report"

# Keep a hand-written "## JMH" section (bench/jmh.sh results) of an existing report.
if [ "$out" != "-" ] && [ -f "$out" ] && grep -q '^## JMH' "$out"; then
  { echo; sed -n '/^## JMH/,$p' "$out"; } >>"$report"
fi

if [ "$out" = "-" ]; then
  cat "$report"
else
  mkdir -p "$(dirname "$out")"
  cp "$report" "$out"
  cat "$report"
  echo "written to $out" >&2
fi
