#!/usr/bin/env bash
# make demo: the administrator's job end to end, in a throwaway directory.
# A server's self-signed cert256.arm is imported the way dsmcert does it,
# then listed, checked and monitored.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
work=$(mktemp -d /tmp/bulwark-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export BULWARK_DIR=$work/db

step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "== A server makes its self-signed certificate (cert256.arm)"
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$work/server.key" -sha256 -days 3650 -subj "/CN=demo-server/O=Bulwark demo" \
	-addext "basicConstraints=critical,CA:FALSE" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out "$work/cert256.arm" 2>/dev/null

echo "== The administrator trusts it for server srv1"
step "$bin/bulwark-cert" -selftest
step "$bin/bulwark-cert" -add -server srv1 -file "$work/cert256.arm"
step "$bin/bulwark-cert" -list
step "$bin/bulwark-cert" -expiring 30
step "$bin/bulwark-cert" -verify
echo
echo "== A refused import changes nothing"
openssl req -new -x509 -newkey rsa:1024 -nodes -keyout "$work/weak.key" -sha256 -days 30 \
	-subj "/CN=weak" -out "$work/weak.arm" 2>/dev/null
set +e
"$bin/bulwark-cert" -add -server srv2 -file "$work/weak.arm"
echo "(exit status $?)"
set -e
step "$bin/bulwark-cert" -rekey
step "$bin/bulwark-cert" -verify
echo
echo "The key database demo is complete. The TLS client (bulwark), its key helper"
echo "and the reference server are not built yet; this demo grows with them."
