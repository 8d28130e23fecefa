#!/usr/bin/env bash
# The line coverage of what each fuzz target's corpus exercises, for
# docs/fuzzing.md: each target built again with clang's coverage instead
# of the sanitizers (make fuzz-cover: build/fuzz-cov/), its corpus
# replayed (fuzz/corpus/TARGET, and build/fuzz/work/TARGET when a long
# run grew one), then llvm-cov over the project's own sources it links
# (wolfSSL and the target's own file left out).
#
#   scripts/fuzz-cover.sh TARGET...
#
# Prints one line per target: name, corpus files, the lines covered of
# the lines of the files its corpus reaches at all, the percentage, and
# the file with the most lines covered (its own percentage).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/fuzz-cov
prof=$out/prof
rm -rf "$prof"
mkdir -p "$prof"
printf '%-22s %8s %16s %7s  %s\n' target corpus lines covered "most covered file"
for t in "$@"; do
	dirs=(fuzz/corpus/$t)
	[ -d build/fuzz/work/$t ] && dirs+=(build/fuzz/work/$t)
	n=$(find "${dirs[@]}" -type f | wc -l)
	LLVM_PROFILE_FILE=$prof/$t.%p.profraw "$out/$t" -runs=0 "${dirs[@]}" \
		>"$prof/$t.log" 2>&1 || {
		echo "fuzz-cover: $t failed on its corpus; see $prof/$t.log" >&2
		exit 1
	}
	llvm-profdata merge -sparse "$prof/$t".*.profraw -o "$prof/$t.profdata"
	# the project's sources in the binary, without the target's own file
	llvm-cov report "$out/$t" -instr-profile="$prof/$t.profdata" \
		-ignore-filename-regex='(^|/)(fuzz|build)/' >"$prof/$t.report"
	# the files the corpus reaches at all: the code it exercises
	awk -v t="$t" -v n="$n" '
		$1 ~ /\.c$/ && $8 - $9 > 0 {
			lines += $8; cov += $8 - $9
			if ($8 - $9 > best) {
				best = $8 - $9; file = $1
				pct = 100 * ($8 - $9) / $8
			}
		}
		END {
			printf "%-22s %8d %7d of %-6d %6.1f%%  %s (%.0f%%)\n", t, n,
			    cov, lines, lines ? 100 * cov / lines : 0, file, pct
		}' "$prof/$t.report"
done
