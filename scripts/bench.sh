#!/usr/bin/env bash
# make bench: Bulwark beside a peer in the same run, reported as ratios.
#  1. wolfCrypt as built here vs OpenSSL: AES-256-GCM and SHA-256, 16 KiB.
#  2. One-shot sessions: `bulwark check` (helper spawn, self-tests, trust,
#     sandbox, handshake, policy checks) vs `openssl s_client`, both to the
#     same openssl s_server on loopback.
# Numbers vary between machines; the ratios are what to compare.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
runs=${BENCH_RUNS:-20}
work=$(mktemp -d /tmp/bulwark-bench.XXXXXX)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
ossl_speed() { # algorithm -> MB/s at 16 KiB
	openssl speed -seconds 1 -bytes 16384 -evp "$1" 2>/dev/null |
		awk -v alg="$1" 'tolower($1) == tolower(alg) { v = $NF; sub(/k$/, "", v); printf "%.0f\n", v * 1000 / 1e6 }'
}

echo "== crypto, one core, 16 KiB buffers (MB/s)"
read -r _ w_gcm < <("$top/build/bench/bench_crypto" | grep aes-256-gcm)
read -r _ w_sha < <("$top/build/bench/bench_crypto" | grep sha256)
o_gcm=$(ossl_speed aes-256-gcm)
o_sha=$(ossl_speed sha256)
printf '%-14s wolfCrypt %6s   OpenSSL %6s   ratio %s\n' AES-256-GCM "$w_gcm" "$o_gcm" "$(ratio "$w_gcm" "$o_gcm")"
printf '%-14s wolfCrypt %6s   OpenSSL %6s   ratio %s\n' SHA-256 "$w_sha" "$o_sha" "$(ratio "$w_sha" "$o_sha")"

echo
echo "== one-shot sessions to openssl s_server on loopback ($runs each)"
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$work/s.key" -sha256 -days 30 -subj /CN=bench \
	-addext basicConstraints=critical,CA:FALSE -out "$work/s.pem" 2>/dev/null
port=$(( 20000 + RANDOM % 20000 ))
openssl s_server -accept "$port" -cert "$work/s.pem" -key "$work/s.key" -tls1_2 \
	-ign_eof -quiet </dev/null >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
export BULWARK_DIR=$work/db
"$bin/bulwark-cert" -add -server bench -file "$work/s.pem" >/dev/null
printf 'SERVERNAME bench\n  TCPSERVERADDRESS 127.0.0.1\n  TCPPORT %s\n  SSLACCEPTCERTFROMSERV NO\n' \
	"$port" >"$work/bulwark.sys"
time_runs() { # command... -> milliseconds per run
	local t0 t1
	t0=$(date +%s%N)
	for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 </dev/null || { echo "bench: $1 failed" >&2; exit 1; }; done
	t1=$(date +%s%N)
	awk -v d=$((t1 - t0)) -v n="$runs" 'BEGIN { printf "%.1f", d / n / 1e6 }'
}
b_ms=$(time_runs "$bin/bulwark" check --sysfile "$work/bulwark.sys")
o_ms=$(time_runs openssl s_client -connect "127.0.0.1:$port" -tls1_2 -brief)
printf '%-14s bulwark %6s ms   openssl s_client %6s ms   ratio %s\n' session "$b_ms" "$o_ms" "$(ratio "$b_ms" "$o_ms")"
echo "(bulwark's figure includes spawning the key helper, the self-tests and the sandbox)"
