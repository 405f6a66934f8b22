#!/usr/bin/env python3
"""Loads or digests keys in a Redis Cluster (Cinnabar or redis-server) without a client library.

  clusterkeys.py load HOST:PORT N [PREFIX]    SET PREFIX:i -> v:i (pipelined, per owning node;
                                              env VALUE_SIZE pads values to that many bytes)
  clusterkeys.py digest HOST:PORT N [PREFIX]  counts keys found with the right value, prints
                                              "found=N ok=N" (GET on the owner of each slot)
  clusterkeys.py probe HOST:PORT N SECONDS [STOPFILE]
                                              one client doing GET/SET (same value) on random
                                              keys, following MOVED/ASK/TRYAGAIN; prints request
                                              count, p50/p99/max latency (ms), redirects, errors
"""
import os
import random
import socket
import sys
import time


VALUE_SIZE = int(os.environ.get("VALUE_SIZE", "0"))


def val(i):
    """The value of key i: "v:i", padded to VALUE_SIZE bytes (env) when that is longer."""
    v = "v:%d" % i
    if len(v) < VALUE_SIZE:
        v = (v + ":" + "abcdefghijklmnopqrstuvwxyz0123456789" * (VALUE_SIZE // 36 + 1))[:VALUE_SIZE]
    return v.encode()


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def slot(key):
    s = key.find(b"{")
    if s >= 0:
        e = key.find(b"}", s + 1)
        if e > s + 1:
            key = key[s + 1:e]
    return crc16(key) & 16383


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port))
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _need(self, n):
        while len(self.buf) < n:
            self.buf += self.s.recv(1 << 20)

    def reply(self):
        line = self._line()
        t = line[:1]
        if t == b":":
            return int(line[1:])
        if t in (b"+", b"-"):
            return line
        if t == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            self._need(n + 2)
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v
        if t == b"*":
            return [self.reply() for _ in range(int(line[1:]))]
        raise ValueError(line)

    def call(self, *args):
        self.s.sendall(encode(*args))
        return self.reply()


def owners(host, port):
    c = Conn(host, port)
    table = [None] * 16384
    for entry in c.call("CLUSTER", "SLOTS"):
        ip, p = entry[2][0].decode(), int(entry[2][1])
        for s in range(int(entry[0]), int(entry[1]) + 1):
            table[s] = (ip or host, p)
    return table


def probe(host, port, n, seconds, stopfile):
    table = owners(host, port)
    conns = {}

    def conn(node):
        if node not in conns:
            conns[node] = Conn(*node)
        return conns[node]

    lat = []
    moved = asks = tryagain = errors = 0
    end = time.time() + seconds
    while time.time() < end and not (stopfile and os.path.exists(stopfile)):
        i = random.randrange(n)
        k = ("key:%d" % i).encode()
        cmd = ("GET", k) if random.random() < 0.5 else ("SET", k, val(i))
        node = table[slot(k)]
        t = time.perf_counter()
        asking = False
        for _ in range(20):
            c = conn(node)
            if asking:
                c.s.sendall(encode("ASKING") + encode(*cmd))
                c.reply()
            else:
                c.s.sendall(encode(*cmd))
            r = c.reply()
            asking = False
            if isinstance(r, bytes) and r.startswith(b"-MOVED"):
                moved += 1
                ip, p = r.split()[2].decode().rsplit(":", 1)
                node = (ip, int(p))
                table[slot(k)] = node
                continue
            if isinstance(r, bytes) and r.startswith(b"-ASK"):
                asks += 1
                ip, p = r.split()[2].decode().rsplit(":", 1)
                node = (ip, int(p))
                asking = True
                continue
            if isinstance(r, bytes) and r.startswith(b"-TRYAGAIN"):
                tryagain += 1
                time.sleep(0.01)
                continue
            if (isinstance(r, bytes) and r.startswith(b"-")) or (
                cmd[0] == "GET" and r != val(i)
            ):
                errors += 1
                if errors <= 5:
                    print("error: %s %r" % (k, r), file=sys.stderr)
            break
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    if not lat:
        lat = [0]
    print(
        "requests=%d p50=%.3f p99=%.3f max=%.3f moved=%d ask=%d tryagain=%d errors=%d"
        % (
            len(lat),
            lat[len(lat) // 2],
            lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            lat[-1],
            moved,
            asks,
            tryagain,
            errors,
        )
    )


def main():
    what, addr, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if what == "probe":
        host, port = addr.rsplit(":", 1)
        probe(host, int(port), n, float(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
        return
    prefix = sys.argv[4] if len(sys.argv) > 4 else "key"
    host, port = addr.rsplit(":", 1)
    table = owners(host, int(port))
    by_node = {}
    for i in range(n):
        k = ("%s:%d" % (prefix, i)).encode()
        by_node.setdefault(table[slot(k)], []).append((i, k))
    conns = {node: Conn(*node) for node in by_node}
    found = ok = 0
    for node, keys in by_node.items():
        c = conns[node]
        for start in range(0, len(keys), 1000):
            batch = keys[start:start + 1000]
            if what == "load":
                c.s.sendall(b"".join(encode("SET", k, val(i)) for i, k in batch))
                for _ in batch:
                    r = c.reply()
                    if r != b"+OK":
                        raise SystemExit("SET failed: %r" % r)
            else:
                c.s.sendall(b"".join(encode("GET", k) for _, k in batch))
                for i, _ in batch:
                    r = c.reply()
                    if r is not None and not r.startswith(b"-"):
                        found += 1
                        ok += r == val(i)
    if what == "digest":
        print("found=%d ok=%d" % (found, ok))


if __name__ == "__main__":
    main()
