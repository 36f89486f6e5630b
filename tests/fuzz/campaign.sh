#!/usr/bin/env bash
# campaign.sh - a long fuzzing campaign, in the background if you like.
#
#   tests/fuzz/campaign.sh SECONDS [LOG]    (LOG default tests/fuzz/campaign.log)
#
# Runs build-fuzz/fuzz_compile as one libFuzzer job (-jobs=1 -workers=1)
# for SECONDS on a corpus kept in build-fuzz/campaign/corpus (seeded like
# run.sh, and growing from one campaign to the next), and writes a line to
# LOG every minute: the time, the executions so far, coverage and crashes.
# Crash inputs land in build-fuzz/campaign/; the last line of LOG is the
# total.  Does not touch the repo except LOG.
# FUZZ_MAX_LEN (default 65536; 1048576 reaches the spec size limit),
# FUZZ_TIMEOUT (seconds per input, default 10) and FUZZ_RSS_MB (default
# 2048) set libFuzzer's limits; FUZZ_ARGS adds libFuzzer flags (e.g.
# -len_control=0, so that inputs grow to FUZZ_MAX_LEN at once).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
SECS=${1:?usage: campaign.sh SECONDS [LOG]}
LOG=${2:-$ROOT/tests/fuzz/campaign.log}
BIN=$ROOT/build-fuzz/fuzz_compile
MAX_LEN=${FUZZ_MAX_LEN:-65536}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
DIR=$ROOT/build-fuzz/campaign
[ -x "$BIN" ] || bash tests/fuzz/build.sh "$ROOT/build-fuzz" || exit 1
mkdir -p "$DIR/corpus"
cp -n tests/fuzz/corpus/* tests/fuzz/regressions/* "$DIR/corpus/" 2>/dev/null
for f in examples/*/app.yaml; do cp "$f" "$DIR/corpus/example-$(basename "$(dirname "$f")").yaml"; done
for f in tests/errors/*.yaml; do [ -f "$f" ] && cp "$f" "$DIR/corpus/error-$(basename "$f")"; done
rm -f "$DIR"/fuzz-0.log
# A copy of the binary, so that a rebuild does not pull it from under the run.
cp "$BIN" "$DIR/fuzz_compile"

echo "$(date -u +%FT%TZ) campaign start: $SECS s, max_len $MAX_LEN, timeout $TIMEOUT s, rss $RSS_MB MB, args '${FUZZ_ARGS:-}', $(find "$DIR/corpus" -type f | wc -l) inputs, binary $(sha256sum "$BIN" | cut -c1-12), commit $(git rev-parse --short HEAD 2>/dev/null)" >>"$LOG"
# shellcheck disable=SC2086 # FUZZ_ARGS splits into flags
(cd "$DIR" && exec ./fuzz_compile -jobs=1 -workers=1 -max_len="$MAX_LEN" -timeout="$TIMEOUT" \
	-rss_limit_mb="$RSS_MB" \
	-max_total_time="$SECS" -dict="$ROOT/tests/fuzz/yaml.dict" -artifact_prefix="$DIR/" \
	-print_final_stats=1 ${FUZZ_ARGS:-} corpus >"$DIR/driver.log" 2>&1) &
pid=$!
status_line() {
	local last crashes
	last=$(grep -a -E '^#[0-9]+[[:space:]]' "$DIR/fuzz-0.log" 2>/dev/null | tail -n 1)
	crashes=$(find "$DIR" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	echo "$(date -u +%FT%TZ) $1 ${last:-starting}; crash/leak/timeout/oom inputs: $crashes"
}
while kill -0 "$pid" 2>/dev/null; do
	sleep 60
	status_line running >>"$LOG"
done
wait "$pid"
status=$?
execs=$(sed -n -E 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$DIR/fuzz-0.log" | tail -n 1)
status_line "finished (exit $status): ${execs:-?} executions;" >>"$LOG"
grep -a -E -A 20 'ERROR|broken invariant|runtime error' "$DIR/fuzz-0.log" | head -n 40 >>"$LOG"
