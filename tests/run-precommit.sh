#!/bin/sh
# run-precommit.sh - the hooks of .pre-commit-hooks.yaml, run by Debian's
# pre-commit (`pre-commit try-repo`) on a scratch git repository holding two
# examples and their generated files: stagec-check passes on a fresh tree
# (also with files staged: it gets no file names, which `stagec all` would
# take for its ROOT) and fails on a stale one; stagec-check-changed feeds the
# staged names to --changed-files - and checks only the specs they touch.
# language: system: nothing is downloaded; the stagec under test is put on
# PATH.  pre-commit missing: installed with apt-get as tests/run-all.sh
# installs the suite's dependencies (root), else a failure, never a skip.
# Usage: tests/run-precommit.sh path/to/stagec   (from the repository root)
set -u
STAGEC=${1:?usage: run-precommit.sh STAGEC}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
SRC=$PWD
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
finish() { echo "# run-precommit: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

if ! command -v pre-commit >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
		pre-commit >/dev/null 2>&1 ||
		{ apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
				--no-install-recommends pre-commit >/dev/null 2>&1; }
fi
command -v pre-commit >/dev/null 2>&1 || { bad "pre-commit is not installed (apt-get install pre-commit)"; finish; }
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 || { bad "try-repo needs $SRC to be a git checkout"; finish; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PATH="$(dirname "$STAGEC"):$PATH" PRE_COMMIT_HOME="$tmp/cache"
[ "$(command -v stagec)" = "$STAGEC" ] || { bad "the stagec under test is not the one on PATH"; finish; }
R=$tmp/repo
mkdir -p "$R"
cd "$R" || exit 2
git init -q . && git config user.email test@example.com && git config user.name test
for ex in go node; do cp -r "$SRC/examples/$ex" "$ex"; rm -f "$ex"/Dockerfile* "$ex/.dockerignore"; done
stagec all >/dev/null 2>&1 || bad "stagec all in the scratch repository"
git add -A && git commit -qm init

try() { # want hook [args...]
	want=$1
	shift
	pre-commit try-repo "$SRC" "$@" --verbose >"$tmp/out" 2>&1
	got=$?
	[ "$got" -eq "$want" ]
}
try 0 stagec-check --all-files && ok "stagec-check passes on a fresh tree" ||
	{ bad "stagec-check on a fresh tree"; sed 's/^/  /' "$tmp/out" | tail -n 15; }
grep -q "stagec all --check\.*Passed" "$tmp/out" && ok "stagec-check ran (Passed)" || bad "stagec-check did not run"
echo "notes" >README.md && git add README.md
try 0 stagec-check && ok "stagec-check with a file staged: no names passed to stagec all" ||
	{ bad "stagec-check with a file staged"; sed 's/^/  /' "$tmp/out" | tail -n 15; }
try 0 stagec-check-changed && ok "stagec-check-changed: an unrelated file" ||
	{ bad "stagec-check-changed: an unrelated file"; sed 's/^/  /' "$tmp/out" | tail -n 15; }
grep -q "0 of 2 specs touched" "$tmp/out" && ok "stagec-check-changed: no spec touched" || bad "stagec-check-changed: count"
git commit -qm readme
printf '\n# a change\n' >>go/app.yaml && git add go/app.yaml
try 1 stagec-check && ok "stagec-check fails on a stale tree" ||
	{ bad "stagec-check on a stale tree"; sed 's/^/  /' "$tmp/out" | tail -n 15; }
grep -q "go/Dockerfile: stale (spec app.yaml changed)" "$tmp/out" && ok "stagec-check says which file and why" ||
	bad "stagec-check: no stale line"
try 1 stagec-check-changed && ok "stagec-check-changed fails on the staged spec" ||
	{ bad "stagec-check-changed on a staged spec"; sed 's/^/  /' "$tmp/out" | tail -n 15; }
grep -q "1 of 2 specs touched" "$tmp/out" && ok "stagec-check-changed checks only the touched spec" ||
	bad "stagec-check-changed: count"
stagec all >/dev/null 2>&1 && git add -A
try 0 stagec-check-changed && ok "stagec-check-changed passes once regenerated" ||
	{ bad "stagec-check-changed after regenerating"; sed 's/^/  /' "$tmp/out" | tail -n 15; }
finish
