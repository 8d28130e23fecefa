#!/usr/bin/env python3
"""make bench: Bulwark beside a peer measured in the same run, as ratios.

Every timed case runs its contenders interleaved (the order rotates from
one run to the next) and reports medians of BENCH_RUNS runs (default 5),
so that the load of other programs on the machine falls on both sides of
each ratio. Everything talks to 127.0.0.1 only.

  0. crypto: wolfCrypt as built here vs `openssl speed`, 16 KiB buffers
  1. backup: `bulwark selective` of one file (BENCH_BIG_MB, default 2048)
     from the page cache to bulwarkd with its instance on tmpfs, vs a bare
     TLS 1.2 stream (bench/stream.c) linked with OpenSSL and with our
     wolfSSL, and beside a wolfSSL stream whose receiver writes what it
     gets into a new file on the same tmpfs (what storing costs on this
     machine); the same backup to an instance on the disk, reported apart
  2. restore: `bulwark restore` of that file (onto tmpfs), vs the streams
  3. small files: BENCH_FILES (20000) files of 4 KiB in 200 directories,
     a first incremental and a second with 1% changed, vs restic
  4. handshakes: client CPU and connections per second of a whole
     `bulwark check` with and without sign-on, vs a plain wolfSSL and an
     OpenSSL (s_time-style) client handshake to the same bulwarkd; the
     key helper's share of the client's CPU, from perf samples
  5. start to first byte of a one-shot check vs `openssl s_client` and
     `gnutls-cli` loading only the same trust anchor, to openssl s_server
  6. memory: peak RSS (VmHWM) of every process while backing up and
     restoring a sparse file of BENCH_SPARSE_MB (10240) and of 1/16 of it
  7. the cost of always encrypting: the backup vs a plain TCP stream

Writes build/bench/results.json (every raw figure), prints a table and one
`RATIO name value` line per ratio, and build/bench/throughput.png when
gnuplot is installed.
"""
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(TOP, "build", "bin")
BB = os.path.join(TOP, "build", "bench")
RUNS = max(int(os.environ.get("BENCH_RUNS", "5")), 1)
BIG_MB = int(os.environ.get("BENCH_BIG_MB", "2048"))
FILES = int(os.environ.get("BENCH_FILES", "20000"))
SPARSE_MB = int(os.environ.get("BENCH_SPARSE_MB", "10240"))
HS_N = int(os.environ.get("BENCH_HANDSHAKES", "20"))
CASES = os.environ.get("BENCH_CASES", "0,1,2,3,4,5,6").split(",")
MIB = 1024 * 1024

results = {"machine": {}, "params": {"runs": RUNS, "big_mb": BIG_MB,
           "files": FILES, "sparse_mb": SPARSE_MB,
           "handshakes_per_run": HS_N}, "raw": {}, "median": {},
           "ratio": {}, "rss_kib": {}}
procs = []


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def raw(name, value):
    results["raw"].setdefault(name, []).append(value)


def median(name):
    v = statistics.median(results["raw"][name])
    results["median"][name] = v
    return v


def ratio(name, a, b):
    r = a / b if b else 0.0
    results["ratio"][name] = round(r, 3)
    return r


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, secs=10):
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("bench: nothing listens on port %d" % port)


