#!/usr/bin/env bash
# run-all.sh - the whole test suite, as CI runs it and as the README says.
#
# Installs what it needs from Debian's packages (and the validator from the
# npm registry), builds stagec, then runs in order:
#   1. the unit tests (cmocka), the golden, error, CLI and scaling tests
#      (the scaling test counts instructions with valgrind), and the report
#      validation (xmllint, python3-jsonschema) (meson test);
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the independent validator (dockerfile-utils) and the house rules over
#      every Dockerfile in tests/golden and beside each example's spec, and
#      the validator's own self-test;
#   4. the build-truth suite: a real Docker engine builds, runs and inspects
#      the examples in both variants and both bases, and the specs that
#      `stagec init` writes for tests/init/build (tests/e2e).
# Each step's output goes to the terminal and to build-logs/; the last line
# is the sum of every "N passed, N failed" line and cmocka's PASSED/FAILED
# lines, with a failed step that printed no counts counted as one failure.
# Assumes Debian 12 and root (apt-get, dockerd).  STAGEC_SKIP_E2E=1 skips
# step 4 for a quick local run, and says so; CI never sets it.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOGS=$ROOT/build-logs
mkdir -p "$LOGS"
total_pass=0
total_fail=0

apt_install() {
	local missing=()
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt-get -o DPkg::Lock::Timeout=600 update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null
}

# Runs one step, shows and logs its output, and adds its counts.
step() {
	local name=$1
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$LOGS/$name.log"
	local status=${PIPESTATUS[0]}
	local p f
	p=$(sed -n -E 's/^([A-Za-z0-9_-]+: )?([0-9]+) passed, ([0-9]+) failed.*$/\2/p' "$LOGS/$name.log" | paste -sd+ - | bc)
	f=$(sed -n -E 's/^([A-Za-z0-9_-]+: )?([0-9]+) passed, ([0-9]+) failed.*$/\3/p' "$LOGS/$name.log" | paste -sd+ - | bc)
	local cp cf
	cp=$(sed -n -E 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$LOGS/$name.log" | paste -sd+ - | bc)
	cf=$(sed -n -E 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' "$LOGS/$name.log" | paste -sd+ - | bc)
	p=$(( ${p:-0} + ${cp:-0} ))
	f=$(( ${f:-0} + ${cf:-0} ))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "=== $name failed (exit $status) without reporting a failed test; counted as one failure"
		f=1
	fi
	echo "=== $name: $p passed, $f failed (exit $status)"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

finish() {
	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ]
	exit
}

if ! apt_install meson ninja-build pkg-config gcc libc6-dev libyaml-dev libxml2-dev libjansson-dev libcmocka-dev bc \
	valgrind python3 python3-jsonschema python3-yaml libxml2-utils curl scdoc man-db zsh fish git pre-commit; then
	echo "could not install the build dependencies"
	total_fail=1
	finish
fi
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm

build() {
	local dir=$1
	shift
	{ [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"; } && ninja -C "$dir"
}

meson_tests() { # dir
	meson test -C "$1" --print-errorlogs --verbose --num-processes 2 2>&1 |
		grep -v -E '^(ninja: |\[[0-9]+/[0-9]+\] )'
	return "${PIPESTATUS[0]}"
}

step build build build --buildtype=debugoptimized -Dwerror=true
[ -x build/stagec ] || finish
step unit-golden-errors-cli meson_tests build
step sanitized-build build build-asan -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug
# A function cannot be run through env(1): export the options in a subshell.
sanitized_tests() (
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
	meson_tests build-asan
)
step sanitized-tests sanitized_tests
# stagec all's worker threads under ThreadSanitizer: the command's own
# tests (-j 1 and 4, three runs at once, signals) and the bake file's,
# with the default -j of this machine; a data race is a failure
step tsan-build build build-tsan -Db_sanitize=thread -Db_lundef=false --buildtype=debug -Dtests=false
tsan_tests() (
	export TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1
	bash tests/run-all-cmd.sh build-tsan/stagec && bash tests/run-bake.sh build-tsan/stagec
)
step tsan-tests tsan_tests

lint() {
	npm ci --prefix tests/lint --no-audit --no-fund --loglevel=error >/dev/null || return 1
	sh tests/lint/selftest.sh | tail -n 3 || return 1
	# the hostile specs' Dockerfiles too, in all four variants
	local out status=0
	out=$(mktemp -d)
	for spec in tests/injection/*.yaml; do
		n=$(basename "$spec" .yaml)
		./build/stagec "$spec" >"$out/$n.Dockerfile" &&
			./build/stagec --single-stage "$spec" >"$out/$n.single.Dockerfile" &&
			./build/stagec --base debian "$spec" >"$out/$n.debian.Dockerfile" &&
			./build/stagec --single-stage --base debian "$spec" >"$out/$n.debian.single.Dockerfile" || status=1
	done
	node tests/lint/check.js tests/golden/*/Dockerfile* examples/*/Dockerfile examples/*/Dockerfile.single \
		"$out"/*.Dockerfile || status=1
	node tests/injection/check.js build/stagec tests/injection/*.yaml examples/*/app.yaml || status=1
	rm -rf "$out"
	return $status
}
step lint lint

valgrind_tests() {
	apt_install valgrind || return 1
	bash tests/valgrind/run.sh build/stagec
}
step valgrind valgrind_tests
step fuzz-build bash tests/fuzz/build.sh build-fuzz
step fuzz-regressions bash tests/fuzz/run-regressions.sh build/stagec
step fuzz bash tests/fuzz/run.sh 60
step fuzz-readers env FUZZ_TARGET=fuzz_readers bash tests/fuzz/run.sh 30

if [ "${STAGEC_SKIP_E2E:-}" = 1 ] && [ "${CI:-}" != true ]; then
	echo "=== e2e SKIPPED (STAGEC_SKIP_E2E=1): no image was built; CI always runs it"
else
	e2e() {
		bash tests/e2e/engine.sh start || return 1
		local status=0
		bash tests/e2e/base-images.sh || status=1
		local images=$status
		# after the base images, every suite runs, so one failure hides no other result
		[ $images -eq 0 ] && { bash tests/e2e/buildtruth.sh --stagec "$ROOT/build/stagec" --bake \
			$(grep -v '^#' tests/e2e/examples.txt) || status=1; }
		# what `stagec init` writes for project layouts shaped like public ones builds and runs
		[ $images -eq 0 ] && { bash tests/e2e/init-truth.sh --stagec "$ROOT/build/stagec" || status=1; }
		# a cross-build: the Go example for linux/arm64 on this amd64 machine, no emulator
		[ $images -eq 0 ] && { bash tests/e2e/cross.sh --stagec "$ROOT/build/stagec" examples/go || status=1; }
		# the lock through a real registry on 127.0.0.1 (registry.sh starts and stops it)
		[ $images -eq 0 ] && { bash tests/e2e/lock-registry.sh --stagec "$ROOT/build/stagec" || status=1; }
		# a build secret in no image; test: stages that pass, fail and stay off the default build
		[ $images -eq 0 ] && { bash tests/e2e/secrets.sh --stagec "$ROOT/build/stagec" || status=1; }
		[ $images -eq 0 ] && { bash tests/e2e/teststage.sh --stagec "$ROOT/build/stagec" || status=1; }
		bash tests/e2e/engine.sh stop
		return $status
	}
	step e2e e2e
fi
finish
