#!/usr/bin/env bash
# run.sh - runs a libFuzzer target for SECONDS seconds.
#
#   tests/fuzz/run.sh [SECONDS]    (default 60)
#
# FUZZ_TARGET picks the target: fuzz_compile (the default: the pipeline)
# or fuzz_readers (the lock, the policy, project files and init).
# Builds it under build-fuzz/ when it is missing (or FUZZ_REBUILD=1),
# then fuzzes a scratch copy of the corpus.  fuzz_compile's: tests/fuzz/corpus,
# the saved regressions, the examples' app.yaml and tests/errors/*.yaml.
# fuzz_readers': the repository's own locks, policies and project files,
# each behind the two bytes that pick its reader (see fuzz_readers.c).  The repo
# stays clean unless FUZZ_MERGE=1, which merges what the run found into
# tests/fuzz/corpus (libFuzzer -merge=1 keeps only inputs with new
# coverage).  A crash input is copied to build-fuzz/crashes/; save it
# under tests/fuzz/regressions/ once the bug is fixed.  Prints the
# executions and "fuzz: N passed, N failed" (1 passed: no crash).
# FUZZ_JOBS=N runs N fuzzing processes; FUZZ_ARGS adds libFuzzer flags;
# FUZZ_OUT=DIR uses DIR instead of build-fuzz.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
SECONDS_TO_RUN=${1:-60}
OUT=${FUZZ_OUT:-$ROOT/build-fuzz}
TARGET=${FUZZ_TARGET:-fuzz_compile}
BIN=$OUT/$TARGET

if [ ! -x "$BIN" ] || [ "${FUZZ_REBUILD:-0}" = 1 ]; then
	if ! bash tests/fuzz/build.sh "$OUT"; then
		echo "fuzz: could not build the target"
		echo "fuzz: 0 passed, 1 failed"
		exit 1
	fi
fi

scratch=$(mktemp -d /tmp/stagec-fuzz-run.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/corpus" "$scratch/artifacts" "$OUT/crashes"
# seed KIND WHICH FILE: FILE behind fuzz_readers' two selector bytes
nseed=0
seed() {
	nseed=$((nseed + 1))
	{ printf "\\$(printf %03o "$1")\\$(printf %03o "$2")"; head -c 65000 "$3"; } >"$scratch/corpus/seed-$nseed"
}
if [ "$TARGET" = fuzz_readers ]; then
	# kinds: 0 lock, 1 policy, 2 TOML, 3 JSON, 4 XML, 5 init (WHICH: the file's name)
	while IFS= read -r f; do seed 0 0 "$f"; done < <(find examples tests -name stagec.lock -o -name '*.lock.yaml' | sort | head -40)
	while IFS= read -r f; do seed 1 0 "$f"; done < <(find tests -path '*policy*' -name '*.yaml' | sort | head -60)
	while IFS= read -r f; do seed 2 0 "$f"; seed 5 1 "$f"; seed 5 4 "$f"; done < <(find examples tests -name '*.toml' | sort | head -40)
	while IFS= read -r f; do seed 3 0 "$f"; seed 5 0 "$f"; seed 5 5 "$f"; done < <(find examples tests -name package.json -o -name composer.json | sort | head -40)
	while IFS= read -r f; do seed 4 0 "$f"; seed 5 2 "$f"; seed 5 7 "$f"; done < <(find examples tests -name pom.xml -o -name '*.csproj' | sort | head -40)
	while IFS= read -r f; do seed 5 3 "$f"; seed 5 6 "$f"; seed 5 9 "$f"; done < <(find examples tests -name go.mod -o -name Gemfile -o -name requirements.txt | sort | head -40)
else
	cp tests/fuzz/corpus/* "$scratch/corpus/" 2>/dev/null
	cp tests/fuzz/regressions/* "$scratch/corpus/" 2>/dev/null
	for f in examples/*/app.yaml; do cp "$f" "$scratch/corpus/example-$(basename "$(dirname "$f")").yaml"; done
	for f in tests/errors/*.yaml; do [ -f "$f" ] && cp "$f" "$scratch/corpus/error-$(basename "$f")"; done
fi
seeds=$(find "$scratch/corpus" -type f | wc -l)

jobs=${FUZZ_JOBS:-1}
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
log=$scratch/fuzz.log
start=$(date +%s)
# shellcheck disable=SC2086
(cd "$scratch" && "$BIN" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-max_total_time="$SECONDS_TO_RUN" -dict="$ROOT/tests/fuzz/yaml.dict" \
	-artifact_prefix="$scratch/artifacts/" -print_final_stats=1 \
	"${parallel[@]}" ${FUZZ_ARGS:-} corpus) >"$log" 2>&1
status=$?
elapsed=$(($(date +%s) - start))
# With -jobs, each job writes fuzz-N.log in the working folder.
if [ "$jobs" -gt 1 ]; then
	cat "$scratch"/fuzz-*.log >"$log.jobs" 2>/dev/null
	mv "$log.jobs" "$log"
fi

execs=$(sed -n -E 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | paste -sd+ - | bc)
execs=${execs:-0}
crashes=$(find "$scratch/artifacts" -type f | wc -l)
grep -E "^#[0-9]+[[:space:]]+(DONE|pulse)" "$log" | tail -n 1
echo "fuzz: $execs executions in ${elapsed}s from $seeds seeds, corpus now $(find "$scratch/corpus" -type f | wc -l) inputs"

if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$status" -eq 0 ]; then
	mkdir -p "$scratch/merged"
	"$BIN" -merge=1 -max_len=65536 -timeout=10 tests/fuzz/corpus "$scratch/corpus" >"$scratch/merge.log" 2>&1 &&
		echo "fuzz: merged into tests/fuzz/corpus ($(find tests/fuzz/corpus -type f | wc -l) inputs)"
fi

if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
	echo "fuzz: libFuzzer exited with status $status"
	grep -E -A 40 '^(==[0-9]+==ERROR|fuzz_compile: broken invariant|fuzz_readers: |.*runtime error:|==[0-9]+== ERROR)' "$log" | head -n 80
	for a in "$scratch"/artifacts/*; do
		[ -f "$a" ] || continue
		cp "$a" "$OUT/crashes/"
		echo "fuzz: crash input saved as $OUT/crashes/$(basename "$a")"
	done
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
echo "fuzz: 1 passed, 0 failed"
