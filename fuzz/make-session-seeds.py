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
flags. Run from the top of the tree: fuzz/make-session-seeds.py
"""
import base64, os, struct, sys

ERROR, HELLO, HELLO_OK = 0x0001, 0x0002, 0x0003
SCRAM_FIRST, SCRAM_CHALLENGE = 0x0004, 0x0005
SCRAM_FINAL, SCRAM_OUTCOME = 0x0006, 0x0007
ADMIN, QUERY_SESSION, SESSION = 0x0010, 0x0012, 0x0013
BYE, BYE_OK = 0x00fe, 0x00ff
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

def hello(node, role=1, flags=0, version=1):
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


def serve_seeds():
    ok = signon("node1") + frame(QUERY_SESSION) + frame(BYE)
    wrong = signon("node1", proof=WRONG)
    s = {
        # flags: bits 0-1 roles, 2 STRICT, 3 busy, 4 no exporter,
        # 5-7 read size
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
        "signon-bytewise": b"\x20" + ok,
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
        "bye-before-hello": b"\x00" + frame(BYE),
        "bye-then-session": b"\x00" + hello("node1") + frame(BYE) + ok,
        "bye-with-payload": b"\x00" + hello("node1") + frame(BYE, b"\x00"),
        "check-only": b"\x00",
        "hello-version-2": b"\x00" + hello("node1", version=2),
        "hello-unknown-role": b"\x00" + hello("node1", role=3),
        "hello-unknown-flags": b"\x00" + hello("node1", flags=0x80),
        "hello-trailing-byte": b"\x00" + frame(
            HELLO, struct.pack(">HBB", 1, 1, 0) + name("node1") + b"\x00"),
        "hello-bad-name": b"\x00" + frame(
            HELLO, struct.pack(">HBB", 1, 1, 0) + b"\x05no de"),
        "truncated-header": b"\x00" + hello("node1")[:5],
        "truncated-payload": b"\x00" + hello("node1")[:12],
        "oversize-length": b"\x00" + frame(HELLO, b"", length=0x10001) +
        b"\x00" * 16,
        "header-flags": b"\x00" + frame(HELLO, b"", flags=1) + ok,
        "server-frame-type": b"\x00" + hello("node1") +
        frame(HELLO_OK, struct.pack(">HB", 1, 0) + name("x")),
    }
    return s


# ---- fuzz_signon: what a server sends

SALT = base64.b64encode(b"fuzz_signon salt").decode()


def hello_ok(version=1):
    return frame(HELLO_OK, struct.pack(">HB", version, 0) + name("bulwarkd"))


def challenge(nonce="@CNONCE@" + SNONCE, salt=SALT, iters=100000):
    return tframe(SCRAM_CHALLENGE, "r=%s,s=%s,i=%d" % (nonce, salt, iters))


def outcome(v="v=@SSIG@"):
    return tframe(SCRAM_OUTCOME, v)


def error(mid, msg):
    return frame(ERROR, mid.encode() + text(msg))


FACTS = ("server: bulwarkd 0.1\nsuite: ECDHE-ECDSA-AES256-GCM-SHA384\n"
         "group: P-256\nEMS: yes\nnode: NODE1\nsigned on: yes "
         "(SCRAM-SHA-256-PLUS, tls-exporter)\n")


def signon_seeds():
    flow = hello_ok() + challenge() + outcome()
    ok = flow + tframe(SESSION, FACTS) + frame(BYE_OK)
    s = {
        # flags: bits 0-2 the helper, 3 first use, 4-7 read size
        "signon-ok": b"\x00" + ok,
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
        "hello-ok-version-2": b"\x00" + hello_ok(version=2),
        "hello-ok-trailing-byte": b"\x00" + frame(
            HELLO_OK, struct.pack(">HB", 1, 0) + name("bulwarkd") + b"\x00"),
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
    return s


def write(outdir, seeds):
    os.makedirs(outdir, exist_ok=True)
    for n, data in seeds.items():
        with open(os.path.join(outdir, n), "wb") as f:
            f.write(data)


def main():
    write("fuzz/corpus/fuzz_serve", serve_seeds())
    write("fuzz/corpus/fuzz_signon", signon_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
