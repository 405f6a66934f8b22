#!/usr/bin/env python3
"""Records the golden RDB files and DUMP payloads of RdbGoldenTest from a real redis-server 7.0.

Usage: make-golden.py <port of a redis-server started with --enable-debug-command yes> <its dir>
Writes supported.rdb / supported.expected (strings, lists, hashes in every encoding, TTLs,
DEBUG POPULATE, two databases), sets-zsets.rdb, dump-payloads.txt and dump-payloads-sets.txt
next to this script.
"""
import random, shutil, socket, sys, os

HERE = os.path.dirname(os.path.abspath(__file__))
port, rdir = int(sys.argv[1]), sys.argv[2]
sock = socket.create_connection(("127.0.0.1", port))
rf = sock.makefile("rb")

def enc(a):
    return a if isinstance(a, bytes) else str(a).encode()

def read():
    line = rf.readline()
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b"-"):
        return rest if t == b"+" else Exception(rest.decode())
    if t == b":":
        return int(rest)
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = rf.read(n + 2)
        return data[:-2]
    if t == b"*":
        n = int(rest)
        return None if n < 0 else [read() for _ in range(n)]
    raise ValueError(line)

def call(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = enc(a)
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    sock.sendall(out)
    r = read()
    if isinstance(r, Exception):
        raise r
    return r

FAR = 4102444800000  # 2100-01-01, in ms
rnd = random.Random(42)

def populate_supported():
    call("FLUSHALL")
    s = {
        "str:small": "hello", "str:empty": "", "str:int8": "100", "str:int16": "30000",
        "str:int32": "2000000000", "str:int64": "9000000000000", "str:neg": "-5",
        "str:12digits": "123456789012", "str:lead0": "007", "str:embstr": "x" * 30,
        "str:lzf": "abc" * 100, "str:big": ("0123456789abcdef" * 8192),
    }
    for k, v in s.items():
        call("SET", k, v)
    call("SET", "str:binary", bytes(range(256)))
    call("SET", "str:random", bytes(rnd.randrange(256) for _ in range(300)))
    call("SET", "ttl:str", "expiring", "PXAT", FAR)
    call("RPUSH", "list:small", "a", "b", "c", "1", "2", "3")
    ints = [0, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 40000, -8388608, 8388607,
            8388608, 2147483647, -2147483648, 2147483648, 9223372036854775807,
            -9223372036854775808, "18446744073709551616", "1.5", "01"]
    call("RPUSH", "list:ints", *ints)
    call("RPUSH", "list:big", *["element-%d" % i for i in range(3000)])
    call("LPUSH", "list:lpush", *["e%d" % i for i in range(100)])
    call("RPUSH", "list:bigelem", "small", "y" * 10000, "z" * 70000, "tail")
    call("RPUSH", "ttl:list", "x", "y")
    call("PEXPIREAT", "ttl:list", FAR + 1234)
    call("HSET", "hash:small", "f1", "v1", "f2", "2", "f3", "-300", "name", "cinnabar")
    call("HSET", "hash:big", *sum([["field:%d" % i, "value:%d" % i] for i in range(1000)], []))
    call("HSET", "hash:longval", "a", "1", "b", "v" * 100)
    call("HSET", "ttl:hash", "a", "b")
    call("PEXPIREAT", "ttl:hash", FAR + 99)
    call("DEBUG", "POPULATE", 1000, "pop")
    call("SELECT", 3)
    call("SET", "db3:str", "in db three")
    call("RPUSH", "db3:list", "q")
    call("HSET", "db3:hash", "k", "v")
    call("SELECT", 0)

def expectations():
    lines = ["# db key type encoding ttl digest-value", "digest " + call("DEBUG", "DIGEST").decode()]
    for db in (0, 3):
        call("SELECT", db)
        for k in sorted(call("KEYS", "*")):
            t = call("TYPE", k).decode()
            e = call("OBJECT", "ENCODING", k).decode()
            ttl = call("PEXPIRETIME", k)
            d = call("DEBUG", "DIGEST-VALUE", k)[0].decode()
            lines.append("%d %s %s %s %d %s" % (db, k.decode(), t, e, ttl, d))
    call("SELECT", 0)
    return "\n".join(lines) + "\n"

def save(name):
    call("SAVE")
    shutil.copy(os.path.join(rdir, "dump.rdb"), os.path.join(HERE, name))

populate_supported()
exp = expectations()
save("supported.rdb")
open(os.path.join(HERE, "supported.expected"), "w").write(exp)

# DUMP payloads of every key (hex), with the key's digest to check after RESTORE.
out = ["# key type encoding digest-value dump-hex"]
for k in sorted(call("KEYS", "*")):
    if k.startswith(b"pop:") and k != b"pop:7":
        continue
    out.append("%s %s %s %s %s" % (k.decode(), call("TYPE", k).decode(),
        call("OBJECT", "ENCODING", k).decode(), call("DEBUG", "DIGEST-VALUE", k)[0].decode(),
        call("DUMP", k).hex()))
open(os.path.join(HERE, "dump-payloads.txt"), "w").write("\n".join(out) + "\n")

call("FLUSHALL")
call("SADD", "set:intset", 1, 2, 3, -100, 70000)
call("SADD", "set:ht", "a", "b", "c")
call("ZADD", "zset:lp", 1, "a", 2.5, "b")
call("ZADD", "zset:sl", *sum([[i, "m%d" % i] for i in range(200)], []))
call("ZADD", "zset:special", "-inf", "lo", "inf", "hi", 0.1, "tenth", -2, "neg", 1e300, "huge")
save("sets-zsets.rdb")
# Set and sorted-set payloads with their contents, for RdbCollections' readers.
out = ["# key rdb-encoding hex-members-or-member:score,... dump-hex"]
for k in sorted(call("KEYS", "*")):
    if call("TYPE", k) == b"set":
        items = ",".join(sorted(m.hex() for m in call("SMEMBERS", k)))
    else:
        r = call("ZRANGE", k, 0, -1, "WITHSCORES")
        items = ",".join("%s:%s" % (r[i].hex(), r[i + 1].decode()) for i in range(0, len(r), 2))
    out.append("%s %s %s %s" % (k.decode(), call("OBJECT", "ENCODING", k).decode(), items,
        call("DUMP", k).hex()))
open(os.path.join(HERE, "dump-payloads-sets.txt"), "w").write("\n".join(out) + "\n")
call("FLUSHALL")
print("ok")
