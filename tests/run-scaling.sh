#!/bin/sh
# run-scaling.sh - the paths that were quadratic grow linearly now (issue 9).
#
# For each of three adversarial specs (N anchors each used once, N run.env
# keys through the merge pass, N duplicate keys) counts the instructions
# `stagec -o` executes under valgrind's callgrind at N = 1000, 2000 and
# 4000 and checks the growth (I(4000) - I(2000)) / (I(2000) - I(1000)),
# in which the fixed cost cancels: 2 for a linear cost, 4 for a quadratic
# one (3.7-3.9 before the fix).  Instruction counts repeat exactly from
# run to run (MALLOC_PERTURB_ aside), unlike times on a shared machine.
# Skipped when valgrind is missing or the binary is built with a sanitizer.
#
# Then memory (issue 10, `stagec all`): the peak resident set size (GNU
# time's %M, which does not depend on the machine's load) of `stagec all`
# and `stagec all --check` over 200 and 1000 generated specs (copies of
# examples/go, each its own name); the growth per spec,
# (M(1000) - M(200)) / 800, must stay under MAX_KB_PER_SPEC.  What still
# grows with the tree is the bake file's text and its targets, the list of
# paths and the report's records, about 2 KB a spec; a jansson tree of the
# bake file made it 5 KB (6 KB with every stack's labels).  On one
# worker thread (-j 1): with more, each thread's malloc arena and how far
# the workers run ahead move the peak by a KB a spec from run to run.
# Skipped without GNU time.
# Usage: tests/run-scaling.sh path/to/stagec   (run from the repository root)
set -u
STAGEC=${1:?usage: run-scaling.sh STAGEC}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
if ! command -v valgrind >/dev/null 2>&1; then
	echo "scaling: skipped, no valgrind"
	exit 0
fi
if nm -D "$STAGEC" 2>/dev/null | grep -q __asan_init || ldd "$STAGEC" 2>/dev/null | grep -q -e libasan -e libubsan; then
	echo "scaling: skipped, $STAGEC is built with a sanitizer"
	exit 0
fi
MAX_RATIO=2.6
MAX_KB_PER_SPEC=3
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'flask\n' >"$tmp/requirements.txt"
printf 'print(1)\n' >"$tmp/app.py"

gen() { # KIND N
	case $1 in
	anchors)
		printf 'language: python\nname: s\nbuild: [x'
		awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf ", &%d a", i; for (i = 0; i < n; i++) printf ", *%d", i; print "]" }' ;;
	env)
		printf 'language: python\nname: s\nrun:\n  command: [python, app.py]\n  env:\n    BASE: v\n'
		awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "    K%d: v\n", i }' ;;
	dupkeys)
		printf 'language: python\nname: s\nlabels:\n  a: b\n'
		awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) print "  a: b" }' ;;
	esac
}

instructions() { # SPEC
	rm -rf "$tmp/out"
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$STAGEC" -o "$tmp/out" "$1" >/dev/null 2>&1
	sed -n -E 's/^(summary|totals): ([0-9]+).*/\2/p' "$tmp/cg" | head -n 1
}

for kind in anchors env dupkeys; do
	for n in 1000 2000 4000; do gen $kind $n >"$tmp/$kind-$n.yaml"; done
	i0=$(instructions "$tmp/$kind-1000.yaml")
	i1=$(instructions "$tmp/$kind-2000.yaml")
	i2=$(instructions "$tmp/$kind-4000.yaml")
	ratio=$(awk -v a="$i0" -v b="$i1" -v c="$i2" 'BEGIN { if (b > a) printf "%.2f", (c - b) / (b - a); else print 99 }')
	if awk -v r="$ratio" -v m="$MAX_RATIO" 'BEGIN { exit !(r < m) }'; then
		echo "ok - $kind: $i0 / $i1 / $i2 instructions at 1000 / 2000 / 4000, growth $ratio"
		pass=$((pass + 1))
	else
		echo "not ok - $kind: $i0 / $i1 / $i2 instructions at 1000 / 2000 / 4000, growth $ratio (wanted under $MAX_RATIO)"
		fail=$((fail + 1))
	fi
done

# tree N: N specs below $tmp/tree (50 to a folder, under a .git folder)
tree() {
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree/.git"
	i=0
	while [ "$i" -lt "$1" ]; do
		d=$(printf '%s/tree/s/g%03d/a%04d' "$tmp" $((i / 50)) "$i")
		mkdir -p "$d"
		cp examples/go/go.mod examples/go/main.go "$d/"
		printf 'name: s%d\nlanguage: go\nversion: "1.19"\nrun:\n  port: 8080\n' "$i" >"$d/app.yaml"
		i=$((i + 1))
	done
}

peak_kb() { # ARGS...: stagec all ARGS in the tree; its peak RSS in KB
	(cd "$tmp/tree" && /usr/bin/time -f 'RSS %M' "$STAGEC" all -j 1 "$@" . >/dev/null 2>"$tmp/time.err")
	sed -n 's/^RSS //p' "$tmp/time.err" | tail -n 1
}

if [ -x /usr/bin/time ]; then
	tree 200
	w0=$(peak_kb)
	c0=$(peak_kb --check)
	tree 1000
	w1=$(peak_kb)
	c1=$(peak_kb --check)
	for run in "all:$w0:$w1" "all --check:$c0:$c1"; do
		label=${run%%:*}
		rest=${run#*:}
		a=${rest%%:*}
		b=${rest#*:}
		per=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) / 800 }')
		if [ -n "$a" ] && [ -n "$b" ] && awk -v p="$per" -v m="$MAX_KB_PER_SPEC" 'BEGIN { exit !(p < m) }'; then
			echo "ok - stagec $label: peak $a / $b KB at 200 / 1000 specs, $per KB a spec"
			pass=$((pass + 1))
		else
			echo "not ok - stagec $label: peak $a / $b KB at 200 / 1000 specs, $per KB a spec (wanted under $MAX_KB_PER_SPEC)"
			fail=$((fail + 1))
		fi
	done
else
	echo "scaling: memory part skipped, no GNU time (/usr/bin/time)"
fi
echo "scaling: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
