#!/usr/bin/env bash
# Installs what Bulwark needs on Debian 12, idempotently: the packages
# below when missing, then our own wolfSSL build (scripts/build-wolfssl.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(build-essential clang libclang-rt-14-dev llvm pkg-config
	libseccomp-dev libcriterion-dev libpsl-dev libsqlite3-dev publicsuffix
	openssl gnutls-bin libgsasl-dev gsasl
	dpkg-dev autoconf automake libtool ca-certificates
	# make deb and its test (lintian), the unit's score (systemd-analyze),
	# the manual pages' check (man, groff)
	debhelper fakeroot lintian man-db groff-base systemd adduser
	debian-archive-keyring python3 passwd util-linux)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "BWK0900E missing packages: ${missing[*]}; run make deps as root" >&2
		exit 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
exec scripts/build-wolfssl.sh