def run(cmd, env=None, stdin=subprocess.DEVNULL, check=True):
    """Runs cmd; returns (wall seconds, stdout)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    so, se = p.communicate()
    t = time.monotonic() - t0
    if check and p.returncode != 0:
        raise SystemExit("bench: %s failed (%d): %s" %
                         (" ".join(cmd), p.returncode, se.decode()[-2000:]))
    return t, so.decode()


def run_cpu(cmd, env=None):
    """Wall and CPU (user+system, with reaped descendants) of one command."""
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_RDWR)
        os.dup2(fd, 0), os.dup2(fd, 1), os.dup2(fd, 2)
        try:
            os.execve(cmd[0], cmd, env if env is not None else os.environ)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    t = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("bench: %s failed" % " ".join(cmd))
    return t, ru.ru_utime + ru.ru_stime


def background(cmd, env=None, logf=None):
    p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                         stdout=logf or subprocess.DEVNULL,
                         stderr=logf or subprocess.DEVNULL)
    procs.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def warm(paths):
    subprocess.run(["cat"] + paths, stdout=subprocess.DEVNULL, check=True)


def rotate(items, k):
    k %= len(items)
    return items[k:] + items[:k]


class Server:
    """A bulwarkd instance with one node, and a client key database that
    pinned its certificate; started on a free loopback port."""

    def __init__(self, base, name):
        self.inst = os.path.join(base, name)
        self.work = os.path.join(work, "client-" + name)
        os.makedirs(self.work)
        self.port = free_port()
        self.env = dict(os.environ, BULWARK_DIR=os.path.join(self.work, "db"))
        subprocess.run([BIN + "/bulwarkd", "--instance", self.inst, "init"],
                       check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(self.inst + "/bulwarkd.opt", "w") as f:
            f.write("TCPPORT %d\nBWKLISTENADDRESS 127.0.0.1\n" % self.port)
        subprocess.run([BIN + "/bulwarkd", "--instance", self.inst, "node",
                        "register", "bench"], input=b"bench-password-1\n",
                       check=True, stdout=subprocess.DEVNULL)
        self.log = open(self.work + "/server.log", "w")
        self.p = background([BIN + "/bulwarkd", "--instance", self.inst],
                            logf=self.log)
        wait_port(self.port)
        self.sys = self.work + "/bulwark.sys"
        self.sys_nosignon = self.work + "/nosignon.sys"
        common = ("SERVERNAME srv1\n   TCPSERVERADDRESS 127.0.0.1\n"
                  "   TCPPORT %d\n" % self.port)
        with open(self.sys, "w") as f:
            f.write(common + "   NODENAME bench\n   PASSWORDACCESS GENERATE\n"
                    "   SSLACCEPTCERTFROMSERV YES\n   SUBDIR YES\n")
        with open(self.sys_nosignon, "w") as f:
            f.write(common + "   SSLACCEPTCERTFROMSERV NO\n")
        subprocess.run([BIN + "/bulwark-cert", "-nodepw", "-server", "srv1",
                        "-node", "bench"], input=b"bench-password-1\n",
                       env=self.env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        self.bulwark(["check"])          # pins the certificate on first use
        self.cert = self.inst + "/cert256.arm"

    def cmd(self, args, sysfile=None):
        return [BIN + "/bulwark"] + args + ["--sysfile", sysfile or self.sys]

    def bulwark(self, args, sysfile=None):
        return run(self.cmd(args, sysfile), env=self.env)[0]

    def expire(self):
        """Removes the versions past VEREXISTS, so that the runs of a
        case do not fill the instance's file system (not timed)."""
        subprocess.run([BIN + "/bulwarkd", "--instance", self.inst,
                        "expire"], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def close(self):
        stop(self.p)
        self.log.close()
        shutil.rmtree(self.inst, ignore_errors=True)


# ---- peak RSS of our own processes, from /proc/PID/status VmHWM ----

class RssSampler(threading.Thread):
    """Samples VmHWM of every descendant of this script and every session
    process of the given instance every 10 ms; VmHWM only grows, so the
    last sample of a process is its peak up to 10 ms before it ended."""

    def __init__(self, inst):
        super().__init__(daemon=True)
        self.inst, self.seen, self.stopping = inst, {}, False

    def run(self):
        while not self.stopping:
            self.sample()
            time.sleep(0.01)

    def sample(self):
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/status" % d) as f:
                    st = dict(l.split(":", 1) for l in f.read().splitlines()
                              if ":" in l)
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    cmdl = f.read().replace(b"\0", b" ").decode("utf-8",
                                                               "replace")
            except OSError:
                continue
            name = st.get("Name", "").strip()
            if not name.startswith(("bulwark", "bulwarkd")) or \
                    "VmHWM" not in st:
                continue
            self.seen[int(d)] = (name, int(st["PPid"]), cmdl,
                                 int(st["VmHWM"].split()[0]))

    def roles(self, client_pid):
        s = self.seen
        out = {}

        def put(role, kib):
            out[role] = max(out.get(role, 0), kib)
        # ours only: the machine may run other Bulwark processes
        net = {pid for pid, v in s.items()
               if v[0] == "bulwark" and v[1] == client_pid}
        for pid, (name, ppid, cmdl, kib) in s.items():
            if pid == client_pid:
                put("file side (bulwark)", kib)
            elif pid in net:
                put("network process (bulwark)", kib)
            elif name == "bulwark-keyd" and (ppid == client_pid or
                                             ppid in net):
                put("client key helper (bulwark-keyd)", kib)
            elif name.startswith("bulwarkd-sessio") and self.inst in cmdl:
                put("server session (bulwarkd-session)", kib)
            elif name == "bulwark-keyd" and ppid in s and \
                    s[ppid][0].startswith("bulwarkd-sessio") and \
                    self.inst in s[ppid][2]:
                put("server key helper (bulwark-keyd)", kib)
        return out


def measured_rss(srv, cmd):
    sm = RssSampler(srv.inst)
    sm.start()
    p = subprocess.Popen(cmd, env=srv.env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # the file side's children appear at once; the sampler keeps its pid
    while p.poll() is None:
        time.sleep(0.05)
    sm.stopping = True
    sm.join()
    if p.returncode != 0:
        raise SystemExit("bench: %s failed: %s" % (" ".join(cmd),
                                                   p.stderr.read().decode()))
    return sm.roles(p.pid)


# ---- the cases ----

def case_crypto():
    log("== 0. crypto")
    algs = ("aes-256-gcm", "sha256")
    for k in range(RUNS):
        for who in rotate(["wolfcrypt", "openssl"], k):
            if who == "wolfcrypt":
                out = run([BB + "/bench_crypto"])[1].split()
                w = dict(zip(out[0::2], map(float, out[1::2])))
                for alg in algs:
                    raw("crypto_%s_wolfcrypt_MBps" % alg, w[alg])
                continue
            for alg in algs:
                o = run(["openssl", "speed", "-seconds", "1", "-bytes",
                         "16384", "-evp", alg])[1]
                mb = 0.0
                for line in o.splitlines():
                    f = line.split()
                    if f and f[0].lower() == alg:
                        mb = float(f[-1].rstrip("k")) * 1000 / 1e6
                raw("crypto_%s_openssl_MBps" % alg, mb)
    for alg in algs:
        ratio("crypto_%s_vs_openssl" % alg,
              median("crypto_%s_wolfcrypt_MBps" % alg),
              median("crypto_%s_openssl_MBps" % alg))


def streams_start(send_file):
    """The bare peers' servers: OpenSSL, wolfSSL, plain TCP, and wolfSSL
    storing what it receives into a new file on the instance's tmpfs.
    Returns name -> (program, port, process, the client's mode)."""
    s = {}
    store = os.path.join(shm, "stream-store.bin")
    peers = (("openssl", "stream-openssl", [scert, skey]),
             ("wolfssl", "stream-wolfssl", [scert, skey]),
             ("tcp", "stream-openssl", ["--plain"]))
    if send_file is None:
        peers += (("wolfssl_store", "stream-wolfssl", [scert, skey]),)
    for name, prog, tail in peers:
        if send_file:
            mode, cmode = ["--send", send_file], ["--discard"]
        else:
            mode, cmode = ["--discard"], ["--send", big]
            if name == "wolfssl_store":
                mode = ["--store", store]
        port = free_port()
        p = background([BB + "/" + prog, "server", str(port)] + mode + tail)
        wait_port(port)
        s[name] = (prog, port, p, cmode)
    if send_file:      # the restore's storing peer: the client writes
        prog, port, p, _ = s["wolfssl"]
        s["wolfssl_store"] = (prog, port, None,
                              ["--store", os.path.join(shm, "client.bin")])
    return s


def streams_stop(s):
    for v in s.values():
        if v[2] is not None:
            stop(v[2])


def stream_client(s, name):
    prog, port, _, mode = s[name]
    tail = ["--plain"] if name == "tcp" else [scert]
    t, out = run([BB + "/" + prog, "client", str(port)] + mode + tail)
    n = int(out.split()[0])
    if n != BIG_MB * MIB:
        raise SystemExit("bench: %s stream moved %d bytes" % (name, n))
    return t


def case_backup_restore(shm_srv, disk_srv):
    log("== 1, 7. backup of %d MiB, and 2. restore" % BIG_MB)
    mb = BIG_MB * MIB / 1e6
    s = streams_start(None)
    names = ["bulwark", "bulwark_disk", "openssl", "wolfssl", "tcp",
             "wolfssl_store"]
    for k in range(RUNS):
        for n in rotate(names, k):
            warm([big])                          # from the page cache
            if n == "bulwark":
                t = shm_srv.bulwark(["selective", big])
                shm_srv.expire()
            elif n == "bulwark_disk":
                t = disk_srv.bulwark(["selective", big])
                disk_srv.expire()
            else:
                t = stream_client(s, n)
            raw("backup_%s_MBps" % n, mb / t)
        log("   run %d: %s" % (k + 1, ", ".join(
            "%s %.0f" % (n, results["raw"]["backup_%s_MBps" % n][-1])
            for n in names)))
    streams_stop(s)
    m = {n: median("backup_%s_MBps" % n) for n in names}
    ratio("backup_vs_wolfssl_stream", m["bulwark"], m["wolfssl"])
    ratio("backup_vs_openssl_stream", m["bulwark"], m["openssl"])
    ratio("backup_vs_wolfssl_stream_storing", m["bulwark"],
          m["wolfssl_store"])
    ratio("backup_disk_vs_wolfssl_stream", m["bulwark_disk"], m["wolfssl"])
    ratio("backup_vs_plain_tcp", m["bulwark"], m["tcp"])

    s = streams_start(big)
    names = ["bulwark", "openssl", "wolfssl", "tcp", "wolfssl_store"]
    dest = os.path.join(shm, "restored")
    for k in range(RUNS):
        for n in rotate(names, k):
            if n == "bulwark":
                shutil.rmtree(dest, ignore_errors=True)
                t = shm_srv.bulwark(["restore", big, dest + "/",
                                     "-replace=yes"])
                if os.path.getsize(os.path.join(dest, "big.bin")) != \
                        BIG_MB * MIB:
                    raise SystemExit("bench: the restore is incomplete")
            else:
                t = stream_client(s, n)
            raw("restore_%s_MBps" % n, mb / t)
        log("   restore run %d: %s" % (k + 1, ", ".join(
            "%s %.0f" % (n, results["raw"]["restore_%s_MBps" % n][-1])
            for n in names)))
    shutil.rmtree(dest, ignore_errors=True)
    streams_stop(s)
    m = {n: median("restore_%s_MBps" % n) for n in names}
    ratio("restore_vs_wolfssl_stream", m["bulwark"], m["wolfssl"])
    ratio("restore_vs_openssl_stream", m["bulwark"], m["openssl"])
    ratio("restore_vs_wolfssl_stream_storing", m["bulwark"],
          m["wolfssl_store"])
    ratio("restore_vs_plain_tcp", m["bulwark"], m["tcp"])


def make_tree(root):
    rnd = random.Random(13)
    for i in range(FILES):
        d = os.path.join(root, "d%03d" % (i % 200))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%05d" % i), "wb") as f:
            f.write(rnd.randbytes(4096))


def change_tree(root, stamp):
    for i in range(0, FILES, 100):              # 1%
        with open(os.path.join(root, "d%03d" % (i % 200), "f%05d" % i),
                  "r+b") as f:
            f.write(b"%-16d" % stamp)


def case_small_files():
    log("== 3. %d small files" % FILES)
    tree = os.path.join(work, "tree")
    make_tree(tree)
    renv = dict(os.environ, RESTIC_PASSWORD="bench", RESTIC_CACHE_DIR=
                os.path.join(shm, "restic-cache"))
    for k in range(RUNS):
        srv = Server(shm, "small%d" % k)
        repo = os.path.join(shm, "restic%d" % k)
        run(["restic", "-q", "-r", repo, "init"], env=renv)
        change_tree(tree, 2 * k)              # every run starts alike
        for step, label in ((0, "first"), (1, "second")):
            if step:
                change_tree(tree, 2 * k + 1)
            for n in rotate(["bulwark", "restic"], k + step):
                subprocess.run(["find", tree, "-type", "f", "-exec", "cat",
                                "{}", "+"], stdout=subprocess.DEVNULL)
                if n == "bulwark":
                    t = srv.bulwark(["incremental", tree + "/"])
                else:
                    t = run(["restic", "-q", "-r", repo, "backup", tree],
                            env=renv)[0]
                raw("small_%s_%s_files_per_s" % (label, n), FILES / t)
        srv.close()
        shutil.rmtree(repo, ignore_errors=True)
        log("   run %d: " % (k + 1) + ", ".join(
            "%s %.0f" % (key[6:], v[-1]) for key, v in results["raw"].items()
            if key.startswith("small_")))
    for label in ("first", "second"):
        ratio("small_%s_vs_restic" % label,
              median("small_%s_bulwark_files_per_s" % label),
              median("small_%s_restic_files_per_s" % label))


def perf_shares(cmd_loop_env, sysfile, srv):
    """perf samples by command name over a loop of checks: the key helper's
    share of the client's CPU. None when perf is unusable."""
    if shutil.which("perf") is None:
        return None
    data = os.path.join(work, "perf.data")
    loop = "for i in $(seq %d); do %s check --sysfile %s >/dev/null 2>&1; " \
           "done" % (HS_N, BIN + "/bulwark", sysfile)
    p = subprocess.run(["perf", "record", "-q", "-F", "4999", "-a", "-o",
                        data, "--", "sh", "-c", loop], env=cmd_loop_env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return None
    rep = subprocess.run(["perf", "report", "-i", data, "--sort", "comm",
                          "--stdio", "-F", "sample,comm"],
                         capture_output=True, text=True).stdout
    counts = {}
    for line in rep.splitlines():
        f = line.split()
        if len(f) == 2 and f[0].isdigit():
            counts[f[1]] = int(f[0])
    client = counts.get("bulwark", 0) + counts.get("bulwark-keyd", 0)
    return counts.get("bulwark-keyd", 0) / client if client else None


def case_handshakes(srv):
    log("== 4. handshakes and sign-on, %d per run" % HS_N)
    kinds = ["signon", "check", "wolfssl", "openssl", "wolfssl_oneshot"]
    for k in range(RUNS):
        for n in rotate(kinds, k):
            if n in ("signon", "check"):
                sysf = srv.sys if n == "signon" else srv.sys_nosignon
                wall = cpu = 0.0
                for _ in range(HS_N):
                    t, c = run_cpu(srv.cmd(["check"], sysf), srv.env)
                    wall, cpu = wall + t, cpu + c
            elif n == "wolfssl_oneshot":
                wall = cpu = 0.0
                for _ in range(HS_N):
                    t, c = run_cpu([BB + "/stream-wolfssl", "handshakes",
                                    str(srv.port), srv.cert, "1"])
                    wall, cpu = wall + t, cpu + c
            else:
                out = run([BB + "/stream-" + n, "handshakes", str(srv.port),
                           srv.cert, str(HS_N)])[1].split()
                wall, cpu = float(out[1]), float(out[2])
            raw("hs_%s_cpu_ms" % n, cpu / HS_N * 1000)
            raw("hs_%s_per_s" % n, HS_N / wall)
    m = {n: median("hs_%s_cpu_ms" % n) for n in kinds}
    for n in kinds:
        median("hs_%s_per_s" % n)
    ratio("signon_cpu_vs_wolfssl_handshake", m["signon"], m["wolfssl"])
    ratio("signon_cpu_vs_wolfssl_oneshot", m["signon"], m["wolfssl_oneshot"])
    ratio("check_cpu_vs_wolfssl_oneshot", m["check"], m["wolfssl_oneshot"])
    ratio("signon_cpu_vs_openssl_handshake", m["signon"], m["openssl"])
    share = perf_shares(srv.env, srv.sys, srv)
    if share is not None:
        results["median"]["hs_signon_keyhelper_cpu_ms"] = share * m["signon"]
        results["median"]["hs_signon_keyhelper_share"] = share


def case_first_byte():
    log("== 5. start to first byte, one-shot")
    port = free_port()
    sp = background(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port,
                     "-cert", scert, "-key", skey, "-tls1_2", "-quiet",
                     "-naccept", "100000"])
    wait_port(port)
    env = dict(os.environ, BULWARK_DIR=os.path.join(work, "fb-db"))
    subprocess.run([BIN + "/bulwark-cert", "-add", "-server", "bench",
                    "-file", scert], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sysf = os.path.join(work, "fb.sys")
    with open(sysf, "w") as f:
        f.write("SERVERNAME bench\n  TCPSERVERADDRESS 127.0.0.1\n"
                "  TCPPORT %d\n  SSLACCEPTCERTFROMSERV NO\n" % port)
    cmds = {
        "bulwark": [BIN + "/bulwark", "check", "--sysfile", sysf],
        "s_client": [shutil.which("openssl"), "s_client", "-connect",
                     "127.0.0.1:%d" % port, "-tls1_2", "-CAfile", scert,
                     "-no-CApath", "-no-CAstore", "-verify_return_error",
                     "-brief"],
        "gnutls_cli": [shutil.which("gnutls-cli"), "--x509cafile", scert,
                       "--port", str(port), "localhost"],
    }
    for k in range(RUNS):
        for n in rotate(list(cmds), k):
            wall = cpu = 0.0
            for _ in range(HS_N):
                t, c = run_cpu(cmds[n], env)
                wall, cpu = wall + t, cpu + c
            raw("first_byte_%s_ms" % n, wall / HS_N * 1000)
            raw("first_byte_%s_cpu_ms" % n, cpu / HS_N * 1000)
    stop(sp)
    m = {n: median("first_byte_%s_ms" % n) for n in cmds}
    for n in cmds:
        median("first_byte_%s_cpu_ms" % n)
    ratio("first_byte_vs_s_client", m["bulwark"], m["s_client"])
    ratio("first_byte_vs_gnutls_cli", m["bulwark"], m["gnutls_cli"])


def case_memory(srv):
    log("== 6. peak RSS, sparse files of %d and %d MiB" %
        (SPARSE_MB // 16, SPARSE_MB))
    dest = os.path.join(work, "rss-restored")
    for mb in (SPARSE_MB // 16, SPARSE_MB):
        f = os.path.join(work, "sparse.bin")
        with open(f, "wb") as fh:
            fh.truncate(mb * MIB)
        for what, cmd in (("backup", srv.cmd(["selective", f])),
                          ("restore", srv.cmd(["restore", f, dest + "/",
                                               "-replace=yes"]))):
            roles = measured_rss(srv, cmd)
            results["rss_kib"]["%s_%dMiB" % (what, mb)] = roles
            log("   %s %d MiB: %s" % (what, mb, roles))
        os.unlink(f)
        shutil.rmtree(dest, ignore_errors=True)
        subprocess.run(["sync"])
    small, large = SPARSE_MB // 16, SPARSE_MB
    net = [results["rss_kib"]["%s_%dMiB" % (w, large)].get(
        "network process (bulwark)", 0) for w in ("backup", "restore")]
    net_s = [results["rss_kib"]["%s_%dMiB" % (w, small)].get(
        "network process (bulwark)", 0) for w in ("backup", "restore")]
    top = max(v for r in results["rss_kib"].values() for v in r.values())
    results["median"]["rss_network_peak_kib"] = max(net)
    results["median"]["rss_any_peak_kib"] = top
    ratio("rss_network_growth", max(net), max(net_s))


# ---- output ----

def table():
    m, r = results["median"], results["ratio"]
    rows = []

    def row(case, what, ours, peer, rname, goal=""):
        if rname in r:
            rows.append((case, what, ours, peer, "%.2f" % r[rname], goal))

    def g(k, fmt="%.0f"):
        return fmt % m[k] if k in m else "-"
    row("1 backup", "MB/s vs bare wolfSSL stream", g("backup_bulwark_MBps"),
        g("backup_wolfssl_MBps"), "backup_vs_wolfssl_stream", ">= 0.9")
    row("1 backup", "MB/s vs bare OpenSSL stream", g("backup_bulwark_MBps"),
        g("backup_openssl_MBps"), "backup_vs_openssl_stream", ">= 1.0")
    row("1 backup", "MB/s vs wolfSSL stream storing to the tmpfs",
        g("backup_bulwark_MBps"), g("backup_wolfssl_store_MBps"),
        "backup_vs_wolfssl_stream_storing")
    row("1 backup", "on disk, MB/s vs wolfSSL stream",
        g("backup_bulwark_disk_MBps"), g("backup_wolfssl_MBps"),
        "backup_disk_vs_wolfssl_stream")
    row("2 restore", "MB/s vs bare wolfSSL stream", g("restore_bulwark_MBps"),
        g("restore_wolfssl_MBps"), "restore_vs_wolfssl_stream", ">= 0.9")
    row("2 restore", "MB/s vs bare OpenSSL stream", g("restore_bulwark_MBps"),
        g("restore_openssl_MBps"), "restore_vs_openssl_stream", ">= 1.0")
    row("2 restore", "MB/s vs wolfSSL stream storing to the tmpfs",
        g("restore_bulwark_MBps"), g("restore_wolfssl_store_MBps"),
        "restore_vs_wolfssl_stream_storing")
    row("3 small files", "first incremental, files/s vs restic",
        g("small_first_bulwark_files_per_s"),
        g("small_first_restic_files_per_s"), "small_first_vs_restic", "> 1")
    row("3 small files", "1% changed, files/s vs restic",
        g("small_second_bulwark_files_per_s"),
        g("small_second_restic_files_per_s"), "small_second_vs_restic", "> 1")
    row("4 handshake", "check+sign-on CPU ms vs wolfSSL handshake (loop)",
        g("hs_signon_cpu_ms", "%.2f"), g("hs_wolfssl_cpu_ms", "%.2f"),
        "signon_cpu_vs_wolfssl_handshake", "<= 1.15")
    row("4 handshake", "check+sign-on CPU ms vs one-shot wolfSSL client",
        g("hs_signon_cpu_ms", "%.2f"), g("hs_wolfssl_oneshot_cpu_ms", "%.2f"),
        "signon_cpu_vs_wolfssl_oneshot")
    row("4 handshake", "check (no sign-on) CPU ms vs one-shot wolfSSL",
        g("hs_check_cpu_ms", "%.2f"), g("hs_wolfssl_oneshot_cpu_ms", "%.2f"),
        "check_cpu_vs_wolfssl_oneshot")
    row("4 handshake", "check+sign-on CPU ms vs OpenSSL handshake (loop)",
        g("hs_signon_cpu_ms", "%.2f"), g("hs_openssl_cpu_ms", "%.2f"),
        "signon_cpu_vs_openssl_handshake")
    row("5 first byte", "one-shot check ms vs openssl s_client",
        g("first_byte_bulwark_ms", "%.1f"), g("first_byte_s_client_ms", "%.1f"),
        "first_byte_vs_s_client", "<= 1.0")
    row("5 first byte", "one-shot check ms vs gnutls-cli",
        g("first_byte_bulwark_ms", "%.1f"),
        g("first_byte_gnutls_cli_ms", "%.1f"), "first_byte_vs_gnutls_cli")
    row("6 memory", "network process peak KiB, large vs 1/16 file",
        g("rss_network_peak_kib"), "", "rss_network_growth", "~1.0, <= 4096 KiB")
    row("7 always TLS", "backup MB/s vs plain TCP stream",
        g("backup_bulwark_MBps"), g("backup_tcp_MBps"), "backup_vs_plain_tcp")
    row("7 always TLS", "restore MB/s vs plain TCP stream",
        g("restore_bulwark_MBps"), g("restore_tcp_MBps"), "restore_vs_plain_tcp")
    row("0 crypto", "AES-256-GCM MB/s vs openssl speed",
        g("crypto_aes-256-gcm_wolfcrypt_MBps"),
        g("crypto_aes-256-gcm_openssl_MBps"), "crypto_aes-256-gcm_vs_openssl")
    row("0 crypto", "SHA-256 MB/s vs openssl speed",
        g("crypto_sha256_wolfcrypt_MBps"), g("crypto_sha256_openssl_MBps"),
        "crypto_sha256_vs_openssl")
    lines = ["| case | figure | Bulwark | peer | ratio | goal |",
             "| --- | --- | ---: | ---: | ---: | --- |"]
    lines += ["| %s | %s | %s | %s | %s | %s |" % x for x in rows]
    if results["rss_kib"]:
        lines += ["", "| peak RSS (KiB) | " + " | ".join(
            results["rss_kib"]) + " |",
            "| --- |" + " ---: |" * len(results["rss_kib"])]
        roles = sorted({k for v in results["rss_kib"].values() for k in v})
        for role in roles:
            lines.append("| %s | " % role + " | ".join(
                str(v.get(role, "-")) for v in results["rss_kib"].values())
                + " |")
    if "hs_signon_keyhelper_cpu_ms" in m:
        lines += ["", "key helper's share of a check with sign-on: %.0f%% of "
                  "the client's CPU samples, %.2f ms a check" %
                  (100 * m["hs_signon_keyhelper_share"],
                   m["hs_signon_keyhelper_cpu_ms"])]
    return "\n".join(lines)


def chart():
    if shutil.which("gnuplot") is None:
        return
    m = results["median"]
    bars = [(k, m.get(k)) for k in (
        "backup_bulwark_MBps", "backup_bulwark_disk_MBps",
        "backup_wolfssl_MBps", "backup_openssl_MBps", "backup_tcp_MBps",
        "backup_wolfssl_store_MBps", "restore_bulwark_MBps",
        "restore_wolfssl_MBps", "restore_openssl_MBps", "restore_tcp_MBps",
        "restore_wolfssl_store_MBps")]
    bars = [(k.replace("_MBps", "").replace("_", " "), v) for k, v in bars
            if v]
    if not bars:
        return
    dat = os.path.join(work, "chart.dat")
    with open(dat, "w") as f:
        for i, (k, v) in enumerate(bars):
            f.write('%d "%s" %.1f\n' % (i, k, v))
    png = os.path.join(BB, "throughput.png")
    subprocess.run(["gnuplot", "-e", "; ".join([
        "set terminal pngcairo size 900,500", "set output '%s'" % png,
        "set style fill solid", "set boxwidth 0.7", "set ylabel 'MB/s'",
        "set title 'make bench: throughput per case (medians of %d)'" % RUNS,
        "set xtics rotate by -30", "unset key", "set yrange [0:*]",
        "plot '%s' using 1:3:xtic(2) with boxes" % dat])], check=False)
    results["chart"] = png


def main():
    global work, shm, big, scert, skey
    os.makedirs(BB, exist_ok=True)
    work = tempfile.mkdtemp(prefix="bulwark-bench.", dir="/var/tmp")
    # the server's instance on tmpfs: a mount of our own when we may
    shm = tempfile.mkdtemp(prefix="bulwark-bench-shm.", dir="/var/tmp")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm,mode=0755"
                              % (4 * BIG_MB + 2048), "bulwark-bench", shm],
                             stderr=subprocess.DEVNULL).returncode == 0
    if not mounted:
        os.rmdir(shm)
        shm = tempfile.mkdtemp(prefix="bulwark-bench.", dir="/dev/shm")
    try:
        results["machine"] = {
            "cpu": next((l.split(":", 1)[1].strip() for l in
                         open("/proc/cpuinfo") if l.startswith("model name")),
                        "?"),
            "cores": os.cpu_count(), "kernel": os.uname().release,
            "load_at_start": os.getloadavg()[0],
            "tmpfs": shm, "disk": work,
            "openssl": run(["openssl", "version"])[1].strip(),
        }
        scert, skey = os.path.join(work, "s.pem"), os.path.join(work, "s.key")
        subprocess.run(["openssl", "req", "-new", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", skey, "-sha256", "-days", "30", "-subj",
                        "/CN=localhost", "-addext",
                        "basicConstraints=critical,CA:FALSE", "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-out", scert], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        big = os.path.join(work, "big.bin")
        if "1" in CASES or "2" in CASES:
            with open(big, "wb") as f:
                for _ in range(BIG_MB):
                    f.write(os.urandom(MIB))
        shm_srv = Server(shm, "instance")
        if "0" in CASES:
            case_crypto()
        if "1" in CASES or "2" in CASES:
            disk_srv = Server(work, "disk-instance")
            case_backup_restore(shm_srv, disk_srv)
            disk_srv.close()
        if "3" in CASES:
            case_small_files()
        if "4" in CASES:
            case_handshakes(shm_srv)
        if "5" in CASES:
            case_first_byte()
        if "6" in CASES:
            mem_srv = Server(work, "rss-instance")
            case_memory(mem_srv)
            mem_srv.close()
        shm_srv.close()
        results["machine"]["load_at_end"] = os.getloadavg()[0]
        chart()
        with open(os.path.join(BB, "results.json"), "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
        m = results["machine"]
        print("make bench on %s, %d cores, kernel %s; medians of %d runs, "
              "load %.1f-%.1f" % (m["cpu"], m["cores"], m["kernel"], RUNS,
                                  m["load_at_start"], m["load_at_end"]))
        print()
        print(table())
        print()
        for k, v in sorted(results["ratio"].items()):
            print("RATIO %s %.3f" % (k, v))
        print("\nraw figures: %s" % os.path.join(BB, "results.json"))
    finally:
        for p in procs:
            stop(p)
        if mounted:
            subprocess.run(["umount", shm])
            os.rmdir(shm)
        else:
            shutil.rmtree(shm, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
