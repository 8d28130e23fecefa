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
FIXED = os.path.join(TOP, "fuzz", "handshake")
OUT = os.path.join(TOP, "fuzz", "corpus", "fuzz_handshake")
BULWARK = os.path.join(TOP, "build", "bin", "bulwark")
CERT_TOOL = os.path.join(TOP, "build", "bin", "bulwark-cert")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def der(path):
    return subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"],
                          check=True, capture_output=True).stdout


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
        for args in import_args:
            subprocess.run([CERT_TOOL] + args, env=env, check=True,
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
    # The fixed server certificate, whose key the fuzz target holds: its
    # ServerKeyExchange can be re-signed over the fuzzed run's random.
    srv = ["-cert", os.path.join(FIXED, "server.pem"),
           "-key", os.path.join(FIXED, "server.key")]
    fixed = der(os.path.join(FIXED, "server.pem"))
    pin = [["-add", "-server", "srv1", "-file", os.path.join(FIXED, "server.pem")]]
    client = pin + [["-add", "-client", "-server", "srv1", "-file",
                     os.path.join(FIXED, "client.pem"), "-key",
                     os.path.join(FIXED, "client.key")]]
    ossl = lambda *extra: ["openssl", "s_server", "-accept", "PORT"] + srv + \
        list(extra)
    gnutls = lambda *extra: ["gnutls-serv", "--port", "PORT",
                             "--x509certfile", srv[1], "--x509keyfile",
                             srv[3]] + list(extra)
    record("ossl-pinned", ossl(), "ACCEPT", fixed, 0, pin)
    record("ossl-pinned-fpr", ossl(), "ACCEPT", fixed, 2, pin)
    record("ossl-client-auth", ossl("-Verify", "1", "-CAfile",
                                    os.path.join(FIXED, "client.pem")),
           "ACCEPT", fixed, 4, client)
    record("ossl-client-auth-none", ossl("-Verify", "1", "-CAfile",
                                         os.path.join(FIXED, "client.pem")),
           "ACCEPT", fixed, 0, pin)
    record("ossl-tls13-only", ossl("-tls1_3"), "ACCEPT", fixed, 0, pin)
    record("ossl-cbc-only", ossl("-tls1_2", "-cipher",
                                 "ECDHE-ECDSA-AES128-SHA256"), "ACCEPT",
           fixed, 0, pin)
    record("gnutls-pinned", gnutls("--echo"), "done", fixed, 0, pin)
    record("gnutls-no-ems", gnutls("--echo", "--priority",
                                   "NORMAL:%NO_SESSION_HASH"), "done",
           fixed, 0, pin)
    # chains and RSA from the test certificates (not re-signable)
    record("ossl-rsa2048-pinned", ["openssl", "s_server", "-accept", "PORT",
                                   "-cert", c("rsa2048.pem"), "-key",
                                   c("rsa2048.key")], "ACCEPT",
           der(c("rsa2048.pem")), 0,
           [["-add", "-server", "srv1", "-file", c("rsa2048.pem")]])
    record("ossl-ca-chain", ["openssl", "s_server", "-accept", "PORT",
                             "-cert", c("leaf.pem"), "-key", c("leaf.key"),
                             "-cert_chain", c("inter.pem")], "ACCEPT",
           der(c("ca.pem")), 1, [["-add", "-server", "srv1", "-file",
                                  c("ca.pem")]])
    record("ossl-ca-noserverauth", ["openssl", "s_server", "-accept", "PORT",
                                    "-cert", c("leaf-noserverauth.pem"),
                                    "-key", c("leaf-noserverauth.key"),
                                    "-cert_chain", c("inter.pem")], "ACCEPT",
           der(c("ca.pem")), 1, [["-add", "-server", "srv1", "-file",
                                  c("ca.pem")]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
