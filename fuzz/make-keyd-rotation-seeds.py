#!/usr/bin/env python3
"""Writes fuzz_keyd's rotation seeds: RENEW, STANDBY and SIGN_STANDBY
against the helper fuzz_keyd.c sets up (a client's helper for srv1, whose
pin is the 5-byte stand-in certificate). The certificates are
fuzz/handshake/'s, valid to 2126, so the requests reach the helper's own
reading of a certificate (x509_shape) and its answer, and the fuzzer
starts from requests that pass every check and from ones that each fail
one. Run from the top of the tree: fuzz/make-keyd-rotation-seeds.py
"""
import base64, hashlib, os, struct, sys

OUT = "fuzz/corpus/fuzz_keyd"
REQ_HELLO, REQ_RENEW, REQ_STANDBY, REQ_SIGN_STANDBY = 2, 22, 24, 26
PIN = bytes([0x30, 0x03, 0x02, 0x01, 0x00])	# fuzz_keyd.c's pinned "cert"


def frame(ftype, seq, payload):
    body = struct.pack("<IHHI", 12 + len(payload), ftype, 0, seq) + payload
    return struct.pack("<H", len(body)) + body


def label(s):
    return bytes([len(s)]) + s.encode()


def der(path):
    text = open(path).read()
    b64 = text.split("-----BEGIN CERTIFICATE-----")[1].split(
        "-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(b64.split()))


def pin_request(ftype, seq, cert, pin=PIN, server="srv1"):
    return frame(ftype, seq, label(server) + hashlib.sha256(pin).digest() +
                 struct.pack("<I", len(cert)) + cert)


def main():
    hello = frame(REQ_HELLO, 1, struct.pack("<I", 2))
    server = der("fuzz/handshake/server.pem")
    client = der("fuzz/handshake/client.pem")
    seeds = {
        "rotate-renew": hello + pin_request(REQ_RENEW, 2, server),
        "rotate-standby": hello + pin_request(REQ_STANDBY, 2, client),
        "rotate-both": hello + pin_request(REQ_RENEW, 2, server) +
        pin_request(REQ_STANDBY, 3, client),
        "rotate-renew-twice": hello + pin_request(REQ_RENEW, 2, server) +
        pin_request(REQ_RENEW, 3, server),
        "rotate-standby-not-a-cert": hello +
        pin_request(REQ_STANDBY, 2, PIN),
        "rotate-renew-trailing": hello +
        pin_request(REQ_RENEW, 2, server + b"\x00"),
        "rotate-other-server": hello +
        pin_request(REQ_STANDBY, 2, client, server="srv2"),
        "rotate-sign-standby": hello +
        frame(REQ_SIGN_STANDBY, 2, b"\xee" * 32),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
