#!/bin/sh
# run-init.sh - `stagec init` against project layouts shaped like public
# projects (tests/init/cases/), ambiguous, empty and hostile ones.
#
# Each line of tests/init/runs.txt is a run `stagec init --print FLAGS
# FOLDER` from tests/init/cases; its stdout, stderr and exit status are
# compared with tests/init/expected/NAME.out (REGEN=1 rewrites them).  A
# spec printed is then compiled on its own (stagec -, the folder as the
# build context): every spec init writes must compile.  Then the cases
# made at run time (a FIFO, a 5 MB pom.xml), writing app.yaml (identical
# on a second run, refused when it differs, replaced with --force), and
# every examples/*: init in a copy without app.yaml, compiled, and the
# language compared with the hand-written spec.
# Usage: tests/run-init.sh path/to/stagec   (from the repository root)
set -u
STAGEC=${1:?usage: run-init.sh STAGEC}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
root=$PWD
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }

# the spec in $1 compiles with folder $2 as its context
compiles() {
	(cd "$2" && "$STAGEC" --no-policy - <"$1" >/dev/null 2>"$tmp/cerr")
}

mkdir -p tests/init/expected
grep -v '^#' tests/init/runs.txt | grep -v '^ *$' | while read -r name folder flags; do
	(cd tests/init/cases && eval "set -- $flags" && "$STAGEC" init --print "$@" "$folder" >"$tmp/out" 2>"$tmp/err")
	rc=$?
	{ cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; echo "--- exit $rc"; } >"$tmp/got"
	want=tests/init/expected/$name.out
	if [ "${REGEN:-}" = 1 ]; then
		cp "$tmp/got" "$want"
	fi
	if cmp -s "$tmp/got" "$want"; then ok "$name"; else bad "$name"; diff -u "$want" "$tmp/got" | head -30; fi
	if [ $rc -eq 0 ]; then
		if compiles "$tmp/out" "tests/init/cases/$folder"; then ok "$name: the spec compiles"; else
			bad "$name: the spec does not compile"; cat "$tmp/cerr"; fi
	elif [ -s "$tmp/out" ]; then
		bad "$name: exit $rc with output on stdout"
	fi
	echo "$pass $fail" >"$tmp/counts"
done
read -r pass fail <"$tmp/counts"

expect() { # name status cmd...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name (exit $want)"; else bad "$name: exit $got, wanted $want"; sed 's/^/  /' "$tmp/err"; fi
}

# a FIFO and a huge file: made here, git keeps neither
mkdir -p "$tmp/fifo" "$tmp/huge"
mkfifo "$tmp/fifo/package.json"
expect "a FIFO package.json" 1 timeout 10 "$STAGEC" init --print "$tmp/fifo"
grep -q "package.json' is a FIFO (named pipe), not a regular file" "$tmp/err" && ok "the FIFO is named" || { bad "the FIFO is named"; cat "$tmp/err"; }
truncate -s 5M "$tmp/huge/pom.xml"
expect "a 5 MB pom.xml" 1 "$STAGEC" init --print "$tmp/huge"
grep -q "pom.xml' is 5242880 bytes, more than stagec reads from an XML project file" "$tmp/err" && ok "the size is named" || { bad "the size is named"; cat "$tmp/err"; }
[ -e "$tmp/huge/app.yaml" ] && bad "nothing written for a bad project" || ok "nothing written for a bad project"

# writing app.yaml
cp -R tests/init/cases/express "$tmp/w"
expect "init writes app.yaml" 0 "$STAGEC" init "$tmp/w"
grep -q "^wrote $tmp/w/app.yaml (node, npm, 20, port 3000)" "$tmp/err" && ok "the summary line" || { bad "the summary line"; cat "$tmp/err"; }
[ ! -s "$tmp/out" ] && ok "nothing on stdout" || bad "nothing on stdout"
"$STAGEC" init --print tests/init/cases/express 2>/dev/null | cmp -s - "$tmp/w/app.yaml" && ok "app.yaml is what --print prints" || bad "app.yaml is what --print prints"
expect "a second run" 0 "$STAGEC" init "$tmp/w"
grep -q "app.yaml is identical" "$tmp/err" && ok "identical" || bad "identical"
echo "# mine" >>"$tmp/w/app.yaml"
expect "an app.yaml that differs" 2 "$STAGEC" init "$tmp/w"
grep -q "refusing to overwrite" "$tmp/err" && tail -1 "$tmp/w/app.yaml" | grep -q "# mine" && ok "left alone" || bad "left alone"
expect "--force" 0 "$STAGEC" init --force "$tmp/w"
grep -q "# mine" "$tmp/w/app.yaml" && bad "--force replaces it" || ok "--force replaces it"
rm "$tmp/w/app.yaml" && mkfifo "$tmp/w/app.yaml"
expect "a FIFO at app.yaml" 2 timeout 10 "$STAGEC" init --force "$tmp/w"
expect "not a folder" 2 "$STAGEC" init tests/init/runs.txt
expect "two folders" 2 "$STAGEC" init a b
expect "--port out of range" 2 "$STAGEC" init --port 70000 tests/init/cases/express
expect "init --help" 0 "$STAGEC" init --help
grep -q -- "--package-manager PM" "$tmp/out" && ok "--help lists the options" || bad "--help lists the options"

