#!/usr/bin/env python3
"""Atomic slot migration vs redis-cli's per-key resharding, on Cinnabar nodes (one process each).

  bench/atomic-migration.py [--base-port 18100] [--keys 2000000] [--mode both|atomic|reshard|bigkey]
                            [--big 1000000]

atomic/reshard: 3 primaries own all slots, a 4th is empty; --keys keys (64-byte values) are loaded,
then a quarter of the slots (4096, about --keys/4 keys) move onto the 4th primary, either with
`cinnabar cluster rebalance --use-empty-masters` (CLUSTER MIGRATESLOTS) or with
`redis-cli --cluster reshard --cluster-slots 4096` (per-key MIGRATE, pipeline 10). A client thread
keeps doing GET/SET on random keys (following MOVED/ASK) and records latencies at rest and during
the move; a PING prober per node records the longest stall. Afterwards every key is checked.

bigkey: two nodes; a list, hash, set and zset of --big elements each (in four slots) move with one
MIGRATESLOTS while PING probers measure the longest stall on source and target; DUMP of each key
(what a one-go serialization costs, as Redis's MIGRATE does) is timed for comparison.
"""
import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(HERE, "server", "target", "cinnabar.jar")
with open(os.path.join(HERE, "server", "src", "main", "resources", "jvm.options")) as f:
    DEFAULT_JAVA_OPTS = " ".join(line.strip() for line in f if line.strip() and not line.startswith("#"))
JAVA_OPTS = os.environ.get("CINNABAR_JAVA_OPTS", DEFAULT_JAVA_OPTS).split()


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clusterkeys import encode, slot  # noqa: E402  (the bench folder's shared RESP helpers)


