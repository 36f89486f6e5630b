#!/usr/bin/env bash
# monorepo.sh - `stagec all` over a generated monorepo, in one process.
#
#   bench/monorepo.sh [STAGEC] [SPECS]      (default build/stagec, 10000)
#
# Generates a tree of SPECS services in a temporary folder: copies of the
# examples (examples/*/: every stack, each with its manifests and
# sources, the generated files left out), round robin, 23 to a group
# folder (services/gNNNN/EXAMPLE, its name suffixed -gNNNN so that every
# bake target is unique), under a .git folder so the policy
# walk stops at the root, and synced to disk before anything is timed.
# Then it times, with GNU time: `stagec all` on the fresh tree (every file
# written; durability by one syncfs at the end), `stagec all` again (all
# unchanged), and `stagec all --check` on the unchanged tree; and prints
# the specs, the seconds (wall, and CPU: user + system) and the peak
# memory (maximum resident set size) of each, then the same first run on
# a tree of a tenth the size, for memory that stays flat per spec.  The
# goal (issue 10): 10,000 specs written in under 2 s, --check no slower.
# MONOREPO_KEEP=DIR keeps the tree in DIR; MONOREPO_TMP=DIR makes it
# below DIR instead of $TMPDIR (e.g. /dev/shm, a tmpfs, to see what the
# run costs without the disk).  The last row is the floor the file system
# sets: the same 3 files a spec written with a temporary file and a rename
# each (what stagec's writer does, fsync left out) by a small Python
# program, no compiling at all.  STAGEC_ALL_ARGS adds options (-j 1).  MONOREPO_RUNS=N (default 1)
# runs each row N times (the written files removed and synced before each
# run that writes) and prints the best of the N for each column: the
# machine is shared, so a time is the other jobs' too, and the best run is
# the one they disturbed least.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
STAGEC=${1:-build/stagec}
SPECS=${2:-10000}
RUNS=${MONOREPO_RUNS:-1}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
[ -x "$STAGEC" ] || { echo "monorepo: $STAGEC not found; build first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "monorepo: needs GNU time (apt-get install time)" >&2; exit 2; }
work=${MONOREPO_KEEP:-$(mktemp -d "${MONOREPO_TMP:-${TMPDIR:-/tmp}}/stagec-monorepo.XXXXXX")}
read -r -a extra <<<"${STAGEC_ALL_ARGS:-}"
[ -n "${MONOREPO_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

# generate ROOT N: N services below ROOT
generate() {
	local root=$1 n=$2 batch=$1.batch
	rm -rf "$root" "$batch"
	mkdir -p "$root/.git" "$batch"
	local ex=() e
	for e in examples/*/; do
		e=$(basename "$e")
		ex+=("$e")
		mkdir -p "$batch/$e"
		(cd "examples/$e" && tar cf - --exclude=Dockerfile --exclude=Dockerfile.single --exclude=.dockerignore .) |
			(cd "$batch/$e" && tar xf -)
	done
	local k=${#ex[@]} g=0 left
	while [ $((g * k)) -lt "$n" ]; do
		local gd
		gd=$(printf '%s/services/g%04d' "$root" "$g")
		mkdir -p "$gd"
		left=$((n - g * k))
		if [ "$left" -ge "$k" ]; then
			cp -r "$batch/." "$gd/"
		else
			for ((i = 0; i < left; i++)); do cp -r "$batch/${ex[$i]}" "$gd/"; done
		fi
		# a name each, as a repository has: names are bake targets (STG901)
		sed -i "s/^name: \(.*\)/name: \1-g$g/" "$gd"/*/app.yaml
		g=$((g + 1))
	done
	rm -rf "$batch"
	sync
}

# clean ROOT: the generated files removed (a run that writes starts afresh)
clean() {
	find "$1" \( -name Dockerfile -o -name Dockerfile.single -o -name .dockerignore -o -name docker-bake.json \) -delete
	sync
}

# timed LABEL ROOT ARGS...: runs stagec all ARGS in the tree RUNS times;
# prints a row of the best (lowest) wall, CPU and peak memory
timed() {
	local label=$1 root=$2
	shift 2
	local best_wall="" best_cpu="" best_rss="" summary="" r
	for ((r = 0; r < RUNS; r++)); do
		if [ "$label" = "all (files written)" ] && [ "$r" -gt 0 ]; then clean "$root"; fi
		(cd "$root" && /usr/bin/time -f 'TIME %e %U %S %M' "$STAGEC" all ${extra[@]+"${extra[@]}"} "$@" . >/dev/null 2>"$work/err")
		local t
		t=$(grep '^TIME' "$work/err" | tail -n 1)
		summary=$(grep '^all:' "$work/err" | tail -n 1)
		read -r _ wall user sys rss <<<"$t"
		local cpu
		cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
		best_wall=$(awk -v a="$best_wall" -v b="$wall" 'BEGIN { print (a == "" || b < a) ? b : a }')
		best_cpu=$(awk -v a="$best_cpu" -v b="$cpu" 'BEGIN { print (a == "" || b < a) ? b : a }')
		best_rss=$(awk -v a="$best_rss" -v b="$rss" 'BEGIN { print (a == "" || b < a) ? b : a }')
	done
	printf '| %s | %s | %.2f | %.2f | %.1f | %s |\n' "$label" "$(find "$root/services" -name app.yaml | wc -l)" \
		"$best_wall" "$best_cpu" "$(awk -v k="$best_rss" 'BEGIN { print k / 1024 }')" "$summary"
}

echo "| run | specs | wall s | CPU s | peak MB | summary |"
echo "|---|---:|---:|---:|---:|---|"
small=$((SPECS / 10))
generate "$work/small" "$small"
timed "all (files written)" "$work/small"
rm -rf "$work/small"
generate "$work/repo" "$SPECS"
timed "all (files written)" "$work/repo"
timed "all (unchanged)" "$work/repo"
timed "all --check (unchanged)" "$work/repo" --check

# the floor: the same files written by a program that does nothing else
clean "$work/repo"
cat >"$work/floor.py" <<'PY'
import os, sys
data = b"#" * 1500
for d in sorted(r for r, _, files in os.walk("services") if "app.yaml" in files):
    for name in ("Dockerfile", "Dockerfile.single", ".dockerignore"):
        tmp = os.path.join(d, ".floor-" + name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.fchmod(fd, 0o644)
        os.close(fd)
        os.rename(tmp, os.path.join(d, name))
os.sync()
PY
if command -v python3 >/dev/null; then
	(cd "$work/repo" && /usr/bin/time -f 'TIME %e %U %S %M' python3 "$work/floor.py" 2>"$work/err")
	read -r _ wall user sys rss <<<"$(grep '^TIME' "$work/err" | tail -n 1)"
	printf '| floor: 3 files a spec, nothing compiled | %s | %.2f | %.2f | %.1f | python3 |\n' \
		"$(find "$work/repo/services" -name app.yaml | wc -l)" "$wall" \
		"$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
fi
