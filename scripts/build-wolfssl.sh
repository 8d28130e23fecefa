#!/usr/bin/env bash
# Fetch Debian's wolfSSL source package through apt's signed source index and
# build it, configured for the Bulwark policy, into build/wolfssl.
#
# The system's apt configuration is not touched: a private sources list and a
# private lists directory are passed with -o options. apt checks the Sources
# index against Debian's archive key and each downloaded file against the
# index's SHA-256, so what we build is what Debian signed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/wolfssl
work=$top/build/wolfssl-src
pin_major_minor=5.7            # the API this tree is written against
suite=trixie

flags_file=$top/scripts/wolfssl.flags
stamp=$out/.bulwark-stamp
want=$(sha256sum "$flags_file" "$0" | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/lib/libwolfssl.a" ]; then
	echo "wolfSSL: up to date in $out"
	exit 0
fi

rm -rf "$work" && mkdir -p "$work/lists/partial" "$work/dl"
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
	"$mirror" "$suite" >"$work/sources.list"
aptopts=(-q -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
apt-get "${aptopts[@]}" update >"$work/apt-update.log" 2>&1 ||
	{ cat "$work/apt-update.log" >&2; echo "BWK0901E cannot fetch the $suite source index; check the network and /usr/share/keyrings/debian-archive-keyring.gpg" >&2; exit 1; }
(cd "$work/dl" && apt-get "${aptopts[@]}" source --download-only "wolfssl/$suite") >"$work/apt-source.log" 2>&1 ||
	{ cat "$work/apt-source.log" >&2; echo "BWK0902E cannot download the wolfssl source package" >&2; exit 1; }
dsc=$(ls "$work"/dl/wolfssl_*.dsc)
ver=$(sed -n 's/^Version: //p' "$dsc")
case "$ver" in
$pin_major_minor.*) ;;
*) echo "BWK0903E fetched wolfSSL $ver, but Bulwark is pinned to $pin_major_minor.x; update scripts/build-wolfssl.sh after review" >&2; exit 1 ;;
esac
# dpkg-source applies Debian's patches (security fixes included).
dpkg-source --no-check -x "$dsc" "$work/wolfssl" >"$work/dpkg-source.log" 2>&1

flags=()
cflags=""
while IFS= read -r line; do
	line=${line%%#*}
	case "$line" in
	CFLAGS=*) cflags=${line#CFLAGS=} ;;
	*) for w in $line; do flags+=("$w"); done ;;
	esac
done <"$flags_file"

cd "$work/wolfssl"
./autogen.sh >"$work/autogen.log" 2>&1
./configure --prefix="$out" "${flags[@]}" CFLAGS="$cflags" >"$work/configure.log" 2>&1 ||
	{ tail -30 "$work/configure.log" >&2; echo "BWK0904E wolfSSL configure failed; see $work/configure.log" >&2; exit 1; }
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
rm -rf "$out"
make install >"$work/install.log" 2>&1
# wolfSSL has no public call that says whether extended master secret was
# negotiated, or which signature the server used; the client reads them
# from the session (src/tls/tls_facts.c), built against this exact tree.
cp wolfssl/internal.h "$out/include/wolfssl/internal.h"

# The policy needs AES-NI: refuse a build where it is not really compiled in.
opts=$out/include/wolfssl/options.h
for def in WOLFSSL_AESNI HAVE_PK_CALLBACKS HAVE_EXTENDED_MASTER HAVE_SNI HAVE_KEYING_MATERIAL WOLFSSL_ALWAYS_VERIFY_CB; do
	grep -q "#define $def\b" "$opts" || { echo "BWK0905E wolfSSL was built without $def" >&2; exit 1; }
done
for def in WOLFSSL_TLS13 HAVE_CHACHA; do
	if grep -q "#define $def\b" "$opts"; then echo "BWK0906E wolfSSL was built with $def, outside the policy" >&2; exit 1; fi
done
# (nm into a variable: grep -q closing the pipe early would trip pipefail)
syms=$(nm "$out/lib/libwolfssl.a" 2>/dev/null)
grep -q ' T AES_GCM_encrypt_aesni$' <<<"$syms" ||
	{ echo "BWK0905E libwolfssl.a has no AES-NI GCM code" >&2; exit 1; }
echo "$ver" >"$out/.bulwark-version"
echo "$want" >"$stamp"
echo "wolfSSL $ver built into $out"
