#!/usr/bin/env bash
# Every manual page renders without a single warning from man and groff
# (man --warnings: groff -ww), so that an installed page shows what was
# written and lintian finds nothing to say about it. Prints each page's
# warnings and exits 1 when there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v man >/dev/null || { echo "BWK1900E check-man: man is missing; run make deps as root" >&2; exit 2; }
fail=0
n=0
for page in man/*.[1-8]; do
	n=$((n + 1))
	# stdout is the page; everything on stderr is a warning or an error
	if ! out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -Tutf8 "$page" 2>&1 >/dev/null) ||
		[ -n "$out" ]; then
		echo "$page:"
		printf '%s\n' "$out" | sed 's/^/  /'
		fail=1
	fi
done
[ "$fail" = 0 ] || { echo "BWK1901E check-man: the pages above have warnings" >&2; exit 1; }
echo "check-man: $n pages, no warnings"
