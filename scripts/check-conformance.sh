#!/bin/sh
# Runs every x509-limbo and NIST PKITS case through bulwark verify and
# holds each outcome to what its suite expects, or to the exception that
# docs/conformance.md justifies (tests/conformance/exceptions.txt). A
# change that starts accepting a chain a suite refuses, or refusing one
# it accepts, fails here; so does a listed exception that no longer
# happens, so that the list and the page stay true.
#
#   scripts/check-conformance.sh SHARED BULWARK
#
# SHARED is the shared checkout: the runners in SHARED/tools, the suites
# in SHARED/testdata. Without SHARED/testdata the check is skipped with
# one line. BULWARK is the program to run. Exits 1 when an outcome
# differs, 2 when the check cannot run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:?usage: check-conformance.sh SHARED BULWARK}
bulwark=${2:?usage: check-conformance.sh SHARED BULWARK}
list=$top/tests/conformance/exceptions.txt
doc=$top/docs/conformance.md

if [ ! -d "$shared/testdata" ]; then
	echo "check-conformance: $shared/testdata is absent: the limbo and PKITS outcomes are not checked"
	exit 0
fi
# The suites are there: a missing runner or suite must not pass quietly.
for f in "$shared/tools/limbo-run" "$shared/tools/pkits-run" \
    "$shared/testdata/x509-limbo/limbo.json" "$shared/testdata/pkits/pkits.json"; do
	[ -r "$f" ] || { echo "check-conformance: $f is missing: cannot check" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "check-conformance: python3 is missing: cannot check" >&2; exit 2; }
case $bulwark in /*) ;; *) bulwark=$(pwd)/$bulwark ;; esac
[ -x "$bulwark" ] || { echo "check-conformance: $bulwark is not built" >&2; exit 2; }
export BULWARK="$bulwark"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# Every listed exception names a justification that the page has.
grep -v '^#' "$list" | awk 'NF' >"$tmp/list"
awk 'NF != 4 { print "check-conformance: exceptions.txt: not SUITE OUTCOME CASE SECTION: " $0; bad = 1 } END { exit bad }' \
    "$tmp/list" >&2 || exit 2
for s in $(awk '{ print $4 }' "$tmp/list" | sort -u); do
	grep -qE "^\*\*([A-Z][0-9], )*$s[.,]" "$doc" || {
		echo "check-conformance: exception section $s is not in docs/conformance.md" >&2
		fail=1
	}
done

# x509-limbo: the runner's results name every case and its outcome.
"$shared/tools/limbo-run" --jobs 2 --results "$tmp/limbo.json" \
    --cmd "$top/tests/conformance/limbo.sh" >"$tmp/limbo.out" 2>&1 ||
    { cat "$tmp/limbo.out" >&2; exit 2; }
python3 - "$tmp/limbo.json" >"$tmp/limbo.got" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    o = {"PASS": "passed", "SKIP": "skipped"}.get(r["outcome"]) or \
        {"SUCCESS": "accepted", "FAILURE": "refused"}.get(r["actual"], "hung")
    print("limbo", o, r["id"])
PY

# NIST PKITS: the runner lists the cases that differ; the rest passed.
"$shared/tools/pkits-run" -v --cmd "$top/tests/conformance/pkits.sh" \
    >"$tmp/pkits.out" 2>&1 || { cat "$tmp/pkits.out" >&2; exit 2; }
python3 - "$shared/testdata/pkits/pkits.json" "$tmp/pkits.out" \
    >"$tmp/pkits.got" <<'PY'
import json, re, sys
differ = {}
for l in open(sys.argv[2]):
    m = re.match(r"\s+FAIL (\S+) (\S+): expected \S+ got (\S+)", l)
    if m:
        differ[m[1] + ":" + m[2]] = "accepted" if m[3] == "SUCCESS" else "refused"
for c in json.load(open(sys.argv[1])):
    i = c["id"] + ":" + c["name"]
    print("pkits", differ.pop(i, "passed"), i)
for i in differ:
    print("pkits unknown", i)
PY
grep -q ' passed, ' "$tmp/pkits.out" || { cat "$tmp/pkits.out" >&2; exit 2; }

# Each case as expected or as listed, and each listed case as listed.
cat "$tmp/limbo.got" "$tmp/pkits.got" >"$tmp/all"
grep -v ' passed ' "$tmp/all" | sort >"$tmp/got" || true
awk '{ print $1, $2, $3 }' "$tmp/list" | sort >"$tmp/want"
comm -23 "$tmp/got" "$tmp/want" | while read -r suite outcome id; do
	case $outcome in
	accepted) what="accepted, where the suite expects a refusal" ;;
	refused) what="refused, where the suite expects it accepted" ;;
	*) what=$outcome ;;
	esac
	echo "check-conformance: $suite $id: $what, and not an exception of docs/conformance.md"
done >"$tmp/new"
comm -13 "$tmp/got" "$tmp/want" | while read -r suite outcome id; do
	now=$(awk -v s="$suite" -v i="$id" '$1 == s && $3 == i { print $2 }' "$tmp/all")
	echo "check-conformance: $suite $id: listed as $outcome in tests/conformance/exceptions.txt, but its outcome is now: ${now:-not in the suite}"
done >>"$tmp/new"
if [ -s "$tmp/new" ]; then
	cat "$tmp/new" >&2
	echo "check-conformance: fix the change, or justify the outcome in docs/conformance.md and tests/conformance/exceptions.txt" >&2
	fail=1
fi
[ "$fail" = 0 ] || exit 1
echo "check-conformance: x509-limbo $(tail -1 "$tmp/limbo.out"), NIST PKITS $(tail -1 "$tmp/pkits.out"): every case as its suite expects or as tests/conformance/exceptions.txt lists ($(wc -l <"$tmp/want" | tr -d ' ') exceptions)"
