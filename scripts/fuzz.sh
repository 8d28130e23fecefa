#!/usr/bin/env bash
# Replays the seed corpora, then fuzzes every target for a bounded time.
#
#   scripts/fuzz.sh MODE SECONDS SHARED TARGET...
#
#   MODE     check: quiet, one summary line per target (make fuzz-check)
#            long:  libFuzzer's own output on the terminal (make fuzz)
#   SECONDS  fuzzing time per target (-max_total_time)
#   SHARED   the shared checkout; SHARED/testdata/fuzz-seeds holds extra,
#            read-only seeds, and fuzz_verify's are made from the suites in
#            SHARED/testdata (scripts/verify-seeds.py). It may be absent:
#            then only fuzz/corpus is used.
#   TARGET   fuzz_certfile, fuzz_kdb, ... (binaries in build/fuzz/)
#
# FUZZ_RUNS=N in the environment (long mode only): fuzz each target for
# exactly N executions (-runs=N) instead of SECONDS, as the campaign's
# 10^8 runs do (docs/fuzzing.md).
# FUZZ_WORKERS=N (long mode only, default 1): fuzz each target with N
# processes at once on one working corpus, which each reloads every
# second (libFuzzer's -reload), so that what one finds the others build
# on: one target gets every core. With FUZZ_RUNS the N processes share
# the executions (N-1 do FUZZ_RUNS/N, the first the rest); without it
# each runs for SECONDS. Their output goes to build/fuzz/logs/TARGET.fuzz.wI.log.
#
# Reads fuzz/corpus/TARGET and SHARED, never writes there. Writes:
#   build/fuzz/seeds/TARGET/      seeds made from SHARED's suites
#   build/fuzz/work/TARGET/       the working corpus (fresh on every run)
#   build/fuzz/artifacts/TARGET/  crash-*, leak-*, timeout-*, oom-* inputs
#   build/fuzz/logs/TARGET.*.log  libFuzzer's output
# Exits non-zero when any target crashes, leaks, times out or runs out of
# memory, in the replay or while fuzzing.
set -euo pipefail

usage() {
	echo "usage: scripts/fuzz.sh check|long SECONDS SHARED TARGET..." >&2
	exit 2
}

[ $# -ge 4 ] || usage
mode=$1 secs=$2 shared=$3
shift 3
case $mode in check|long) ;; *) usage ;; esac
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || usage
runs=${FUZZ_RUNS:-}
if [ -n "$runs" ]; then
	[[ $runs =~ ^[1-9][0-9]*$ ]] || {
		echo "fuzz: FUZZ_RUNS='$runs' is not a number of executions" >&2
		exit 2
	}
	[ "$mode" = long ] || {
		echo "fuzz: FUZZ_RUNS is for make fuzz, not the check step" >&2
		exit 2
	}
fi
workers=${FUZZ_WORKERS:-1}
[[ $workers =~ ^[1-9][0-9]*$ ]] && [ "$workers" -le 64 ] || {
	echo "fuzz: FUZZ_WORKERS='$workers' is not a number of processes from 1 to 64" >&2
	exit 2
}
if [ "$workers" -gt 1 ] && [ "$mode" != long ]; then
	echo "fuzz: FUZZ_WORKERS is for make fuzz, not the check step" >&2
	exit 2
fi
if [ -n "$runs" ] && [ "$runs" -lt "$workers" ]; then
	echo "fuzz: FUZZ_RUNS=$runs is fewer than FUZZ_WORKERS=$workers" >&2
	exit 2
fi
case $shared in /*) ;; *) shared=$PWD/$shared ;; esac

cd "$(dirname "$0")/.."

# UBSan aborts on the first finding (-fno-sanitize-recover); show where.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

seeds=$shared/testdata/fuzz-seeds
have_shared=1
if [ ! -d "$shared/testdata" ]; then
	have_shared=0
	echo "fuzz: $shared/testdata not found; replaying the project's own corpora only"
fi

# Extra seed directories, relative to $seeds, for each target.
extra_dirs() {
	case $1 in
	fuzz_certfile)
		echo boringssl/cert_corpus boringssl/parse_certificate_fuzzer_corpus \
		    openssl/x509 frankencert/test_certs ;;
	*) ;;	# fuzz_kdb, fuzz_stash: Bulwark's own formats, no outside seeds
	esac
}

# Suites under SHARED/testdata whose cases are made into seeds first, for
# each target: fuzz_verify's chains and anchors come from the path
# validation suites, which are JSON and per-case file lists, not inputs.
made_dirs() {
	case $1 in
	fuzz_verify) echo x509-limbo pkits ;;
	*) ;;
	esac
}

max_len() {
	case $1 in
	fuzz_certfile|fuzz_verify) echo 65536 ;;
	fuzz_handshake) echo 16384 ;;
	# a file of more than one DATA frame, restored in more than one RDATA
	fuzz_serve) echo 40000 ;;
	*) echo 8192 ;;
	esac
}

# The first number after "pattern" in file, or "?".
stat_of() {
	local v
	v=$(sed -n "s/^$1[^0-9]*\([0-9][0-9]*\).*/\1/p" "$2" | tail -n 1)
	echo "${v:-?}"
}

