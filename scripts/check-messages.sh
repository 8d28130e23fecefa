#!/bin/sh
# Checks that every message ID used in src/ and scripts/ has its own entry
# (a "### ID" heading) in docs/messages.md. Prints the missing IDs and exits
# 1 when there are any; exits 0 otherwise. IDs documented but no longer used
# are listed as a note and do not fail the check (IDs are never reused).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
doc=docs/messages.md
pattern='BWK[0-9]{4}[IWE]'

[ -f "$doc" ] || { echo "check-messages: $doc is missing" >&2; exit 2; }
used=$(grep -rhoE "$pattern" src sandbox scripts | sort -u)
documented=$(grep -oE "^### $pattern" "$doc" | sed 's/^### //' | sort -u)

missing=$(printf '%s\n' "$used" | grep -vxF -e "$documented" || true)
unused=$(printf '%s\n' "$documented" | grep -vxF -e "$used" || true)

if [ -n "$unused" ]; then
	echo "check-messages: note: documented but not used in src/ or scripts/:" $unused >&2
fi
if [ -n "$missing" ]; then
	echo "check-messages: used but not documented in $doc:" >&2
	printf '  %s\n' $missing >&2
	exit 1
fi
echo "check-messages: all $(printf '%s\n' "$used" | wc -l | tr -d ' ') message IDs are documented in $doc"
