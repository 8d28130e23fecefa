#!/usr/bin/env bash
# What only `make bench` needs, installed when missing, like scripts/deps.sh:
# libssl-dev for the OpenSSL peer of bench/stream.c, restic for the small
# files' peer, gnuplot for the chart, and procps/util-linux for the runs.
set -euo pipefail
pkgs=(libssl-dev restic gnuplot-nox procps util-linux openssl gnutls-bin)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: missing packages: ${missing[*]}; run make bench as root" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
