#!/usr/bin/env bash
# oracle-vs-commit.sh - does today's oracle catch what an older compiler did?
#
#   tests/fuzz/oracle-vs-commit.sh COMMIT [FILE...]
#
# Builds the fuzz target from COMMIT's compiler (git archive into a scratch
# folder) with the current oracle: tests/fuzz/fuzz_compile.c, the list of
# flags it checks (specs/emitted-flags.txt) and the build.sh that compiles
# that list in; and replays each FILE
# (default: the issue 9 item 2 regressions) through it.  Prints, per file,
# the invariant it broke or "not flagged"; exits 0 when every file was
# flagged.  Example: tests/fuzz/oracle-vs-commit.sh 230296f
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
COMMIT=${1:?usage: oracle-vs-commit.sh COMMIT [FILE...]}
shift
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/fuzz/regressions/label-key-comment.yaml tests/fuzz/regressions/label-key-flag.yaml
	tests/fuzz/regressions/run-command-flag.yaml)
scratch=$(mktemp -d /tmp/stagec-oracle.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
git archive "$COMMIT" | tar -x -C "$scratch" || exit 2
cp tests/fuzz/fuzz_compile.c tests/fuzz/build.sh "$scratch/tests/fuzz/"
mkdir -p "$scratch/specs" && cp specs/emitted-flags.txt "$scratch/specs/"
(cd "$scratch" && bash tests/fuzz/build.sh "$scratch/out" >/dev/null 2>&1) || { echo "oracle: could not build $COMMIT"; exit 2; }
missed=0
for f in "${files[@]}"; do
	why=$("$scratch/out/fuzz_compile" "$ROOT/$f" 2>&1 | sed -n 's/^fuzz_compile: broken invariant: //p' | head -n 1)
	if [ -n "$why" ]; then
		echo "$f: flagged on $COMMIT: $why"
	else
		echo "$f: not flagged on $COMMIT"
		missed=$((missed + 1))
	fi
done
[ "$missed" -eq 0 ]
