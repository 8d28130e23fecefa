#!/usr/bin/env bash
# make demo: the main job end to end on loopback, in a throwaway directory.
# A server's self-signed cert256.arm is trusted the way dsmcert does it,
# then the client connects to that server (openssl s_server) with its
# network process sandboxed and its key helper holding the secrets.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
work=$(mktemp -d /tmp/bulwark-demo.XXXXXX)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
export BULWARK_DIR=$work/db

step() { printf '\n$ %s\n' "$*"; "$@"; }
port=$(( 20000 + RANDOM % 20000 ))

echo "== The server makes its self-signed certificate (cert256.arm) and listens"
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$work/server.key" -sha256 -days 3650 -subj "/CN=demo-server/O=Bulwark demo" \
	-addext "basicConstraints=critical,CA:FALSE" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out "$work/cert256.arm" 2>/dev/null
# -quiet -ign_eof: serve connection after connection, whatever stdin does
openssl s_server -accept "$port" -cert "$work/cert256.arm" -key "$work/server.key" \
	-tls1_2 -quiet -ign_eof </dev/null >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done

cat >"$work/bulwark.sys" <<SYS
* the client's options, in the dsm.sys format
SERVERNAME srv1
   TCPSERVERADDRESS      127.0.0.1
   TCPPORT               $port
   SSLACCEPTCERTFROMSERV NO
SYS
echo
echo "== The client refuses a server it does not trust, and says what to do"
set +e
"$bin/bulwark" check --sysfile "$work/bulwark.sys"
echo "(exit status $?)"
set -e

echo
echo "== The administrator trusts the server's certificate"
step "$bin/bulwark-cert" -add -server srv1 -file "$work/cert256.arm"
step "$bin/bulwark-cert" -list

echo
echo "== The client connects: TLS 1.2 under the policy, sandboxed"
step "$bin/bulwark" check --sysfile "$work/bulwark.sys"
step "$bin/bulwark" sandbox-check
step "$bin/bulwark" policy
step "$bin/bulwark-cert" -expiring 30
echo
echo "The demo is complete. The reference server (bulwarkd) and backup"
echo "sessions are not built yet; this demo grows with them."
