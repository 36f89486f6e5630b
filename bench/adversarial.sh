#!/usr/bin/env bash
# adversarial.sh - the worst a spec under the size limit can ask of stagec.
#
#   bench/adversarial.sh [STAGEC]      (default build/stagec)
#
# Generates specs just under the 1 MiB limit that aim at the paths that
# grew faster than the input before (issue 9): 49,990 anchors each used
# once, 49,990 run.env keys, 49,000 duplicate keys, labels and build
# commands as long as a value may be, an alias expanded thousands of
# times, values nested to the depth limit, one 1 MiB line of errors
# under --max-errors 10000, and a file of bare CR line ends.  Compiles
# each one with -o into a scratch folder (both variants, the files
# written) and prints, per spec, the size, the exit status, the CPU time
# (user + system; the goal is on it), the elapsed time and the peak
# memory (GNU time's maximum resident set size), then the worst of each.  The goal is under 0.5 s and 64 MB each; the script
# exits 1 when a spec exits with a status other than 0, 1 or 2 (a crash)
# and prints "adversarial: N passed, N failed" for the goal.
# ADVERSARIAL_KEEP=DIR keeps the generated specs in DIR.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
STAGEC=${1:-build/stagec}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
[ -x "$STAGEC" ] || { echo "adversarial: $STAGEC not found; build first" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "adversarial: needs GNU time (apt-get install time)" >&2; exit 2; }
LIMIT=$((1024 * 1024))
work=${ADVERSARIAL_KEEP:-$(mktemp -d /tmp/stagec-adversarial.XXXXXX)}
[ -n "${ADVERSARIAL_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
printf 'flask\n' >"$work/requirements.txt"
printf 'print(1)\n' >"$work/app.py"

head_py() { printf 'language: python\nname: adv\n'; }
long_value() { head -c 65000 /dev/zero | tr '\0' x; } # the longest value, nearly
# gen_NAME prints the spec of that name; the sizes keep each under 1 MiB
gen_anchors() { # 49,990 anchors, each used once
	head_py; printf 'build: ['
	awk 'BEGIN { for (i = 0; i < 49990; i++) printf "%s&%d a", i ? ", " : "", i
		for (i = 0; i < 49990; i++) printf ", *%d", i; print "]" }'
}
gen_env() { # 49,990 run.env keys, through the merge pass
	head_py; printf 'run:\n  command: [python, app.py]\n  env:\n'
	awk 'BEGIN { for (i = 0; i < 49990; i++) printf "    K%d: v\n", i }'
}
gen_dupkeys() { # one key, 49,000 times
	head_py; echo 'labels:'
	awk 'BEGIN { for (i = 0; i < 49000; i++) print "  a: b" }'
}
gen_longlabels() { # labels as long as a value may be, 15 of them on one LABEL
	head_py; echo 'labels:'
	v=$(long_value); for i in $(seq 15); do printf '  l%d: "%s"\n' "$i" "$v"; done
}
gen_longbuild() { # build commands as long as a value may be
	head_py; echo 'build:'
	v=$(long_value); for i in $(seq 15); do printf '  - "echo %s"\n' "$v"; done
}
gen_alias_blowup() { # one 64 KiB value, aliased 150,000 times
	head_py; printf 'build: [&a "%s"' "$(long_value)"
	awk 'BEGIN { for (i = 0; i < 150000; i++) printf ", *a"; print "]" }'
}
gen_deep() { # nesting to the depth limit, 16,000 times
	head_py; echo 'x:'
	awk 'BEGIN { o = ""; c = ""; for (i = 0; i < 29; i++) { o = o "["; c = c "]" }
		for (i = 0; i < 14000; i++) print "  - " o "1" c }'
}
gen_wide() { # 100,000 values in one list, no alias
	head_py; printf 'x: [a'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf ",a"; print "]" }'
}
gen_errors() { # one line of 60,000 errors, 10,000 reported
	printf 'language: python\nbuild: '
	awk 'BEGIN { printf "["; for (i = 0; i < 60000; i++) printf "%s\"a\\u0001b\"", i ? "," : ""; print "]" }'
}
gen_cr() { # bare CR line ends, an error on every line
	head_py | tr '\n' '\r'
	awk 'BEGIN { for (i = 0; i < 45000; i++) printf "k%d: 1\r", i }'
}

specs=(anchors env dupkeys longlabels longbuild alias_blowup deep wide errors cr)
printf '%-14s %9s %6s %9s %9s %9s\n' spec bytes exit cpu_s wall_s peak_MB
worst_t=0 worst_m=0 worst_t_name='' worst_m_name='' passed=0 failed=0 crashed=0
for s in "${specs[@]}"; do
	f=$work/$s.yaml
	"gen_$s" >"$f"
	[ "$(wc -c <"$f")" -le "$LIMIT" ] || { echo "adversarial: $s.yaml is over the limit" >&2; exit 2; }
	args=(-o "$work/out-$s")
	[ "$s" = errors ] && args=(--max-errors 10000)
	[ "$s" = cr ] && args=(--max-errors 10000)
	mkdir -p "$work/out-$s"
	"$TIME" -f '%e %U %S %M' -o "$work/time" "$STAGEC" "${args[@]}" "$f" >"$work/stdout" 2>"$work/stderr"
	status=$?
	# GNU time prints "Command exited with non-zero status N" first
	read -r wall user sys kb < <(tail -n 1 "$work/time")
	# the goal is on CPU time (user + system): wall time on a shared
	# machine measures the other jobs as much as stagec
	secs=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	mb=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
	printf '%-14s %9d %6d %9s %9s %9s   (stderr %d bytes)\n' "$s" "$(wc -c <"$f")" "$status" "$secs" "$wall" "$mb" "$(wc -c <"$work/stderr")"
	[ "$status" -le 2 ] || crashed=$((crashed + 1))
	if awk -v t="$secs" -v m="$mb" 'BEGIN { exit !(t < 0.5 && m < 64) }' && [ "$status" -le 2 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	if awk -v a="$secs" -v b="$worst_t" 'BEGIN { exit !(a > b) }'; then worst_t=$secs worst_t_name=$s; fi
	if awk -v a="$mb" -v b="$worst_m" 'BEGIN { exit !(a > b) }'; then worst_m=$mb worst_m_name=$s; fi
done
echo "worst CPU time: ${worst_t} s ($worst_t_name); worst peak memory: ${worst_m} MB ($worst_m_name)"
echo "adversarial: $passed passed, $failed failed"
[ "$crashed" -eq 0 ]
