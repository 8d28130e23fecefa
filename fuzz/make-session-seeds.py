#!/usr/bin/env python3
"""Writes the session protocol's seeds (docs/protocol.md): what a client
sends for fuzz_serve, what a server sends for fuzz_signon. Each input is
one flags byte, then frames (u32 length, u16 type, u16 flags, payload,
big-endian). The nonces and the proof or signature over them are made at
run time, so the seeds carry the targets' placeholders: for fuzz_serve
@SNONCE@ (the server's part of the nonce) and @PROOF@ (the proof of the
HELLO's account's password), for fuzz_signon @CNONCE@ (the client's
nonce) and @SSIG@ (the ServerSignature its helper expects). See the
comments at the top of fuzz/fuzz_serve.c and fuzz/fuzz_signon.c for the
flags (fuzz_signon's inputs have two flags bytes). Run from the top of
the tree: fuzz/make-session-seeds.py
"""
import base64, hashlib, os, struct, subprocess, sys

ERROR, HELLO, HELLO_OK = 0x0001, 0x0002, 0x0003
SCRAM_FIRST, SCRAM_CHALLENGE = 0x0004, 0x0005
SCRAM_FINAL, SCRAM_OUTCOME, SIGNED_ON = 0x0006, 0x0007, 0x0009
SET_PASSWORD, PASSWORD_SET = 0x0030, 0x0031
STANDBY_KEY, HELLO_OK_STANDBY = 0x0021, 0x01
PW_EXPIRED = 0x01
ADMIN, QUERY_SESSION, SESSION = 0x0010, 0x0012, 0x0013
BACKUP, DATA, DATA_END, ABANDON = 0x0040, 0x0042, 0x0044, 0x0046
DEACTIVATE, QUERY_BACKUP, QUERY_FILESPACE = 0x0048, 0x004a, 0x004c
RESTORE = 0x004e
OBJ_FILE, OBJ_DIR, OBJ_LINK = 0, 1, 2
Q_INACTIVE, Q_SUBDIR = 0x01, 0x02
DATA_MAX = 16384 - 8
BYE, BYE_OK = 0x00fe, 0x00ff
VERSION = 2                # WIRE_VERSION
FIRST_USE = 0x01
CB = b"\xcb" * 32          # both targets' exporter value
GS2 = "p=tls-exporter,,"
CNONCE = "fuzzclientnonce0123456789abcdef+"
SNONCE = "fuzzservernonce0123456789abcdef/"


def frame(ftype, payload=b"", flags=0, length=None):
    n = len(payload) if length is None else length
    return struct.pack(">IHH", n, ftype, flags) + payload