# run LOG CMD...: runs a libFuzzer command; quiet in check mode.
# Returns the command's exit status.
run() {
	local log=$1 rc=0
	shift
	if [ "$mode" = check ]; then
		"$@" >"$log" 2>&1 || rc=$?
	else
		echo "+ $*" >"$log"
		set +e
		"$@" 2>&1 | tee -a "$log"
		rc=${PIPESTATUS[0]}
		set -e
	fi
	return "$rc"
}

report_failure() { # target what log
	echo "fuzz: $1: FAILED in $2 (log: $3)" >&2
	if [ "$mode" = check ]; then
		tail -n 40 "$3" | sed 's/^/    /' >&2
	fi
	grep -h -o 'Test unit written to .*' "$3" | sed 's/^/fuzz: /' >&2 || true
}

mkdir -p build/fuzz/logs build/fuzz/work build/fuzz/artifacts
failed=()

# FUZZ_WORKERS processes fuzzing target t on one working corpus; sets
# execs to the sum of their executions. 0, or 1 when any failed (each
# failure's report printed).
fuzz_workers() {
	local t=$1 bin=$2 work=$3 w wlog rc=0 n per st id
	local -a pids=() limit
	local -A live=()
	execs=0
	for ((w = 0; w < workers; w++)); do
		wlog=build/fuzz/logs/$t.fuzz.w$w.log
		if [ -n "$runs" ]; then
			per=$((runs / workers))
			[ "$w" -gt 0 ] || per=$((runs - per * (workers - 1)))
			limit=(-runs="$per")
		else
			limit=(-max_total_time="$secs")
		fi
		echo "+ $bin ${common[*]} ${limit[*]} -max_len=$(max_len "$t") $work" >"$wlog"
		"$bin" "${common[@]}" "${limit[@]}" -max_len="$(max_len "$t")" \
		    "$work" >>"$wlog" 2>&1 &
		pids+=($!)
	done
	echo "fuzz: $t: $workers processes, logs in build/fuzz/logs/$t.fuzz.w*.log"
	for ((w = 0; w < workers; w++)); do
		live[${pids[$w]}]=$w
	done
	# The first to fail stops the others: its input is the finding.
	while [ ${#live[@]} -gt 0 ]; do
		st=0
		wait -n -p id "${!live[@]}" || st=$?
		w=${live[$id]}
		unset "live[$id]"
		wlog=build/fuzz/logs/$t.fuzz.w$w.log
		if [ "$rc" != 0 ]; then
			continue
		fi
		if [ "$st" != 0 ]; then
			report_failure "$t" "fuzzing (process $w)" "$wlog"
			rc=1
			[ ${#live[@]} -eq 0 ] || kill -INT "${!live[@]}" 2>/dev/null || true
			continue
		fi
		n=$(stat_of 'stat::number_of_executed_units:' "$wlog")
		if [ "$n" = '?' ]; then
			echo "fuzz: $t: process $w printed no count of executions; the total leaves it out (log: $wlog)" >&2
		else
			execs=$((execs + n))
		fi
	done
	return "$rc"
}

# One target: its replay, then its fuzzing. 0, 1 when it failed (its
# report printed), 2 when it is not built.
fuzz_one() {
	local t=$1 bin own art work common dirs d s out scratch replayed
	local rstart ok i log n rtime fstart ftime execs rate limit
	bin=build/fuzz/$t
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin not built (make $bin)" >&2
		return 2
	fi
	own=fuzz/corpus/$t
	if [ ! -d "$own" ]; then
		echo "fuzz: $t: no seed corpus in $own; starting from nothing" >&2
	fi
	art=build/fuzz/artifacts/$t
	work=build/fuzz/work/$t
	mkdir -p "$art"
	rm -rf "$work"
	mkdir -p "$work"
	common=(-rss_limit_mb=2048 -timeout=10 -artifact_prefix="$art/"
	    -print_final_stats=1)

	# --- replay: every seed once (-runs=0), one process per directory.
	# The first corpus directory is where libFuzzer would write; give it
	# an empty scratch one so that no seed directory is ever written to.
	dirs=()
	[ -d "$own" ] && dirs+=("$own")
	if [ "$have_shared" = 1 ]; then
		for d in $(extra_dirs "$t"); do
			if [ -d "$seeds/$d" ]; then
				dirs+=("$seeds/$d")
			else
				echo "fuzz: $t: $seeds/$d not found; skipped" >&2
			fi
		done
		for s in $(made_dirs "$t"); do
			out=build/fuzz/seeds/$t/$s
			if [ ! -d "$shared/testdata/$s" ]; then
				echo "fuzz: $t: $shared/testdata/$s not found; its seeds skipped" >&2
			elif n=$(python3 scripts/verify-seeds.py "$s" \
			    "$shared/testdata/$s" "$out"); then
				[ "$mode" = check ] ||
					echo "fuzz: $t: $n seeds made from $s"
				dirs+=("$out")
			else
				echo "fuzz: $t: seeds from $shared/testdata/$s could not be made; skipped" >&2
			fi
		done
	fi
	scratch=build/fuzz/work/.replay-$t
	replayed=0 rstart=$(date +%s) ok=1 i=0
	for d in "${dirs[@]}"; do
		i=$((i + 1))
		log=build/fuzz/logs/$t.replay$i.log
		rm -rf "$scratch"
		mkdir -p "$scratch"
		if ! run "$log" "$bin" "${common[@]}" -runs=0 "$scratch" "$d"; then
			report_failure "$t" "the replay of $d" "$log"
			ok=0
			break
		fi
		n=$(stat_of 'Done' "$log")
		[ "$n" = '?' ] || replayed=$((replayed + n))
	done
	rm -rf "$scratch"
	rtime=$(($(date +%s) - rstart))
	[ "$ok" = 1 ] || return 1

	# --- fuzz: a fresh working corpus seeded with copies of every seed
	# (libFuzzer reads corpus directories recursively).
	for d in "${dirs[@]}"; do
		cp -R "$d" "$work/seed-$(echo "${d#"$seeds"/}" | tr / -)"
	done
	# no log of an earlier run, with one process or more, is left to mislead
	rm -f "build/fuzz/logs/$t.fuzz.log" "build/fuzz/logs/$t.fuzz.w"*.log
	log=build/fuzz/logs/$t.fuzz.log
	fstart=$(date +%s)
	if [ "$workers" -gt 1 ]; then
		fuzz_workers "$t" "$bin" "$work" || return 1
		ftime=$(($(date +%s) - fstart))
		rate=$((execs / (ftime > 0 ? ftime : 1)))
	else
		if [ -n "$runs" ]; then
			limit=(-runs="$runs")
		else
			limit=(-max_total_time="$secs")
		fi
		if ! run "$log" "$bin" "${common[@]}" "${limit[@]}" \
		    -max_len="$(max_len "$t")" "$work"; then
			report_failure "$t" "fuzzing" "$log"
			return 1
		fi
		ftime=$(($(date +%s) - fstart))
		execs=$(stat_of 'stat::number_of_executed_units:' "$log")
		rate=$(stat_of 'stat::average_exec_per_sec:' "$log")
	fi
	printf 'fuzz: %-14s ok: replayed %s inputs from %d dir(s) in %ds; %s execs in %ds (%s exec/s)\n' \
	    "$t" "$replayed" "${#dirs[@]}" "$rtime" "$execs" "$ftime" "$rate"
}

# In check mode the targets run FUZZ_JOBS at a time (default 2: the
# machine's cores; each target is one process), so that make check's
# short step takes half as long; the long runs go one after the other
# unless FUZZ_JOBS says otherwise, their output on the terminal.
if [ "$mode" = check ]; then
	jobs_max=${FUZZ_JOBS:-2}
else
	jobs_max=${FUZZ_JOBS:-1}
fi
failfile=$(mktemp)
trap 'rm -f "$failfile"' EXIT
for t in "$@"; do
	if [ "$jobs_max" -le 1 ]; then
		fuzz_one "$t" || { rc=$?; [ "$rc" = 2 ] && exit 2; echo "$t" >>"$failfile"; }
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n || true
	done
	( fuzz_one "$t" || echo "$t" >>"$failfile" ) &
done
wait
mapfile -t failed <"$failfile"

if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED: ${failed[*]} (inputs in build/fuzz/artifacts/)" >&2
	exit 1
fi
