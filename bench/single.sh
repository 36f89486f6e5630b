#!/usr/bin/env bash
# single.sh - what one `stagec SPEC` costs against a `cat` of the same spec,
# for every example (examples/*/app.yaml).
#
#   bench/single.sh [STAGEC] [RUNS]      (default build/stagec, 200 runs)
#
# Per example it prints the instructions each command executes (valgrind's
# callgrind, the dynamic loader and start-up included: the same count
# every time, whatever the machine's load), their ratio, then the CPU time
# (user + system) and the wall time per run, averaged over RUNS runs of
# each command alternating, and the CPU ratio.  Wall time on a shared
# machine waits for a core; CPU time is the steadier of the two.  The goal
# (issue 10) is a ratio of at most 3.  Needs valgrind and GNU time.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
STAGEC=${1:-build/stagec}
RUNS=${2:-200}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
[ -x "$STAGEC" ] || { echo "single: $STAGEC not found; build first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "single: needs valgrind" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "single: needs GNU time (apt-get install time)" >&2; exit 2; }
CAT=$(command -v cat)

instructions() { # cmd... -> instructions executed
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
# cmd... -> "CPU-ms wall-ms" per run, RUNS runs in one shell loop
per_run() {
	/usr/bin/time -f '%U %S %e' bash -c 'for ((i = 0; i < '"$RUNS"'; i++)); do "$@" >/dev/null 2>&1; done' _ "$@" 2>&1 |
		tail -n 1 | awk -v n="$RUNS" '{ printf "%.3f %.3f", ($1 + $2) * 1000 / n, $3 * 1000 / n }'
}

printf '| example | stagec instr | cat instr | × | stagec CPU ms | cat CPU ms | × | stagec wall ms | cat wall ms |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
worst_i=0 worst_t=0
for spec in examples/*/app.yaml; do
	ex=$(basename "$(dirname "$spec")")
	si=$(instructions "$STAGEC" "$spec")
	ci=$(instructions "$CAT" "$spec")
	read -r sc sw <<<"$(per_run "$STAGEC" "$spec")"
	read -r cc cw <<<"$(per_run "$CAT" "$spec")"
	ri=$(awk -v a="$si" -v b="$ci" 'BEGIN { printf "%.1f", a / b }')
	rt=$(awk -v a="$sc" -v b="$cc" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$ex" "$si" "$ci" "$ri" "$sc" "$cc" "$rt" "$sw" "$cw"
	worst_i=$(awk -v a="$ri" -v b="$worst_i" 'BEGIN { print (a > b ? a : b) }')
	worst_t=$(awk -v a="$rt" -v b="$worst_t" 'BEGIN { print (a > b ? a : b) }')
done
echo "single: worst ratio ${worst_i}× in instructions, ${worst_t}× in CPU time (goal: 3×)"
