#!/usr/bin/env python3
"""Writes fuzz_keyd's sign-on seeds: HELLO, SCRAM_PROOF, SCRAM_VERIFY and
the password change's NEW_PASSWORD and COMMIT_PASSWORD,
for the node password fuzz_keyd.c stores (node n1, password "secret"),
with a server signature computed here from the RFC 5802 formulas, so the
fuzzer starts from exchanges that pass every check and from ones that
each fail one. Run from the top of the tree: fuzz/make-keyd-scram-seeds.py
"""
import base64, hashlib, hmac, os, struct, sys

OUT = "fuzz/corpus/fuzz_keyd"
REQ_HELLO, REQ_PROOF, REQ_VERIFY = 2, 14, 16
REQ_NEWPW, REQ_COMMIT = 18, 20


def frame(ftype, seq, payload):
    body = struct.pack("<IHHI", 12 + len(payload), ftype, 0, seq) + payload
    return struct.pack("<H", len(body)) + body


def text(s):
    b = s.encode()
    return struct.pack("<H", len(b)) + b


def label(s):
    return bytes([len(s)]) + s.encode()


def exchange(password, iters, salt, user="n1", cb=b"\xcb" * 32):
    cnonce, snonce = "A" * 24, "B" * 24
    cfb = "n=%s,r=%s" % (user, cnonce)
    sf = "r=%s%s,s=%s,i=%d" % (cnonce, snonce,
                              base64.b64encode(salt).decode(), iters)
    gs2 = b"p=tls-exporter,,"
    cfn = "c=%s,r=%s%s" % (base64.b64encode(gs2 + cb).decode(), cnonce,
                           snonce)
    salted = hashlib.pbkdf2_hmac("sha256", password, salt, iters)
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    auth = ",".join((cfb, sf, cfn)).encode()
    sig = hmac.new(server_key, auth, "sha256").digest()
    return cfb, sf, cfn, "v=" + base64.b64encode(sig).decode()


def proof(seq, cfb, sf, cfn, server="srv1"):
    return frame(REQ_PROOF, seq, label(server) + text(cfb) + text(sf) +
                 text(cfn))


def main():
    hello = frame(REQ_HELLO, 1, struct.pack("<I", 2))
    salt = bytes(range(16))
    cfb, sf, cfn, v = exchange(b"secret", 100000, salt)
    seeds = {
        "scram-ok": hello + proof(2, cfb, sf, cfn) +
        frame(REQ_VERIFY, 3, text(v)),
        "scram-wrong-signature": hello + proof(2, cfb, sf, cfn) +
        frame(REQ_VERIFY, 3, text("v=" + "A" * 43 + "=")),
        "scram-server-error": hello + proof(2, cfb, sf, cfn) +
        frame(REQ_VERIFY, 3, text("e=invalid-proof")),
        "scram-second-proof": hello + proof(2, cfb, sf, cfn) +
        frame(REQ_VERIFY, 3, text(v)) + proof(4, cfb, sf, cfn),
        "scram-verify-first": hello + frame(REQ_VERIFY, 2, text(v)),
    }
    weak = exchange(b"secret", 99999, salt)
    seeds["scram-weak-count"] = hello + proof(2, *weak[:3]) + \
        frame(REQ_VERIFY, 3, text(weak[3]))
    other = exchange(b"secret", 100000, salt, user="n2")
    seeds["scram-other-node"] = hello + proof(2, *other[:3])
    short = exchange(b"secret", 100000, salt, cb=b"\xcb" * 31)
    seeds["scram-short-binding"] = hello + proof(2, *short[:3])
    seeds["scram-other-server"] = hello + proof(2, cfb, sf, cfn, "srv2")
    seeds["password-new-commit"] = seeds["scram-ok"] + \
        frame(REQ_NEWPW, 4, label("srv1")) + frame(REQ_COMMIT, 5, label("srv1"))
    seeds["password-before-signon"] = hello + frame(REQ_NEWPW, 2,
                                                    label("srv1"))
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
