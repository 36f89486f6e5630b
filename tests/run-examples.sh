#!/bin/sh
# run-examples.sh - the examples carry their generated files, as a user's
# repository does: examples/X/Dockerfile, Dockerfile.single and
# .dockerignore, and examples/docker-bake.json, written by `stagec all
# examples/` and committed.
#
# 1. `stagec all --check examples/` (what CI runs on a repository): every
#    file fresh, exit 0.  Each file is one check.
# 2. One output everywhere: in a scratch copy of examples/ without those
#    files, `stagec all` writes them byte for byte as committed, and so does
#    a hand run in each spec's folder (`stagec -o . app.yaml`, and stdout
#    for the two Dockerfiles); then --check finds the hand run's files
#    fresh, and the committed bake file with them (it is made of the
#    files' line 2).
# When this fails after a change to the templates or the compiler, rewrite
# the files with `build/stagec all examples/` and review `git diff examples/`.
# Usage: tests/run-examples.sh path/to/stagec   (run from the repository root)
set -u
STAGEC=${1:?usage: run-examples.sh STAGEC}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
FILES="Dockerfile Dockerfile.single .dockerignore"

# 1. the committed files are fresh
"$STAGEC" all --check examples/ >"$tmp/out" 2>"$tmp/err"
status=$?
while read -r line; do
	case $line in
	*": fresh") ok "$line" ;;
	*) bad "$line (rewrite them: build/stagec all examples/)" ;;
	esac
done <"$tmp/out"
n=$(grep -c ': fresh$' "$tmp/out")
want=$(($(ls examples/*/app.yaml | wc -l) * 3 + 1)) # and docker-bake.json
if [ "$status" -eq 0 ] && [ "$n" -eq "$want" ]; then
	ok "stagec all --check examples/: $n files fresh (exit 0)"
else
	bad "stagec all --check examples/: exit $status, $n of $want files fresh"; sed 's/^/  /' "$tmp/err"
fi

# 2. a scratch copy without them: stagec all, and a hand run, write the same bytes
strip() { # folder: the copy of examples/ without the generated files
	cp -r examples "$1"
	for f in $FILES; do rm -f "$1"/*/"$f"; done
	rm -f "$1/docker-bake.json"
}
strip "$tmp/all"
"$STAGEC" all "$tmp/all" >/dev/null 2>"$tmp/err" || { bad "stagec all on a copy"; sed 's/^/  /' "$tmp/err"; }
cmp -s examples/docker-bake.json "$tmp/all/docker-bake.json" && ok "docker-bake.json: stagec all gives the committed bytes" ||
	bad "docker-bake.json: stagec all on a copy differs from the committed one"
strip "$tmp/hand"
cp examples/docker-bake.json "$tmp/hand/" # stagec all writes it; the hand runs' line 2 must keep it fresh
for spec in examples/*/app.yaml; do
	ex=$(basename "$(dirname "$spec")")
	(cd "$tmp/hand/$ex" && "$STAGEC" -o . app.yaml 2>/dev/null && "$STAGEC" app.yaml >"$tmp/$ex.stdout" 2>/dev/null &&
		"$STAGEC" --single-stage app.yaml >"$tmp/$ex.single.stdout" 2>/dev/null)
	differ=
	for f in $FILES; do
		cmp -s "examples/$ex/$f" "$tmp/all/$ex/$f" || differ="$differ all:$f"
		cmp -s "examples/$ex/$f" "$tmp/hand/$ex/$f" || differ="$differ -o:$f"
	done
	cmp -s "examples/$ex/Dockerfile" "$tmp/$ex.stdout" || differ="$differ stdout:Dockerfile"
	cmp -s "examples/$ex/Dockerfile.single" "$tmp/$ex.single.stdout" || differ="$differ stdout:Dockerfile.single"
	if [ -z "$differ" ]; then
		ok "$ex: stagec all, -o . and stdout give the committed bytes"
	else
		bad "$ex: differs from the committed files:$differ"
	fi
done
"$STAGEC" all --check "$tmp/hand" >"$tmp/out" 2>"$tmp/err"
status=$?
n=$(grep -c ': fresh$' "$tmp/out")
[ "$status" -eq 0 ] && [ "$n" -eq "$want" ] && ok "stagec all --check takes the hand runs' files as fresh" ||
	{ bad "stagec all --check on the hand runs: exit $status, $n of $want fresh"; grep -v ': fresh$' "$tmp/out" | head; }

echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
