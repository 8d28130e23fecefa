#!/usr/bin/env python3
"""Seeds of fuzz_objects (fuzz/fuzz_objects.c): each a request, the file
or the expected content, and a server's well-formed answer."""
import hashlib, os, struct, sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "corpus", "fuzz_objects")
os.makedirs(out, exist_ok=True)
DATA_MAX = 16384 - 8

def frame(t, payload=b""):
    return struct.pack(">IHH", len(payload), t, 0) + payload

def path(p):
    return struct.pack(">H", len(p)) + p

def text(t):
    return struct.pack(">H", len(t)) + t

def obj(version, state, typ, size, mode, p, link=b"", sha=b"\0" * 32):
    return (struct.pack(">QBBQIIIqqqq", version, state, typ, size, mode,
            1000, 1000, 1_700_000_000_000_000_000, 1_700_000_000_000_000_000,
            1_700_000_000, 0 if state == 1 else 1_700_000_100) + sha +
            path(p) + text(link))

def seed(name, op, content, answer):
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes([op]) + struct.pack(">H", len(content)) + content +
                answer)

OK = lambda v: frame(0x41, struct.pack(">Q", v))
REFUSED = frame(0x43, b"BWK1505E" + text(b"no space left on the server"))

seed("backup-small", 0, b"hello world\n" * 90, OK(5))
seed("backup-records", 0, bytes(range(256)) * 200, REFUSED)
seed("backup-empty", 0, b"", OK(6))
seed("backup-dir", 1, b"", OK(7))
seed("deactivate", 2, b"", REFUSED)
seed("deactivate-ok", 2, b"", OK(8))
sha = hashlib.sha256(b"abc").digest()
seed("query", 3, b"",
     frame(0x4b, b"\x01" + struct.pack(">H", 2) +
           obj(9, 1, 0, 3, 0o644, b"/a", sha=sha) +
           obj(10, 1, 2, 0, 0o777, b"/l", link=b"a")) +
     frame(0x4b, b"\x00" + struct.pack(">H", 1) +
           obj(8, 2, 1, 0, 0o755, b"/d")))
seed("query-empty", 3, b"", frame(0x4b, b"\x00\x00\x00"))
seed("filespaces", 4, b"", frame(0x4d, b"\x00" + struct.pack(">H", 2) +
     path(b"/") + struct.pack(">q", 1) + path(b"/home") +
     struct.pack(">q", 2)))
content = bytes((i * 7) & 0xff for i in range(20000))
ans = b""
for i in range(0, len(content), DATA_MAX):
    ans += frame(0x4f, content[i:i + DATA_MAX])
ans += frame(0x51, struct.pack(">Q", len(content)) +
             hashlib.sha256(content).digest())
seed("restore", 5, content, ans)
zeros = b"\0" * 40000 + b"end"
ans = b""
for i in range(0, len(zeros), DATA_MAX):
    ans += frame(0x4f, zeros[i:i + DATA_MAX])
ans += frame(0x51, struct.pack(">Q", len(zeros)) +
             hashlib.sha256(zeros).digest())
seed("restore-sparse", 5, zeros, ans)
seed("restore-refused", 5, b"x" * 10, frame(0x4f, b"x" * 5) +
     frame(0x43, b"BWK1513E" + text(b"content damaged")))
seed("error", 3, b"", frame(0x01, b"BWK1067E" + text(b"not allowed")))

# fuzz_fileside: the network process's answers, as the file side reads
# them: the call, then messages of u16 n and n bytes.
fs_out = os.path.join(os.path.dirname(out), "fuzz_fileside")
os.makedirs(fs_out, exist_ok=True)

def result(status, version=0, size=0, id=b"        ", t=b""):
    return frame(0x103, bytes([status]) + struct.pack(">QQ", version, size) +
                 b"\0" * 32 + id + text(t))

def msgs(*ms):
    return b"".join(struct.pack(">H", len(m)) + m for m in ms)

def fseed(name, call, body):
    with open(os.path.join(fs_out, name), "wb") as f:
        f.write(bytes([call]) + body)

fseed("backup-ok", 0, msgs(result(0, 5, 0)))
fseed("backup-refused", 0, msgs(result(1, id=b"BWK1505E", t=b"no space")))
fseed("backup-failed", 0, msgs(result(6, id=b"BWK1101E", t=b"ended")))
fseed("deactivate", 1, msgs(result(0, 9)))
fseed("query", 2, msgs(
    frame(0x105, obj(9, 1, 0, 3, 0o644, b"/u/a", sha=sha)),
    frame(0x105, obj(10, 2, 2, 0, 0o777, b"/u/l", link=b"a")),
    # a FILE with its hard link: the first name of the same file
    frame(0x105, obj(11, 1, 0, 3, 0o644, b"/u/h", link=b"/u/a", sha=sha)),
    result(0)))
fseed("filespaces", 3, msgs(frame(0x107, path(b"/home") +
      struct.pack(">q", 5)), result(0)))
fseed("restore", 4, msgs(result(0, 1, 10)))
# a large object's progress notes (NC_PROGRESS) before its result
fseed("backup-progress", 0, msgs(frame(0x10b, struct.pack(">Q", 16 << 20)),
      frame(0x10b, struct.pack(">Q", 32 << 20)), result(0, 5, 40 << 20)))
fseed("restore-progress", 4, msgs(frame(0x10b, struct.pack(">Q", 1 << 24)),
      result(0, 1, 1 << 25)))
fseed("restore-mismatch", 4, msgs(result(4, 1, 10)))
fseed("close", 5, msgs(result(0)))
fseed("gone", 2, b"")
