#!/bin/sh
# Checks that each program holds only the code of its trust side
# (docs/architecture.md). It reads the built programs, not the Makefile,
# so a link line that drifts is caught too. And that no source file
# grows past what a reviewer can read as one concern.
#
#   scripts/check-layout.sh OUT WOLFSSL_LIB
#
# OUT is a build directory (build, build/test, ...) with bin/ and obj/.
# Exits 1 and names every symbol and file out of place; 0 otherwise.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: check-layout.sh OUT WOLFSSL_LIB}
wolf=${2:?usage: check-layout.sh OUT WOLFSSL_LIB}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# Global symbols defined by the objects of one source folder.
defined() { # folder
	find "$out/obj/$1" -name '*.o' -exec nm --defined-only {} + 2>/dev/null |
	    awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u
}
# The global symbols a program defines (it is not stripped). Static
# functions are left out: two files may each have their own "GetCA", and
# a folder's static code comes only with its global callers.
contains() { # program
	nm --defined-only "$out/bin/$1" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
	    sort -u
}
# Global functions of wolfSSL's TLS layer: the members of libwolfssl.a
# built from its src/ (internal, ssl, tls, keys, wolfio), which automake
# names libwolfssl_la-*.o; wolfCrypt's are src_libwolfssl_la-*.o.
ar t "$wolf" | grep '^libwolfssl_la-.*\.o$' >"$tmp/members" || true
: >"$tmp/tls-layer"
for m in $(cat "$tmp/members"); do
	ar p "$wolf" "$m" >"$tmp/m.o"
	nm --defined-only "$tmp/m.o" 2>/dev/null |
	    awk '$2 == "T" {print $3}' >>"$tmp/tls-layer"
done
sort -u -o "$tmp/tls-layer" "$tmp/tls-layer"
[ -s "$tmp/tls-layer" ] || { echo "check-layout: no TLS-layer symbols found in $wolf" >&2; exit 2; }

for f in src/kdb src/tls src/verify src/catalog src/files sandbox; do
	defined "$f" >"$tmp/$(basename "$f")"
done
for p in bulwark bulwark-keyd bulwark-cert bulwarkd bulwarkd-session; do
	contains "$p" >"$tmp/bin-$p"
done

# rule: what must not be in which program, and why
forbid() { # program set why
	found=$(comm -12 "$tmp/bin-$1" "$tmp/$2" | head -5 | tr '\n' ' ')
	if [ -n "$found" ]; then
		echo "check-layout: $1 contains $2 code ($found): $3" >&2
		fail=1
	fi
}
# The network process parses the peer's bytes: an attacker who owns it
# must find no key-database decryption, stash parser or rekey to jump to.
forbid bulwark kdb "the network program must not hold the key database's code"
# The key helper holds the secrets and needs only wolfCrypt: no TLS state
# machine, no path validation, no session code in the process with the keys.
forbid bulwark-keyd tls-layer "the key helper needs wolfCrypt only, not wolfSSL's TLS layer"
forbid bulwark-keyd verify "the key helper does not validate chains"
forbid bulwark-keyd tls "the key helper has no session code"
# The administrator's tool opens the database and parses files; it makes
# no connections and needs neither the session nor the verifier.
forbid bulwark-cert tls-layer "bulwark-cert makes no TLS connections"
forbid bulwark-cert tls "bulwark-cert has no session code"
forbid bulwark-cert verify "bulwark-cert does not validate chains"
forbid bulwark-cert sandbox "bulwark-cert is not sandboxed (it is the administrator's tool)"
# A server's session process parses a hostile client's bytes: like the
# client's network process, it holds no key database code; its key
# helper signs for it.
forbid bulwarkd-session kdb "a session process must not hold the key database's code"
# The user's files are the file side's: the processes that hold keys
# or face a server's or client's bytes have no code that writes them.
forbid bulwark-keyd files "the key helper never touches the user's files"
forbid bulwark-cert files "bulwark-cert never touches the user's files"
forbid bulwarkd files "the server keeps its data in its own layout, not the client's"
forbid bulwarkd-session files "a session process never writes a client's file tree"
# The listener makes and stores the server's keys (init, cert) and never
# reads a client's bytes: no TLS layer, no session, no verifier in it.
forbid bulwarkd tls-layer "the listener never runs TLS; its sessions do"
forbid bulwarkd tls "the listener has no session code"
# The catalog (and SQLite with it) is the server's: no client program,
# nor the key helper, holds a line of it.
forbid bulwark catalog "the client has no server catalog"
forbid bulwark-keyd catalog "the key helper has no server catalog"
forbid bulwark-cert catalog "bulwark-cert has no server catalog"
forbid bulwarkd verify "the listener does not validate chains"

# A file past 1,500 lines holds more than one concern: no reviewer reads
# it whole, and a change to one part breaks another unseen (the verifier
# was one file of 3,900 lines before it was split along its sections).
max_lines=1500
for f in $(cd "$top" && find src sandbox -name '*.[ch]' | sort); do
	n=$(wc -l <"$top/$f")
	if [ "$n" -gt "$max_lines" ]; then
		echo "check-layout: $f has $n lines, more than $max_lines: split it along its concerns" >&2
		fail=1
	fi
done

[ "$fail" = 0 ] && echo "check-layout: every program holds only the code of its side; no source file passes $max_lines lines"
exit "$fail"