class Conn:
    def __init__(self, port):
        self.port = port
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb")

    def send(self, data):
        self.s.sendall(data)

    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t in (b"+", b"-"):
            return (t + rest).decode()
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            return self.f.read(n + 2)[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise IOError("bad reply %r" % line)

    def call(self, *args):
        self.send(encode(*args))
        return self.read()

    def close(self):
        self.s.close()


class Cluster:
    def __init__(self, base, n, work):
        self.ports = [base + i for i in range(n)]
        self.procs = []
        for p in self.ports:
            d = os.path.join(work, str(p))
            os.makedirs(d)
            log = open(os.path.join(d, "log"), "w")
            self.procs.append(subprocess.Popen(
                ["java"] + JAVA_OPTS + ["-jar", JAR, "server", "--port", str(p), "--bind", "127.0.0.1",
                                        "--save", "", "--dir", d, "--cluster-enabled", "yes"],
                stdout=log, stderr=subprocess.STDOUT))
        for p in self.ports:
            for _ in range(600):
                try:
                    if Conn(p).call("PING") == "+PONG":
                        break
                except OSError:
                    time.sleep(0.05)
        self.ids = [Conn(p).call("CLUSTER", "MYID").decode() for p in self.ports]

    def setup(self, owners):
        per = 16384 // owners
        for i in range(owners):
            hi = 16383 if i == owners - 1 else (i + 1) * per - 1
            Conn(self.ports[i]).call("CLUSTER", "ADDSLOTSRANGE", i * per, hi)
        for p in self.ports[1:]:
            Conn(p).call("CLUSTER", "MEET", "127.0.0.1", self.ports[0], self.ports[0] + 10000)
        self.await_agreement()

    def owners(self):
        """slot -> port, as node 0 sees it."""
        m = [None] * 16384
        for line in Conn(self.ports[0]).call("CLUSTER", "NODES").decode().splitlines():
            f = line.split()
            port = int(f[1].split("@")[0].split(":")[1])
            for r in f[8:]:
                if r.startswith("["):
                    continue
                a, _, b = r.partition("-")
                for s in range(int(a), int(b or a) + 1):
                    m[s] = port
        return m

    def await_agreement(self):
        for _ in range(600):
            views = set()
            ok = True
            for p in self.ports:
                c = Conn(p)
                info = c.call("CLUSTER", "INFO").decode()
                ok &= "cluster_state:ok" in info
                lines = sorted(" ".join([l.split()[0]] + [x for x in l.split()[8:] if not x.startswith("[")])
                               for l in c.call("CLUSTER", "NODES").decode().splitlines())
                ok &= all(" handshake" not in l and "fail" not in l.split()[2] for l in c.call("CLUSTER", "NODES").decode().splitlines())
                views.add("\n".join(lines))
                c.close()
            if ok and len(views) == 1:
                return
            time.sleep(0.1)
        raise RuntimeError("cluster did not converge")

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def load(cluster, nkeys, value):
    owners = cluster.owners()
    conns = {p: Conn(p) for p in cluster.ports}
    pending = {p: 0 for p in cluster.ports}
    bufs = {p: [] for p in cluster.ports}
    for i in range(nkeys):
        k = b"key:%d" % i
        p = owners[slot(k)]
        bufs[p].append(encode(b"SET", k, value))
        if len(bufs[p]) >= 2000:
            conns[p].send(b"".join(bufs[p]))
            for _ in bufs[p]:
                conns[p].read()
            bufs[p] = []
    for p, b in bufs.items():
        if b:
            conns[p].send(b"".join(b))
            for _ in b:
                conns[p].read()


def verify(cluster, nkeys, value, written):
    owners = cluster.owners()
    conns = {p: Conn(p) for p in cluster.ports}
    bad = 0
    batch = {p: [] for p in cluster.ports}

    def drain(p):
        nonlocal bad
        conns[p].send(b"".join(encode(b"GET", k) for k in batch[p]))
        for k in batch[p]:
            v = conns[p].read()
            want = written.get(k, value)
            if v != want:
                bad += 1
        batch[p] = []

    for i in range(nkeys):
        k = b"key:%d" % i
        p = owners[slot(k)]
        batch[p].append(k)
        if len(batch[p]) >= 2000:
            drain(p)
    for p in cluster.ports:
        if batch[p]:
            drain(p)
    return bad


class Load(threading.Thread):
    """GET/SET on random keys, following MOVED and ASK; latencies (ms) per phase."""

    def __init__(self, cluster, nkeys):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.nkeys = nkeys
        self.owners = cluster.owners()
        self.conns = {}
        self.phase = "rest"
        self.lat = {"rest": [], "move": [], "after": []}
        self.errors = []
        self.written = {}
        self.redirects = 0
        self.stop = False

    def conn(self, p):
        if p not in self.conns:
            self.conns[p] = Conn(p)
        return self.conns[p]

    def op(self, args):
        k = args[1]
        p = self.owners[slot(k)]
        asking = False
        for _ in range(10):
            c = self.conn(p)
            if asking:
                c.send(encode(b"ASKING") + encode(*args))
                c.read()
            else:
                c.send(encode(*args))
            r = c.read()
            if isinstance(r, str) and r.startswith("-MOVED"):
                self.redirects += 1
                p = int(r.split()[2].split(":")[1])
                self.owners[slot(k)] = p
                asking = False
                continue
            if isinstance(r, str) and r.startswith("-ASK"):
                self.redirects += 1
                p = int(r.split()[2].split(":")[1])
                asking = True
                continue
            if isinstance(r, str) and r.startswith("-TRYAGAIN"):
                time.sleep(0.01)
                continue
            return r
        return "-too many redirects"

    def run(self):
        n = 0
        while not self.stop:
            k = b"key:%d" % random.randrange(self.nkeys)
            write = n % 2 == 0
            n += 1
            t = time.perf_counter()
            if write:
                v = b"w%d" % n
                r = self.op((b"SET", k, v))
            else:
                r = self.op((b"GET", k))
            self.lat[self.phase].append((time.perf_counter() - t) * 1000)
            if isinstance(r, str) and r.startswith("-"):
                self.errors.append(r)
            elif write:
                self.written[k] = v
            time.sleep(0.0005)  # bounded load: about 1,500 ops/s


class Prober(threading.Thread):
    """PING one node every ms; the longest round trip while recording (a stall's length)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.c = Conn(port)
        self.max = 0.0
        self.recording = False
        self.stop = False

    def run(self):
        while not self.stop:
            t = time.perf_counter()
            self.c.call("PING")
            d = (time.perf_counter() - t) * 1000
            if self.recording:
                self.max = max(self.max, d)
            time.sleep(0.001)


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def reshard_run(args, mode, work):
    c = Cluster(args.base_port, 4, os.path.join(work, mode))
    try:
        c.setup(3)
        value = b"v" * 64
        t = time.time()
        load(c, args.keys, value)
        print("%s: loaded %d keys in %.1f s" % (mode, args.keys, time.time() - t), flush=True)
        lg = Load(c, args.keys)
        probers = [Prober(p) for p in c.ports]
        lg.start()
        for p in probers:
            p.start()
        time.sleep(args.rest)
        lg.phase = "move"
        for p in probers:
            p.recording = True
        t = time.time()
        if mode == "atomic" and args.direct:
            # The launcher's plan, sent from here: no JVM start inside the measured window.
            per = 16384 // 3
            quotas = [1366, 1365, 1365]
            for i in range(3):
                hi = 16383 if i == 2 else (i + 1) * per - 1
                r = Conn(c.ports[i]).call("CLUSTER", "MIGRATESLOTS", "SLOTSRANGE", hi - quotas[i] + 1, hi,
                                          "NODE", c.ids[3])
                assert r == "+OK", r
            while True:
                states = []
                for p in c.ports[:3]:
                    for j in Conn(p).call("CLUSTER", "GETSLOTMIGRATIONS"):
                        states.append(dict(zip(j[::2], j[1::2]))[b"state"])
                if all(x in (b"success", b"failed", b"cancelled") for x in states):
                    break
                time.sleep(0.01)
            c.await_agreement()
            out = subprocess.CompletedProcess([], 0 if all(x == b"success" for x in states) else 1,
                                              str(states), "")
        elif mode == "atomic":
            cmd = ["java", "-jar", JAR, "cluster", "rebalance", "--use-empty-masters",
                   "127.0.0.1:%d" % c.ports[0]]
        else:
            cmd = ["redis-cli", "--cluster", "reshard", "127.0.0.1:%d" % c.ports[0],
                   "--cluster-from", ",".join(c.ids[:3]), "--cluster-to", c.ids[3],
                   "--cluster-slots", "4096", "--cluster-yes"]
        if not (mode == "atomic" and args.direct):
            out = subprocess.run(cmd, capture_output=True, text=True)
        if mode == "reshard":
            c.await_agreement()
        took = time.time() - t
        for p in probers:
            p.recording = False
        lg.phase = "after"
        time.sleep(1)
        lg.stop = True
        lg.join()
        for p in probers:
            p.stop = True
        if out.returncode != 0:
            print(out.stdout[-2000:], out.stderr[-2000:])
            raise RuntimeError("%s failed" % mode)
        if mode == "atomic" and not args.direct:
            print(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "", flush=True)
        owners = c.owners()
        moved = sum(1 for s in range(16384) if owners[s] == c.ports[3])
        moved_keys = Conn(c.ports[3]).call("DBSIZE")
        lags = [dict(zip(j[::2], j[1::2]))[b"longest_turn_us"] / 1000
                for j in Conn(c.ports[3]).call("CLUSTER", "GETSLOTMIGRATIONS")]
        print("  target: longest event-loop delay while importing %s ms" % lags, flush=True)
        bad = verify(c, args.keys, value, lg.written)
        rest, move = lg.lat["rest"], lg.lat["move"]
        res = {
            "mode": mode, "seconds": took, "slots": moved, "keys": moved_keys,
            "rest_p50": pct(rest, .5), "rest_p99": pct(rest, .99),
            "move_p50": pct(move, .5), "move_p99": pct(move, .99), "move_max": max(move or [0]),
            "ops_move": len(move), "errors": len(lg.errors), "redirects": lg.redirects,
            "bad": bad, "stall": max(p.max for p in probers),
            "stalls": " / ".join("%.0f" % p.max for p in probers),
        }
        print(("%(mode)s: %(slots)d slots, %(keys)d keys moved in %(seconds).2f s "
               "(%(keys)d keys / %(seconds).2f s); client p50/p99 at rest %(rest_p50).2f/%(rest_p99).2f ms, "
               "during %(move_p50).2f/%(move_p99).2f ms (max %(move_max).1f, %(ops_move)d ops); "
               "errors %(errors)d, redirects %(redirects)d, wrong values %(bad)d; "
               "longest PING round trip %(stall).1f ms (per node %(stalls)s)") % res, flush=True)
        if lg.errors:
            print("  errors:", lg.errors[:5])
        return res
    finally:
        c.stop()


def bigkey_run(args, work):
    c = Cluster(args.base_port, 2, os.path.join(work, "bigkey"))
    try:
        c.setup(1)
        a = Conn(c.ports[0])
        keys = {"list": b"{bl}", "hash": b"{bh}", "set": b"{bs}", "zset": b"{bz}"}
        for kind, k in keys.items():
            batch = 10000
            for i in range(0, args.big, batch):
                if kind == "list":
                    a.call(b"RPUSH", k, *[b"e%d" % j for j in range(i, i + batch)])
                elif kind == "hash":
                    a.call(b"HSET", k, *[x for j in range(i, i + batch) for x in (b"f%d" % j, b"v%d" % j)])
                elif kind == "set":
                    a.call(b"SADD", k, *[b"m%d" % j for j in range(i, i + batch)])
                else:
                    a.call(b"ZADD", k, *[x for j in range(i, i + batch) for x in (b"%d" % j, b"z%d" % j)])
        digests = {k: a.call("DEBUG", "DIGEST-VALUE", k) for k in keys.values()}
        dumps = {}
        for kind, k in keys.items():
            t = time.perf_counter()
            a.call("DUMP", k)
            dumps[kind] = (time.perf_counter() - t) * 1000
        print("bigkey: DUMP (one-go serialization, blocks the node) of %d elements: %s" % (
            args.big, ", ".join("%s %.0f ms" % kv for kv in dumps.items())), flush=True)
        probers = [Prober(p) for p in c.ports]
        for p in probers:
            p.start()
        time.sleep(0.5)
        for p in probers:
            p.recording = True
        slots = sorted(slot(k) for k in keys.values())
        cmd = ["CLUSTER", "MIGRATESLOTS", "SLOTSRANGE"]
        for s in slots:
            cmd += [s, s]
        cmd += ["NODE", c.ids[1]]
        t = time.time()
        r = a.call(*cmd)
        assert r == "+OK", r
        while True:
            jobs = a.call("CLUSTER", "GETSLOTMIGRATIONS")
            states = [dict(zip(j[::2], j[1::2]))[b"state"] for j in jobs]
            if all(s in (b"success", b"failed", b"cancelled") for s in states):
                break
            time.sleep(0.01)
        took = time.time() - t
        for p in probers:
            p.recording = False
            p.stop = True
        turn = max(dict(zip(j[::2], j[1::2]))[b"longest_turn_us"] for j in jobs) / 1000
        cpu = max(dict(zip(j[::2], j[1::2]))[b"longest_turn_cpu_us"] for j in jobs) / 1000
        b = Conn(c.ports[1])
        ok = all(b.call("DEBUG", "DIGEST-VALUE", k) == d for k, d in digests.items())
        print("bigkey: 4 keys x %d elements moved in %.2f s (%s), digests %s; longest migration turn "
              "on the source %.1f ms wall, %.1f ms CPU; longest PING round trip: source %.1f ms, "
              "target %.1f ms" % (args.big, took, states, "equal" if ok else "DIFFER", turn, cpu, probers[0].max,
                 probers[1].max), flush=True)
    finally:
        c.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-port", type=int, default=18100)
    ap.add_argument("--keys", type=int, default=2000000)
    ap.add_argument("--big", type=int, default=1000000)
    ap.add_argument("--rest", type=float, default=5)
    ap.add_argument("--direct", action="store_true",
                    help="atomic: send the rebalance plan's MIGRATESLOTS from here, not via the launcher")
    ap.add_argument("--mode", default="both", choices=["both", "atomic", "reshard", "bigkey"])
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cinnabar-atomic.")
    try:
        if args.mode == "bigkey":
            bigkey_run(args, work)
            return
        res = {}
        for mode in (["atomic", "reshard"] if args.mode == "both" else [args.mode]):
            res[mode] = reshard_run(args, mode, work)
        if len(res) == 2:
            print("atomic is %.1fx faster than per-key reshard" % (res["reshard"]["seconds"] / res["atomic"]["seconds"]))
    finally:
        if not os.environ.get("KEEP_LOGS"):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("logs in", work)


if __name__ == "__main__":
    main()
