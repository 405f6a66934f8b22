import socket, sys, time, shutil, os
port = int(sys.argv[1]); out = sys.argv[2]; conf = sys.argv[3]
def enc(*a):
    s = b"*%d\r\n" % len(a)
    for x in a:
        x = x.encode() if isinstance(x, str) else x
        s += b"$%d\r\n%s\r\n" % (len(x), x)
    return s
s = socket.create_connection(("127.0.0.1", port))
s.sendall(enc("CLUSTER","MYID")); myid = s.recv(1000).split(b"\r\n")[1].decode()
s.sendall(enc("CLUSTER","NODES")); 
buf=b""
while not buf.endswith(b"\r\n") or len(buf) < 5 or len(buf) < int(buf[1:buf.index(b"\r\n")]) + buf.index(b"\r\n") + 4:
    buf += s.recv(65536)
nodes = buf.decode().split("\r\n",1)[1]
primary = None
for l in [x for x in nodes.splitlines() if x.count(" ") > 3]:
    f = l.split(" ")
    if "myself" in f[2]:
        primary = myid if f[3] == "-" else f[3]
cmds = [("CLUSTER","SAVECONFIG"),("CLUSTER","NODES"),("CLUSTER","SLOTS"),("CLUSTER","SHARDS"),("CLUSTER","INFO"),("CLUSTER","MYID"),("CLUSTER","MYSHARDID"),("CLUSTER","REPLICAS",primary),("CLUSTER","SLAVES",primary),("HELLO","3"),("CLUSTER","NODES"),("CLUSTER","SLOTS"),("CLUSTER","SHARDS"),("CLUSTER","INFO"),("CLUSTER","REPLICAS",primary)]
names = ["saveconfig","nodes.resp2","slots.resp2","shards.resp2","info.resp2","myid.resp2","myshardid.resp2","replicas.resp2","slaves.resp2","hello3","nodes.resp3","slots.resp3","shards.resp3","info.resp3","replicas.resp3"]
s.sendall(b"".join(enc(*c) for c in cmds))
# read until idle
s.settimeout(0.5); data=b""
try:
    while True:
        d = s.recv(65536)
        if not d: break
        data += d
except socket.timeout: pass
shutil.copyfile(conf, os.path.join(out, "nodes.conf"))
# split replies with a small RESP parser
def skip(b, i):
    t = b[i:i+1]; e = b.index(b"\r\n", i); head = b[i+1:e]; i = e+2
    if t in (b"+", b"-", b":", b"_", b"#", b",", b"("): return i
    if t in (b"$", b"=", b"!"):
        n = int(head); return i if n < 0 else i+n+2
    if t in (b"*", b"~", b">"):
        n = int(head)
        for _ in range(max(n,0)): i = skip(b,i)
        return i
    if t == b"%" or t == b"|":
        n = int(head)
        for _ in range(2*n): i = skip(b,i)
        if t == b"|": i = skip(b,i)
        return i
    raise Exception("bad type %r" % t)
i = 0
for n in names:
    j = skip(data, i)
    if n != "hello3" and n != "saveconfig":
        open(os.path.join(out, n), "wb").write(data[i:j])
    i = j
assert i == len(data), (i, len(data))
