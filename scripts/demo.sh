#!/usr/bin/env bash
# make demo: the main job end to end on loopback, in a throwaway directory.
# bulwarkd makes its instance and certificate, a node is registered, the
# client takes the server's certificate on first use (and prints its
# fingerprint), backs up a tree of a few thousand files (odd names among
# them) and one large file, backs up again after a few changes (only those
# are sent), lists, restores elsewhere, and every byte and mode is
# compared. The client runs as two processes: the file side, and the
# sandboxed network process that holds the TLS session.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
work=$(mktemp -d /tmp/bulwark-demo.XXXXXX)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "$server_pid" ] && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
export BULWARK_DIR=$work/db
inst=$work/instance
tree=$work/data
FILES=${DEMO_FILES:-3000}
BIG_MIB=${DEMO_BIG_MIB:-256}

step() { printf '\n$ %s\n' "$*"; "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# a free loopback port
for _ in $(seq 100); do
	port=$(( 20000 + RANDOM % 20000 ))
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done

echo "== The server: its instance, its certificate, a node"
step "$bin/bulwarkd" --instance "$inst" init
printf 'TCPPORT %s\nBWKLISTENADDRESS 127.0.0.1\n' "$port" >"$inst/bulwarkd.opt"
printf 'demo-password-1\n' | "$bin/bulwarkd" --instance "$inst" node register demo
"$bin/bulwarkd" --instance "$inst" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
	grep -q BWK1021I "$work/server.log" 2>/dev/null && break
	sleep 0.1
done
grep BWK1021I "$work/server.log"

cat >"$work/bulwark.sys" <<SYS
* the client's options, in the dsm.sys format
SERVERNAME srv1
   TCPSERVERADDRESS      127.0.0.1
   TCPPORT               $port
   NODENAME              demo
   PASSWORDACCESS        GENERATE
   SSLACCEPTCERTFROMSERV YES
   SUBDIR                YES
SYS
echo
echo "== The node's password goes into the key database (bulwark-cert, as dsmcert)"
printf 'demo-password-1\n' | "$bin/bulwark-cert" -nodepw -server srv1 -node demo
echo
echo "== The client takes the server's certificate on first use, once the"
echo "   server proved it knows the node's verifier, and prints its fingerprint"
step "$bin/bulwark" check --sysfile "$work/bulwark.sys"

echo
echo "== A tree of $FILES files, odd names among them, and one file of $BIG_MIB MiB"
mkdir -p "$tree"
for d in $(seq 0 29); do
	mkdir -p "$tree/dir $d"
done
python3 - "$tree" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "dir %d" % (i % 30))
    name = ("file %d.txt" % i).encode()
    if i % 100 == 1:
        name = b"new\nline %d" % i
    if i % 100 == 2:
        name = b"latin1 \xe9t\xe9 %d" % i
    with open(os.path.join(d.encode(), name), "wb") as f:
        f.write(os.urandom(i % 4096 + 1))
    if i % 10 == 0:
        os.chmod(os.path.join(d.encode(), name), 0o600)
os.symlink("dir 0/file 0.txt", os.path.join(root, "a link"))
# a second name of one file: restored as one file again
os.link(os.path.join(root, "dir 3", "file 3.txt"),
        os.path.join(root, "dir 4", "hard link to file 3"))
open(os.path.join(root, "empty"), "w").close()
PY
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >"$tree/large.bin"
du -sh "$tree"

echo
echo "== The first incremental backup"
t0=$(now)
step "$bin/bulwark" incremental "$tree" --sysfile "$work/bulwark.sys"
t1=$(now)
first=$(secs "$t0" "$t1")

echo
echo "== Five files change; the second incremental sends only those"
for i in 3 4 5 6 7; do
	echo "changed" >>"$tree/dir $i/file $i.txt"
done
t0=$(now)
step "$bin/bulwark" incremental "$tree" --sysfile "$work/bulwark.sys"
t1=$(now)
second=$(secs "$t0" "$t1")

echo
echo "== What the server holds"
step "$bin/bulwark" query filespace --sysfile "$work/bulwark.sys"
printf '\n$ bulwark query backup "%s/dir 3/*" | head\n' "$tree"
"$bin/bulwark" query backup "$tree/dir 3/*" -inactive --sysfile "$work/bulwark.sys" | head

echo
echo "== Restore elsewhere; each file appears once its SHA-256 matched"
t0=$(now)
step "$bin/bulwark" restore "$tree/" "$work/restored" --sysfile "$work/bulwark.sys"
t1=$(now)
third=$(secs "$t0" "$t1")

echo
echo "== Every byte, mode, time, link and hard link compared"
diff -r --no-dereference "$tree" "$work/restored"
(cd "$tree" && find . -mindepth 1 -printf '%P %y %m %s %n %T@\n' | sort) >"$work/a.list"
(cd "$work/restored" && find . -mindepth 1 -printf '%P %y %m %s %n %T@\n' | sort) >"$work/b.list"
diff "$work/a.list" "$work/b.list"
echo "identical: $(wc -l <"$work/a.list") entries"

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
mib=$(( $(du -sm "$tree" | cut -f1) ))
echo
echo "== Done"
printf '  first incremental:  %s s for %d files and %d MiB\n' "$first" "$FILES" "$mib"
printf '  second incremental: %s s (five files changed)\n' "$second"
printf '  restore:            %s s\n' "$third"
echo "  the server's log: $(grep -c . "$work/server.log") lines, ending with"
tail -n 3 "$work/server.log" | sed 's/^/    /'
