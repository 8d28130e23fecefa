#!/usr/bin/env python3
"""Records real servers' handshake flights as seeds for fuzz_handshake.

A maintainer's tool, not part of the build: it runs Debian's openssl
s_server and gnutls-serv on 127.0.0.1 with the test certificates, puts a
recording proxy between them and `bulwark check`, and writes what each
server sent, behind the fuzz target's header (flags, the anchor's DER),
into fuzz/corpus/fuzz_handshake/. Run from the top of the tree after
`make` and `tests/gen-certs.sh build/testcerts`:

    python3 fuzz/record-handshake-seeds.py
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERTS = os.path.join(TOP, "build", "testcerts")
OUT = os.path.join(TOP, "fuzz", "corpus", "fuzz_handshake")
BULWARK = os.path.join(TOP, "build", "bin", "bulwark")
CERT_TOOL = os.path.join(TOP, "build", "bin", "bulwark-cert")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def der(name):
    return subprocess.run(["openssl", "x509", "-in", os.path.join(CERTS, name),
                           "-outform", "DER"], check=True,
                          capture_output=True).stdout


def proxy(listen_port, server_port, recorded):
    """One connection: client to server as is; server to client recorded."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", listen_port))
    ls.listen(1)
    ls.settimeout(20)
    c, _ = ls.accept()
    s = socket.create_connection(("127.0.0.1", server_port))

    def pump(a, b, keep):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                if keep is not None:
                    keep.append(d)
                b.sendall(d)
        except OSError:
            pass
        for x in (a, b):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    t1 = threading.Thread(target=pump, args=(c, s, None))
    t2 = threading.Thread(target=pump, args=(s, c, recorded))
    t1.start()
    t2.start()
    t1.join(20)
    t2.join(20)
    ls.close()


def record(name, server_argv, ready, anchor, flags, import_args):
    sport, pport = free_port(), free_port()
    argv = [a.replace("PORT", str(sport)) for a in server_argv]
    srv = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    time.sleep(0.5)
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, BULWARK_DIR=os.path.join(d, "db"))
        if import_args:
            subprocess.run([CERT_TOOL] + import_args, env=env, check=True,
                           capture_output=True)
        sysf = os.path.join(d, "bulwark.sys")
        with open(sysf, "w") as f:
            f.write("SERVERNAME srv1\n TCPSERVERADDRESS 127.0.0.1\n"
                    " TCPPORT %d\n SSLACCEPTCERTFROMSERV NO\n" % pport)
        recorded = []
        t = threading.Thread(target=proxy, args=(pport, sport, recorded))
        t.start()
        time.sleep(0.2)
        subprocess.run([BULWARK, "check", "--sysfile", sysf], env=env,
                       capture_output=True, timeout=30)
        t.join(30)
    srv.kill()
    srv.wait()
    data = bytes([flags]) + struct.pack(">H", len(anchor)) + anchor + \
        b"".join(recorded)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print("%-24s %6d bytes" % (name, len(data)))


def main():
    os.makedirs(OUT, exist_ok=True)
    c = lambda n: os.path.join(CERTS, n)
    ossl = lambda cert, *extra: ["openssl", "s_server", "-accept", "PORT",
                                 "-cert", c(cert + ".pem"),
                                 "-key", c(cert + ".key")] + list(extra)
    gnutls = lambda cert, *extra: ["gnutls-serv", "--port", "PORT",
                                   "--x509certfile", c(cert + ".pem"),
                                   "--x509keyfile", c(cert + ".key")] + list(extra)
    pin = lambda cert: ["-add", "-server", "srv1", "-file", c(cert + ".pem")]
    record("ossl-ec384-pinned", ossl("ec384"), "ACCEPT", der("ec384.pem"), 0,
           pin("ec384"))
    record("ossl-ec384-fpr", ossl("ec384"), "ACCEPT", der("ec384.pem"), 2,
           pin("ec384"))
    record("ossl-rsa2048-pinned", ossl("rsa2048"), "ACCEPT",
           der("rsa2048.pem"), 0, pin("rsa2048"))
    record("ossl-ca-chain", ossl("leaf", "-cert_chain", c("inter.pem")),
           "ACCEPT", der("ca.pem"), 1,
           ["-add", "-server", "srv1", "-file", c("ca.pem")])
    record("ossl-client-auth", ossl("ec384", "-Verify", "1", "-CAfile",
                                    c("ec256.pem")), "ACCEPT",
           der("ec384.pem"), 0, pin("ec384"))
    record("ossl-tls13-only", ossl("ec384", "-tls1_3"), "ACCEPT",
           der("ec384.pem"), 0, pin("ec384"))
    record("ossl-cbc-only", ossl("ec384", "-tls1_2", "-cipher",
                                 "ECDHE-ECDSA-AES128-SHA256"), "ACCEPT",
           der("ec384.pem"), 0, pin("ec384"))
    record("gnutls-ec384", gnutls("ec384", "--echo"), "done",
           der("ec384.pem"), 0, pin("ec384"))
    record("gnutls-no-ems", gnutls("ec384", "--echo", "--priority",
                                   "NORMAL:%NO_SESSION_HASH"), "done",
           der("ec384.pem"), 0, pin("ec384"))
    record("gnutls-rsa2048", gnutls("rsa2048", "--echo"), "done",
           der("rsa2048.pem"), 0, pin("rsa2048"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