# the detection table is the templates' detect: key: a changed template
# changes what init finds, and a bad detect: is a positioned error
cp -R templates "$tmp/tpl"
sed -i 's/^  markers: \[pyproject.toml, Pipfile, manage.py\]$/  markers: [pyproject.toml, Pipfile, manage.py, setup.py]/' "$tmp/tpl/python.yaml"
mkdir -p "$tmp/setup" && printf 'from setuptools import setup\nsetup(name="tool")\n' >"$tmp/setup/setup.py"
expect "a folder with setup.py alone" 1 "$STAGEC" init --print "$tmp/setup"
grep -q "no project stagec knows" "$tmp/err" && ok "setup.py is no marker of the built-in templates" || { bad "setup.py is no marker"; cat "$tmp/err"; }
expect "setup.py, a marker added to python.yaml" 1 "$STAGEC" init --print --templates "$tmp/tpl" "$tmp/setup"
grep -q "setup: no lockfile and no requirements.txt" "$tmp/err" && ok "the template's marker names a python project" ||
	{ bad "the template's marker names a python project"; cat "$tmp/err"; }
sed -i 's/^  rank: project$/  rank: project\n  markers: [widget.toml]/' "$tmp/tpl/ruby.yaml"
mkdir -p "$tmp/widget" && echo x >"$tmp/widget/widget.toml"
expect "a marker the reader reads nothing from" 1 "$STAGEC" init --print --templates "$tmp/tpl" "$tmp/widget"
grep -q "widget.toml marks a ruby project, but stagec init reads nothing more from it" "$tmp/err" && ok "said so" || { bad "said so"; cat "$tmp/err"; }
expect "the Gemfile, a manifest, stays a marker" 0 "$STAGEC" init --print --templates "$tmp/tpl" tests/init/cases/rails
bad_detect() { # what, file, detect's lines (printf format), the error expected
	rm -rf "$tmp/tpl2" && cp -R templates "$tmp/tpl2"
	sed -i '/^detect:/,$d' "$tmp/tpl2/$2"
	printf "$3" >>"$tmp/tpl2/$2"
	expect "$1" 1 "$STAGEC" init --print --templates "$tmp/tpl2" tests/init/cases/express
	grep -q "^$tmp/tpl2/$2:[0-9]*:[0-9]*: error: $4" "$tmp/err" && [ ! -s "$tmp/out" ] && ok "$1: positioned" ||
		{ bad "$1: positioned"; cat "$tmp/err"; }
}
bad_detect "a manifest repeated as a marker" java.yaml 'detect:\n  markers: [pom.xml]\n  rank: project\n' \
	"'pom.xml' is in 'manifests' already, and every manifest is a marker; leave it out here"
bad_detect "an unknown rank" go.yaml 'detect:\n  rank: main\n' "'rank' takes project, tooling or helper, not 'main'"
bad_detect "no rank" go.yaml 'detect:\n  markers: [go.work]\n' "'detect' needs 'rank': project, tooling or helper"
bad_detect "no markers" c.yaml 'detect:\n  rank: helper\n' "'detect' needs 'markers'"
bad_detect "as: an unknown language" static.yaml 'detect:\n  as: nodejs\n' "'as' names 'nodejs', which is no template's language"
bad_detect "as: with markers" cpp.yaml 'detect:\n  as: c\n  rank: helper\n' "'as' takes the markers and the rank of 'c'"
bad_detect "an unknown key" php.yaml 'detect:\n  rank: project\n  marker: [x]\n' "unknown .*key 'marker'"
bad_detect "no reader" rust.yaml 'detect:\n  as: static\n' "stagec init has no reader for 'static' projects"