def text(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def name(s):
    return bytes([len(s)]) + s.encode()


def tframe(ftype, s):
    return frame(ftype, text(s))


# ---- fuzz_serve: what a client sends

def hello(node, role=1, flags=0, version=VERSION):
    return frame(HELLO, struct.pack(">HBB", version, role, flags) + name(node))


def cfirst(user, authzid=""):
    gs2 = "p=tls-exporter,a=%s," % authzid if authzid else GS2
    return tframe(SCRAM_FIRST, "%sn=%s,r=%s" % (gs2, user, CNONCE))


def cfinal(proof="@PROOF@", cb=CB, snonce="@SNONCE@", gs2=GS2):
    c = base64.b64encode(gs2.encode() + cb).decode()
    return tframe(SCRAM_FINAL, "c=%s,r=%s%s,p=%s" % (c, CNONCE, snonce,
                                                      proof))


WRONG = base64.b64encode(b"\x00" * 32).decode()


def signon(node, role=1, flags=0, proof="@PROOF@", authzid=""):
    return hello(node, role, flags) + cfirst(node, authzid) + \
        cfinal(proof)


def set_password(salt=b"\x11" * 16, iters=100000, trailing=b""):
    return frame(SET_PASSWORD, bytes([len(salt)]) + salt +
                 struct.pack(">I", iters) + b"\x22" * 32 + b"\x44" * 32 +
                 trailing)


# ---- fuzz_serve: a node's objects. NODE2 owns version 1 (the target
# stores it at every start); NODE1's first version is 2.

def path(p):
    b = p.encode() if isinstance(p, str) else p
    return struct.pack(">H", len(b)) + b


def backup(name, typ=OBJ_FILE, mode=0o640, link=b"", fs="/home",
           trailing=b""):
    return frame(BACKUP, path(fs) + path(name) + bytes([typ]) +
                 struct.pack(">IIIqq", mode, 1000, 100,
                             1690000000123456789, 1690000001000000001) +
                 text(link) + trailing)


def data_end(size, sha):
    return frame(DATA_END, struct.pack(">Q", size) + sha)


def put_file(name, content, chunk=100, size=None, sha=None, end=True,
             fs="/home"):
    """BACKUP of a FILE, its DATA in chunks, and DATA_END (the content's
    size and SHA-256 unless given)."""
    out = backup(name, fs=fs)
    for i in range(0, len(content), chunk):
        out += frame(DATA, content[i:i + chunk])
    if end:
        out += data_end(len(content) if size is None else size,
                        hashlib.sha256(content).digest() if sha is None
                        else sha)
    return out


def deactivate(name, fs="/home"):
    return frame(DEACTIVATE, path(fs) + path(name))


def query(pattern, flags=0, fs="/home"):
    return frame(QUERY_BACKUP, path(fs) + path(pattern) + bytes([flags]))


def restore(version):
    return frame(RESTORE, struct.pack(">Q", version))


def object_seeds(ok):
    node = signon("node1")
    doc = b"the quick brown fox jumps over the lazy dog\n" * 7
    big = bytes((i * 131) & 0xff for i in range(DATA_MAX + 3000))
    return {
        "objects-file-query-restore": b"\x00" + node +
        put_file("/docs/a.txt", doc) + query("/docs/a.txt") + restore(2) +
        frame(BYE),
        "objects-file-bytewise": b"\x40" + node + put_file("/a", doc[:40]) +
        restore(2),
        "objects-empty-file": b"\x00" + node + put_file("/empty", b"") +
        restore(2) + frame(BYE),
        "objects-big-file": b"\x00" + node +
        put_file("/big", big, chunk=DATA_MAX) + restore(2) + frame(BYE),
        "objects-data-too-long": b"\x00" + node + backup("/f") +
        frame(DATA, b"\x00" * (DATA_MAX + 1)),
        "objects-data-empty": b"\x00" + node + backup("/f") + frame(DATA),
        "objects-wrong-hash": b"\x00" + node +
        put_file("/f", doc, sha=b"\x00" * 32) + query("/*", Q_INACTIVE) +
        frame(BYE),
        "objects-wrong-size": b"\x00" + node +
        put_file("/f", doc, size=len(doc) + 1) + frame(BYE),
        "objects-new-version-keeps-old": b"\x00" + node +
        put_file("/f", doc) + put_file("/f", doc[:10], sha=b"\x11" * 32) +
        put_file("/f", doc[:20]) + put_file("/f", doc[:30]) +
        query("/f", Q_INACTIVE) + restore(2) + restore(4) + restore(5) +
        frame(BYE),
        # many small objects back to back, held and stored as a group,
        # a refused one among them, then one too large to hold
        "objects-group": b"\x00" + node + b"".join(
            put_file("/g/f%d" % i, doc[:i * 9]) for i in range(12)) +
        backup("/g", OBJ_DIR, 0o755) + put_file("/g/f3", doc,
        sha=b"\x00" * 32) + put_file("/g/f1", doc[:5]) +
        put_file("/g/big", big, chunk=DATA_MAX) + query("/g/*") +
        restore(2) + frame(BYE),
        "objects-abandon": b"\x00" + node + put_file("/f", doc, end=False) +
        frame(ABANDON) + query("/*", Q_INACTIVE | Q_SUBDIR) + frame(BYE),
        "objects-abandon-then-file": b"\x00" + node +
        put_file("/f", doc, end=False) + frame(ABANDON) +
        put_file("/f", doc) + restore(3),
        "objects-abandon-with-payload": b"\x00" + node + backup("/f") +
        frame(ABANDON, b"\x00"),
        # the input ends in the middle of the file: the server drops it
        "objects-cut-mid-file": b"\x00" + node +
        put_file("/f", doc, end=False),
        "objects-cut-mid-data": b"\x00" + node +
        put_file("/f", doc, end=False)[:-30],
        "objects-then-next-session": b"\x00" + node +
        put_file("/f", doc) + frame(BYE) + node + query("/*") + restore(2) +
        frame(BYE),
        "objects-dir-and-link": b"\x00" + node +
        backup("/docs", OBJ_DIR, 0o755) +
        backup("/docs/l", OBJ_LINK, 0o777, b"../elsewhere/target") +
        backup("/", OBJ_DIR, 0o755) +
        query("/*", Q_SUBDIR) + query("/docs/") + restore(2) + restore(3) +
        frame(BYE),
        "objects-dotdot": b"\x00" + node +
        put_file("/a/../../etc/passwd", doc) +
        backup("/x/./y", OBJ_DIR) + backup("/x//y\n", OBJ_DIR) +
        backup("/trailing/", OBJ_DIR) + put_file("/ok", doc) + frame(BYE),
        "objects-refused-then-abandoned": b"\x00" + node +
        put_file("/bad/..", doc, end=False) + frame(ABANDON) +
        query("/*", Q_SUBDIR),
        "objects-odd-names": b"\x00" + node +
        put_file("/\xff\xfe/\x01name\r", doc) +
        backup("/l", OBJ_LINK, 0o777, b"\x80\n") + query("/*", Q_SUBDIR) +
        frame(BYE),
        "objects-fs-root": b"\x00" + node +
        put_file("/etc/x", doc, chunk=50, fs="/") +
        backup("/", OBJ_DIR, 0o755, fs="/") + query("/*", Q_SUBDIR, "/") +
        frame(QUERY_FILESPACE),
        "objects-deactivate": b"\x00" + node + put_file("/gone", doc) +
        deactivate("/gone") + query("/gone") + query("/gone", Q_INACTIVE) +
        restore(2) + deactivate("/gone") + deactivate("/never") +
        deactivate("/a/../b") + frame(BYE),
        "objects-deactivate-others": b"\x00" + node + deactivate("/secret"),
        "objects-restore-others": b"\x00" + node + restore(1) +
        query("/*", Q_INACTIVE | Q_SUBDIR) + frame(QUERY_FILESPACE) +
        frame(BYE),
        "objects-restore-none": b"\x00" + node + restore(0) + restore(999) +
        restore(1 << 63) + frame(BYE),
        "objects-restore-malformed": b"\x00" + node +
        frame(RESTORE, b"\x00" * 7),
        "objects-query-filespace": b"\x00" + node + put_file("/f", doc) +
        frame(QUERY_FILESPACE) + frame(BYE),
        "objects-query-filespace-payload": b"\x00" + node +
        frame(QUERY_FILESPACE, b"\x00"),
        "objects-query-bad-pattern": b"\x00" + node + query("/*/x") +
        query("/a/..") + query("relative") + query("/f", fs="home") +
        frame(BYE),
        "objects-query-bad-flags": b"\x00" + node + query("/*", 0x04),
        "objects-query-wildcards": b"\x00" + node + put_file("/a.c", doc) +
        put_file("/d/b.c", doc) + query("/*.c", Q_SUBDIR) + query("/?.c") +
        query("/d/*") + frame(BYE),
        "objects-admin": b"\x00" + signon("admin1", role=2) +
        backup("/f", OBJ_DIR),
        "objects-admin-data": b"\x00" + signon("admin1", role=2) +
        frame(DATA, b"x"),
        "objects-before-signon": b"\x00" + hello("node1") + backup("/f"),
        "objects-expired": b"\x20" + node + query("/*"),
        "objects-data-outside": b"\x00" + node + frame(DATA, b"stray"),
        "objects-end-outside": b"\x00" + node + data_end(0, b"\x00" * 32),
        "objects-abandon-outside": b"\x00" + node + frame(ABANDON),
        "objects-request-inside-file": b"\x00" + node + backup("/f") +
        frame(DATA, b"x") + query("/*"),
        "objects-bye-inside-file": b"\x00" + node + backup("/f") + frame(BYE),
        "objects-mode-too-big": b"\x00" + node + backup("/f", mode=0o10000),
        "objects-type-unknown": b"\x00" + node + backup("/f", typ=3),
        "objects-link-on-file": b"\x00" + node + backup("/f", link=b"x"),
        "objects-link-empty": b"\x00" + node + backup("/l", OBJ_LINK),
        "objects-backup-trailing": b"\x00" + node +
        backup("/f", OBJ_DIR, trailing=b"\x00"),
        "objects-end-trailing": b"\x00" + node + backup("/f") +
        frame(DATA_END, b"\x00" * 41),
        "objects-empty-name": b"\x00" + node + frame(BACKUP, path("/home") +
        struct.pack(">H", 0)),
        "objects-nul-in-name": b"\x00" + node + backup(b"/a\x00b", OBJ_DIR),
    }


def serve_seeds():
    ok = signon("node1") + frame(QUERY_SESSION) + frame(BYE)
    wrong = signon("node1", proof=WRONG)
    s = {
        # flags: bits 0-1 roles, 2 STRICT, 3 busy, 4 no exporter,
        # 5 the node's password expired, 6-7 read size
        "signon-node": b"\x00" + ok,
        "signon-admin": b"\x00" + signon("admin1", role=2) +
        frame(QUERY_SESSION) + frame(BYE),
        "signon-case-and-authzid": b"\x00" + hello("Node1") +
        cfirst("NODE1", authzid="node1") +
        cfinal(gs2="p=tls-exporter,a=node1,") + frame(QUERY_SESSION) +
        frame(BYE),
        "signon-first-use": b"\x00" + signon("node1", flags=FIRST_USE) +
        frame(BYE),
        "signon-strict": b"\x04" + ok,
        "signon-strict-first-use": b"\x04" + signon("node1", flags=FIRST_USE),
        "signon-then-first-use": b"\x00" + signon("node1") + frame(BYE) +
        signon("node1", flags=FIRST_USE),
        "signon-bytewise": b"\x40" + ok,
        "expired-set-password": b"\x20" + signon("node1") +
        set_password() + frame(QUERY_SESSION) + frame(BYE),
        "expired-query": b"\x20" + signon("node1") + frame(QUERY_SESSION),
        "expired-bye": b"\x20" + signon("node1") + frame(BYE),
        "expired-set-then-signon": b"\x20" + signon("node1") +
        set_password() + frame(BYE) + ok,
        "set-password-admin": b"\x00" + signon("admin1", role=2) +
        set_password() + frame(BYE),
        "set-password-twice": b"\x00" + signon("node1") + set_password() +
        set_password(salt=b"\x12" * 64) + frame(BYE),
        "set-password-low-count": b"\x20" + signon("node1") +
        set_password(iters=4096),
        "set-password-short-salt": b"\x20" + signon("node1") +
        set_password(salt=b"\x11" * 8),
        "set-password-trailing-byte": b"\x20" + signon("node1") +
        set_password(trailing=b"\x00"),
        "set-password-before-signon": b"\x00" + hello("node1") +
        set_password(),
        "set-password-refused-signon": b"\x20" + wrong + set_password(),
        "signon-no-bye": b"\x00" + signon("node1") + frame(QUERY_SESSION),
        "wrong-password": b"\x00" + wrong,
        "wrong-then-right": b"\x00" + wrong + ok,
        "lock-after-five": b"\x00" + wrong * 5 + ok,
        "unknown-node": b"\x00" + signon("nobody"),
        "unknown-admin": b"\x00" + signon("node1", role=2),
        "name-not-a-catalog-name": b"\x00" + signon("no/such"),
        "no-exporter": b"\x10" + signon("node1"),
        "busy": b"\x08" + ok,
        "admin-on-node-port": b"\x01" + signon("admin1", role=2),
        "node-on-admin-port": b"\x02" + signon("node1"),
        "first-other-name": b"\x00" + hello("node1") + cfirst("admin1"),
        "first-other-authzid": b"\x00" + hello("node1") +
        cfirst("node1", authzid="admin1"),
        "first-malformed": b"\x00" + hello("node1") +
        tframe(SCRAM_FIRST, "n,,n=node1,r=" + CNONCE),
        "first-trailing-byte": b"\x00" + hello("node1") +
        frame(SCRAM_FIRST, text(GS2 + "n=node1,r=" + CNONCE) + b"\x00"),
        "final-malformed": b"\x00" + hello("node1") + cfirst("node1") +
        tframe(SCRAM_FINAL, "c=biws,r=x"),
        "final-other-binding": b"\x00" + hello("node1") + cfirst("node1") +
        cfinal(cb=b"\xcc" * 32),
        "final-other-nonce": b"\x00" + hello("node1") + cfirst("node1") +
        cfinal(snonce=SNONCE),
        "query-before-signon": b"\x00" + hello("node1") +
        frame(QUERY_SESSION),
        "final-before-first": b"\x00" + hello("node1") + cfinal(),
        "first-before-hello": b"\x00" + cfirst("node1"),
        "second-hello": b"\x00" + hello("node1") + hello("node1"),
        "second-first": b"\x00" + hello("node1") + cfirst("node1") +
        cfirst("node1"),
        "admin-frame": b"\x00" + signon("admin1", role=2) +
        tframe(ADMIN, "query node"),
        # bulwark admin's commands, each answered with ROWS, then a node
        # that signs on after its account was changed
        "admin-commands": b"\x00" + signon("admin1", role=2) +
        tframe(ADMIN, "register node n2 correct-horse-2") +
        tframe(ADMIN, "q n *") +
        tframe(ADMIN, "update node node1 sessionsecurity=strict") +
        tframe(ADMIN, "unlock admin admin1") +
        tframe(ADMIN, "remove admin admin1") +
        tframe(ADMIN, "query session") +
        tframe(ADMIN, "query certificate") +
        tframe(ADMIN, "frobnicate node n2") +
        tframe(ADMIN, "remove node n2") + ok + signon("node1"),
        "admin-removes-node": b"\x00" + signon("admin1", role=2) +
        tframe(ADMIN, "remove node node1") +
        tframe(ADMIN, "register admin a2 pw-of-a2-admin") + ok +
        signon("node1"),
        "admin-malformed": b"\x00" + signon("admin1", role=2) +
        frame(ADMIN, b"\x00\x05query"),
        "node-admin-frame": b"\x00" + signon("node1") +
        tframe(ADMIN, "query node"),
        "bye-before-hello": b"\x00" + frame(BYE),
        "bye-then-session": b"\x00" + hello("node1") + frame(BYE) + ok,
        "bye-with-payload": b"\x00" + hello("node1") + frame(BYE, b"\x00"),
        "check-only": b"\x00",
        "hello-other-version": b"\x00" + hello("node1", version=VERSION + 1),
        "hello-unknown-role": b"\x00" + hello("node1", role=3),
        "hello-unknown-flags": b"\x00" + hello("node1", flags=0x80),
        "hello-trailing-byte": b"\x00" + frame(
            HELLO, struct.pack(">HBB", VERSION, 1, 0) + name("node1") + b"\x00"),
        "hello-bad-name": b"\x00" + frame(
            HELLO, struct.pack(">HBB", VERSION, 1, 0) + b"\x05no de"),
        "truncated-header": b"\x00" + hello("node1")[:5],
        "truncated-payload": b"\x00" + hello("node1")[:12],
        "oversize-length": b"\x00" + frame(HELLO, b"", length=0x10001) +
        b"\x00" * 16,
        "header-flags": b"\x00" + frame(HELLO, b"", flags=1) + ok,
        "server-frame-type": b"\x00" + hello("node1") +
        frame(HELLO_OK, struct.pack(">HB", VERSION, 0) + name("x")),
    }
    s.update(object_seeds(ok))
    return s


# ---- fuzz_signon: what a server sends

SALT = base64.b64encode(b"fuzz_signon salt").decode()


def hello_ok(version=VERSION, flags=0):
    return frame(HELLO_OK, struct.pack(">HB", version, flags) +
                 name("bulwarkd"))


# fuzz_signon's standby exporter value, and what the standby key signs
# (src/lib/standby.h): the label, that value, the certificate's SHA-256.
STANDBY_EKM = b"\x5b" * 32
STANDBY_LABEL = b"bulwark standby key v1"


def der(path):
    text = open(path).read()
    b64 = text.split("-----BEGIN CERTIFICATE-----")[1].split(
        "-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(b64.split()))


def standby_sig(cert, key, ekm=STANDBY_EKM):
    """ECDSA over SHA-256 of the input, as the server's helper signs."""
    data = STANDBY_LABEL + ekm + hashlib.sha256(cert).digest()
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                          input=data, capture_output=True,
                          check=True).stdout


def standby_key(cert, sig, trailing=b""):
    return frame(STANDBY_KEY, struct.pack(">H", len(cert)) + cert +
                 struct.pack(">H", len(sig)) + sig + trailing)


def challenge(nonce="@CNONCE@" + SNONCE, salt=SALT, iters=100000):
    return tframe(SCRAM_CHALLENGE, "r=%s,s=%s,i=%d" % (nonce, salt, iters))


def outcome(v="v=@SSIG@"):
    return tframe(SCRAM_OUTCOME, v)


def signed_on(flags=0, expires=0, trailing=b""):
    return frame(SIGNED_ON, bytes([flags]) + struct.pack(">Q", expires) +
                 trailing)


def password_set(expires=1900000000, trailing=b""):
    return frame(PASSWORD_SET, struct.pack(">Q", expires) + trailing)


def error(mid, msg):
    return frame(ERROR, mid.encode() + text(msg))


FACTS = ("server: bulwarkd 0.1\nsuite: ECDHE-ECDSA-AES256-GCM-SHA384\n"
         "group: P-256\nEMS: yes\nnode: NODE1\nsigned on: yes "
         "(SCRAM-SHA-256-PLUS, tls-exporter)\n")


def signon_seeds():
    flow = hello_ok() + challenge() + outcome() + signed_on()
    ok = flow + tframe(SESSION, FACTS) + frame(BYE_OK)
    expired = hello_ok() + challenge() + outcome() + \
        signed_on(PW_EXPIRED, 1)
    s = {
        # flags: bits 0-2 the helper, 3 first use, 4-7 read size
        "signon-ok": b"\x00" + ok,
        "signon-expires": b"\x00" + hello_ok() + challenge() + outcome() +
        signed_on(0, 1900000000) + tframe(SESSION, FACTS) + frame(BYE_OK),
        "expired-prompt": b"\x00" + expired,
        "expired-generate": b"\x00" + expired + password_set() +
        tframe(SESSION, FACTS) + frame(BYE_OK),
        "expired-never-expires": b"\x00" + expired + password_set(0) +
        tframe(SESSION, FACTS) + frame(BYE_OK),
        "expired-read-only": b"\x00" + expired + password_set(),
        "expired-not-stored": b"\x00" + expired + password_set(),
        "expired-helper-stops": b"\x00" + expired + password_set(),
        "expired-commit-fails": b"\x00" + expired + password_set() +
        tframe(SESSION, FACTS) + frame(BYE_OK),
        "expired-server-refuses": b"\x00" + expired +
        error("BWK1074E", "the server could not store the new password"),
        "expired-password-set-malformed": b"\x00" + expired +
        password_set(trailing=b"\x00"),
        "expired-password-set-huge": b"\x00" + expired +
        password_set(1 << 63),
        "set-password-asked": b"\x00" + flow + password_set() +
        tframe(SESSION, FACTS) + frame(BYE_OK),
        "signed-on-missing": b"\x00" + hello_ok() + challenge() + outcome() +
        tframe(SESSION, FACTS),
        "signed-on-unknown-flags": b"\x00" + hello_ok() + challenge() +
        outcome() + signed_on(0x80),
        "signed-on-trailing-byte": b"\x00" + hello_ok() + challenge() +
        outcome() + signed_on(trailing=b"\x00"),
        "signed-on-huge-expiry": b"\x00" + hello_ok() + challenge() +
        outcome() + signed_on(0, 1 << 63),
        "signon-first-use": b"\x08" + ok,
        "signon-bytewise": b"\x10" + ok,
        "signon-outcome-extension": b"\x00" + hello_ok() + challenge() +
        outcome("v=@SSIG@,x=1") + tframe(SESSION, FACTS) + frame(BYE_OK),
        "helper-no-password": b"\x01" + ok,
        "helper-params-changed": b"\x02" + ok,
        "helper-refuses": b"\x03" + ok,
        "helper-fails-proof": b"\x04" + ok,
        "no-exporter": b"\x05" + ok,
        "helper-fails-check": b"\x06" + ok,
        "server-refuses": b"\x00" + hello_ok() + challenge() +
        outcome("e=invalid-proof"),
        "wrong-signature": b"\x00" + hello_ok() + challenge() +
        outcome("v=" + WRONG),
        "error-for-hello": b"\x00" + error(
            "BWK1065E", "the client speaks another version"),
        "error-for-first-use": b"\x08" + hello_ok() + challenge() +
        error("BWK1076E", "node NODE1 is STRICT"),
        "error-not-bwk": b"\x00" + error("XYZ1234E", "who knows"),
        "error-malformed": b"\x00" + frame(ERROR, b"BWK1"),
        "hello-ok-other-version": b"\x00" + hello_ok(version=VERSION + 1),
        "hello-ok-trailing-byte": b"\x00" + frame(
            HELLO_OK, struct.pack(">HB", VERSION, 0) + name("bulwarkd") + b"\x00"),
        "challenge-not-our-nonce": b"\x00" + hello_ok() +
        challenge(nonce=CNONCE + SNONCE),
        "challenge-nonce-not-extended": b"\x00" + hello_ok() +
        challenge(nonce="@CNONCE@"),
        "challenge-low-count": b"\x00" + hello_ok() + challenge(iters=4096) +
        outcome(),
        "challenge-short-salt": b"\x00" + hello_ok() +
        challenge(salt=base64.b64encode(b"short").decode()),
        "challenge-too-long": b"\x00" + hello_ok() +
        tframe(SCRAM_CHALLENGE, "r=@CNONCE@" + "x" * 2100),
        "challenge-nul": b"\x00" + hello_ok() +
        frame(SCRAM_CHALLENGE, text(b"r=\x00")),
        "outcome-malformed": b"\x00" + hello_ok() + challenge() +
        outcome("v=notbase64"),
        "outcome-where-challenge-due": b"\x00" + hello_ok() + outcome(),
        "session-where-outcome-due": b"\x00" + hello_ok() + challenge() +
        tframe(SESSION, FACTS),
        "session-too-long": b"\x00" + flow + tframe(SESSION, "x" * 1025),
        "session-two-texts": b"\x00" + flow +
        frame(SESSION, text(FACTS) + text("more")),
        "bye-ok-missing": b"\x00" + flow + tframe(SESSION, FACTS),
        "bye-ok-with-payload": b"\x00" + flow + tframe(SESSION, FACTS) +
        frame(BYE_OK, b"\x00"),
        "bye-ok-error": b"\x00" + flow + tframe(SESSION, FACTS) +
        error("BWK1067E", "not allowed here"),
        "closed-after-hello": b"\x00" + hello_ok(),
        "closed-mid-frame": b"\x00" + hello_ok() + challenge()[:20],
        "oversize-length": b"\x00" + frame(HELLO_OK, b"", length=0x10001),
        "header-flags": b"\x00" + frame(HELLO_OK, b"", flags=0x100),
        "client-frame-type": b"\x00" + hello("node1"),
        "nothing": b"\x00",
    }
    s.update(standby_seeds())
    return s


def standby_seeds():
    """The standby key announced after SIGNED_ON: the client's helper's
    certificate of fuzz/handshake/ stands in for the standby one."""
    cert = der("fuzz/handshake/client.pem")
    key = "fuzz/handshake/client.key"
    sig = standby_sig(cert, key)
    bad = sig[:-1] + bytes([sig[-1] ^ 1])
    other = standby_sig(cert, key, b"\xa5" * 32)   # another session's
    flow = hello_ok(flags=HELLO_OK_STANDBY) + challenge() + outcome() + \
        signed_on()
    end = tframe(SESSION, FACTS) + frame(BYE_OK)
    return {
        "standby-ok": b"\x00" + flow + standby_key(cert, sig) + end,
        "standby-expired": b"\x00" + hello_ok(flags=HELLO_OK_STANDBY) +
        challenge() + outcome() + signed_on(PW_EXPIRED, 1) +
        standby_key(cert, sig) + password_set() + end,
        "standby-bad-signature": b"\x00" + flow + standby_key(cert, bad),
        "standby-other-session": b"\x00" + flow + standby_key(cert, other),
        "standby-not-a-cert": b"\x00" + flow +
        standby_key(b"\x30\x03\x02\x01\x00", sig),
        "standby-trailing": b"\x00" + flow +
        standby_key(cert, sig, trailing=b"\x00"),
        "standby-missing": b"\x00" + flow + end,
        "standby-unannounced": b"\x00" + hello_ok() + challenge() +
        outcome() + signed_on() + standby_key(cert, sig) + end,
        "standby-no-exporter": b"\x05" + flow + standby_key(cert, sig),
        "hello-ok-unknown-flags": b"\x00" + hello_ok(flags=0x80),
    }


# fuzz_signon's second byte: bits 0-1 the helper's new password (0 made,
# 1 refused, 2 not stored, 3 stopped), 2 its commit fails, 3 GENERATE,
# 4 the user asks for a new password
PASSWORD_FLAGS = {
    "expired-generate": 0x08, "expired-never-expires": 0x08,
    "expired-read-only": 0x09, "expired-not-stored": 0x0a,
    "expired-helper-stops": 0x0b, "expired-commit-fails": 0x0c,
    "expired-server-refuses": 0x08, "expired-password-set-malformed": 0x08,
    "expired-password-set-huge": 0x08, "set-password-asked": 0x10,
    "standby-expired": 0x08,
}


def signon_inputs():
    return {n: d[:1] + bytes([PASSWORD_FLAGS.get(n, 0)]) + d[1:]
            for n, d in signon_seeds().items()}


def write(outdir, seeds):
    os.makedirs(outdir, exist_ok=True)
    for n, data in seeds.items():
        with open(os.path.join(outdir, n), "wb") as f:
            f.write(data)


def main():
    write("fuzz/corpus/fuzz_serve", serve_seeds())
    write("fuzz/corpus/fuzz_signon", signon_inputs())
    return 0


if __name__ == "__main__":
    sys.exit(main())
