#!/usr/bin/env python3
"""Writes fuzz_verify inputs made from a certificate-path suite.

    scripts/verify-seeds.py x509-limbo|pkits SUITE_DIR OUT_DIR

One file per test case, in fuzz/fuzz_verify.c's format: the peer
certificate, the intermediates, one trust anchor (DER, one after the
other), then 00 00 and the case's CRLs. Reads SUITE_DIR, never writes
there; OUT_DIR is made afresh. Standard library only.
"""
import base64
import json
import os
import re
import shutil
import sys

PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def der_of(pem):
    return [base64.b64decode("".join(m.group(2).split()))
            for m in PEM.finditer(pem)]


def seed(certs, anchor, crls):
    out = b"".join(certs) + anchor
    if crls:
        out += b"\x00\x00" + b"".join(crls)
    return out


def limbo(src):
    with open(os.path.join(src, "limbo.json")) as f:
        cases = json.load(f)["testcases"]
    for c in cases:
        anchors = der_of("".join(c.get("trusted_certs") or []))
        if not anchors:
            continue
        peer = der_of(c["peer_certificate"])
        inter = der_of("".join(c.get("untrusted_intermediates") or []))
        crls = der_of("".join(c.get("crls") or []))
        yield c["id"], seed(peer + inter, anchors[0], crls)


def pkits(src):
    with open(os.path.join(src, "pkits.json")) as f:
        cases = json.load(f)

    def read(sub, name):
        with open(os.path.join(src, sub, name), "rb") as f:
            return f.read()

    anchor = read("certs", "TrustAnchorRootCertificate.crt")
    for c in cases:
        inter = c.get("path_intermediates") or c.get("other_certs") or []
        certs = [read("certs", c["cert"])] + [read("certs", n) for n in inter]
        crls = [read("crls", n) for n in
                ["TrustAnchorRootCRL.crl"] + (c.get("crls") or [])]
        yield c["id"] + "-" + c["name"], seed(certs, anchor, crls)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("x509-limbo", "pkits"):
        sys.exit("usage: verify-seeds.py x509-limbo|pkits SUITE_DIR OUT_DIR")
    kind, src, out = sys.argv[1:]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    n = 0
    for name, data in (limbo(src) if kind == "x509-limbo" else pkits(src)):
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
        with open(os.path.join(out, safe), "wb") as f:
            f.write(data)
        n += 1
    print(n)


if __name__ == "__main__":
    main()