# --recursive on workspaces: a copy of each, the specs written into it,
# then each compiled; the notes, the specs and the exit status are pinned
for ws in npm-workspace yarn-workspace cargo-workspace go-work maven-parent dotnet-sln go-two-mains; do
	rm -rf "$tmp/ws" && cp -R "tests/init/cases/$ws" "$tmp/ws"
	(cd "$tmp/ws" && "$STAGEC" init --recursive . >"$tmp/out" 2>"$tmp/err")
	rc=$?
	{
		cat "$tmp/err"
		echo "--- exit $rc"
		(cd "$tmp/ws" && find . -name app.yaml | LC_ALL=C sort) | while read -r f; do
			echo "--- $f"
			cat "$tmp/ws/$f"
		done
	} >"$tmp/got"
	want=tests/init/expected/recursive-$ws.out
	[ "${REGEN:-}" = 1 ] && cp "$tmp/got" "$want"
	if cmp -s "$tmp/got" "$want"; then ok "recursive $ws"; else bad "recursive $ws"; diff -u "$want" "$tmp/got" | head -30; fi
	for f in $(cd "$tmp/ws" && find . -name app.yaml); do
		"$STAGEC" --no-policy "$tmp/ws/$f" >/dev/null 2>"$tmp/cerr" && ok "recursive $ws: $f compiles" ||
			{ bad "recursive $ws: $f compiles"; cat "$tmp/cerr"; }
	done
done
# the hand-written workspace spec of tests/cases/go-workspace: init
# --recursive on a copy without it writes the same language and context:
# (tests/cases/npm-workspace's apps have no start script, so init takes
# them for libraries: not compared)
rm -rf "$tmp/ws" && cp -R tests/cases/go-workspace "$tmp/ws" && rm "$tmp/ws/apps/api/app.yaml"
(cd "$tmp/ws" && "$STAGEC" init --recursive . >/dev/null 2>"$tmp/err")
for key in language context; do
	want=$(sed -n "s/^$key: *\([^ ]*\).*/\1/p" tests/cases/go-workspace/apps/api/app.yaml)
	got=$(sed -n "s/^$key: *\([^ ]*\).*/\1/p" "$tmp/ws/apps/api/app.yaml" 2>/dev/null)
	[ -n "$want" ] && [ "$got" = "$want" ] && ok "recursive go-workspace: $key $want as hand-written" ||
		{ bad "recursive go-workspace: $key '$got', hand-written '$want'"; cat "$tmp/err"; }
done
(cd tests/init/cases/express && "$STAGEC" init --recursive . >/dev/null 2>"$tmp/err")
[ $? -eq 1 ] && grep -q "no workspace here" "$tmp/err" && ok "--recursive without a workspace" || bad "--recursive without a workspace"

# every example: init without its app.yaml, compiled, the same language
# as the hand-written spec, the output pinned (expected/example-NAME.out)
for ex in examples/*/; do
	ex=${ex%/}
	n=${ex#examples/}
	rm -rf "$tmp/ex" && cp -R "$ex" "$tmp/ex" && rm -f "$tmp/ex/app.yaml" "$tmp/ex/Dockerfile"*
	if ! "$STAGEC" init --print "$tmp/ex" >"$tmp/spec" 2>"$tmp/err"; then
		bad "examples/$n: init fails"; cat "$tmp/err"; continue
	fi
	compiles "$tmp/spec" "$tmp/ex" && ok "examples/$n: the spec compiles" || { bad "examples/$n: the spec compiles"; cat "$tmp/cerr"; }
	{ cat "$tmp/spec"; echo "--- stderr"; sed "s|$tmp/ex|examples/$n|g" "$tmp/err"; } >"$tmp/got"
	want=tests/init/expected/example-$n.out
	[ "${REGEN:-}" = 1 ] && cp "$tmp/got" "$want"
	cmp -s "$tmp/got" "$want" && ok "examples/$n: init's output" || { bad "examples/$n: init's output"; diff -u "$want" "$tmp/got" | head -20; }
	want=$(grep '^language:' "$ex/app.yaml" | awk '{print $2}')
	got=$(grep '^language:' "$tmp/spec" | awk '{print $2}')
	[ "$want" = "$got" ] && ok "examples/$n: language $got" || bad "examples/$n: language $got, the spec says $want"
done

# the README's example is what init prints
ex=$(sed -n 's/^<!-- init: \(examples\/[a-z0-9-]*\) -->$/\1/p' README.md)
if [ -n "$ex" ]; then
	rm -rf "$tmp/rd" && cp -R "$ex" "$tmp/rd" && rm -f "$tmp/rd/app.yaml"
	"$STAGEC" init --print "$tmp/rd" >"$tmp/want" 2>/dev/null
	awk '/^<!-- init: /{f=1; next} f && /^```yaml/{g=1; next} g && /^```$/{exit} g' README.md >"$tmp/readme"
	cmp -s "$tmp/want" "$tmp/readme" && ok "README's init example is init's output" ||
		{ bad "README's init example is init's output"; diff -u "$tmp/readme" "$tmp/want"; }
else
	bad "README has an init example (<!-- init: examples/NAME --> before it)"
fi

echo "init: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
