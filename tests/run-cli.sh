#!/bin/sh
# run-cli.sh - the command line's contract: exit statuses, usage errors,
# -o writing all files or none, never overwriting a file stagec did not
# generate (unless --force), and nothing on stdout when a spec is bad.
# Also the cases of issue 9: -o with --single-stage, a FIFO or a folder at
# a target, a rename that fails (rolled back; through an LD_PRELOAD shim),
# SIGINT/SIGTERM during -o, stale temporary files, the output folder
# created or refused, the spec from stdin, control characters in paths,
# alias expansion by size and the volume of diagnostics.
# Usage: tests/run-cli.sh path/to/stagec   (run from the repository root)
set -u
STAGEC=${1:?usage: run-cli.sh STAGEC}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }

expect_status() { # name status cmd...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name (exit $want)"; else bad "$name: exit $got, wanted $want"; sed 's/^/  /' "$tmp/err"; fi
}

expect_status "--help" 0 "$STAGEC" --help
grep -q '^usage: stagec' "$tmp/out" && ok "--help prints usage" || bad "--help prints usage"
expect_status "--version" 0 "$STAGEC" --version
grep -qx 'stagec [0-9]*\.[0-9]*\.[0-9]*' "$tmp/out" && ok "--version prints the version" || bad "--version prints the version"
expect_status "no spec" 2 "$STAGEC"
grep -q "no spec given" "$tmp/err" && ok "no spec says so" || bad "no spec says so"
expect_status "unknown option" 2 "$STAGEC" --frobnicate examples/flask/app.yaml
grep -q "unknown option '--frobnicate'" "$tmp/err" && ok "unknown option named" || bad "unknown option named"
expect_status "bad --base" 2 "$STAGEC" --base nosuch examples/flask/app.yaml
grep -q "unknown base .nosuch.; use .official., .debian. or .alpine." "$tmp/err" && ok "bad --base names the bases" || bad "bad --base names the bases"
expect_status "bad --dump-ir" 2 "$STAGEC" --dump-ir=after:nosuch examples/flask/app.yaml
# global options before the command (shared/design/cli.md): the command takes them as its own
cp -r examples/go "$tmp/gl" && rm -f "$tmp/gl/Dockerfile" "$tmp/gl/Dockerfile.single" "$tmp/gl/.dockerignore"
expect_status "a global option before all" 0 "$STAGEC" --no-policy --lock=off --base debian all "$tmp/gl"
grep -q "^FROM golang:1.19\|^FROM debian:bookworm-slim" "$tmp/gl/Dockerfile" && grep -q "^FROM debian:bookworm-slim" "$tmp/gl/Dockerfile" &&
	ok "all took --base debian given before it" || bad "all took --base debian given before it"
expect_status "a global option before init" 0 "$STAGEC" --base alpine init --print "$tmp/gl"
grep -q "^base: alpine" "$tmp/out" && ok "init took --base given before it" || bad "init took --base given before it"
expect_status "a global option before explain" 0 "$STAGEC" --no-policy --lock=off explain examples/go/app.yaml
grep -q "^# stagec explain examples/go/app.yaml" "$tmp/out" && ok "explain took --no-policy given before it" ||
	bad "explain took --no-policy given before it"
expect_status "a spec's option before all" 2 "$STAGEC" --Werror all "$tmp/gl"
grep -q "'--Werror' is not an option of 'stagec all' (only of: stagec, stagec explain)" "$tmp/err" &&
	ok "--Werror before all: which commands take it" || bad "--Werror before all: which commands take it"
expect_status "an option of all before a spec" 2 "$STAGEC" --check examples/go/app.yaml
grep -q "'--check' is not an option of 'stagec' (only of: stagec all, stagec lock)" "$tmp/err" &&
	ok "--check for a spec: which commands take it" || bad "--check for a spec: which commands take it"
expect_status "a global option and a spec" 0 "$STAGEC" --no-policy --base debian examples/go/app.yaml
expect_status "two specs" 2 "$STAGEC" examples/flask/app.yaml examples/go/app.yaml
expect_status "missing spec file" 2 "$STAGEC" "$tmp/nope.yaml"
grep -q "cannot read '$tmp/nope.yaml': No such file or directory" "$tmp/err" && ok "missing file named" || bad "missing file named"
expect_status "a folder as spec" 2 "$STAGEC" examples/flask

printf 'language: pyhton\n' >"$tmp/app.yaml"
expect_status "bad spec" 1 "$STAGEC" "$tmp/app.yaml"
[ ! -s "$tmp/out" ] && ok "bad spec writes nothing on stdout" || bad "bad spec writes nothing on stdout"

# -o into another folder: both variants, identical to the stdout ones, and
# their ignore files beside them (Docker reads <dockerfile>.dockerignore)
mkdir "$tmp/o"
expect_status "-o" 0 "$STAGEC" -o "$tmp/o" examples/flask/app.yaml
"$STAGEC" examples/flask/app.yaml >"$tmp/multi"
"$STAGEC" --single-stage examples/flask/app.yaml >"$tmp/single"
cmp -s "$tmp/multi" "$tmp/o/Dockerfile" && cmp -s "$tmp/single" "$tmp/o/Dockerfile.single" &&
	[ -s "$tmp/o/Dockerfile.dockerignore" ] && [ -s "$tmp/o/Dockerfile.single.dockerignore" ] &&
	ok "-o writes Dockerfile, Dockerfile.single and their .dockerignore files" || bad "-o writes the four files"
[ -z "$(ls -A "$tmp/o" | grep -v -e '^Dockerfile$' -e '^Dockerfile.single$' -e '^Dockerfile.dockerignore$' \
	-e '^Dockerfile.single.dockerignore$')" ] &&
	ok "-o leaves no temporary file and no .dockerignore outside the spec's folder" || bad "-o leaves no temporary file"
expect_status "-o again replaces its own files" 0 "$STAGEC" -o "$tmp/o" examples/go/app.yaml
grep -q "go-example" "$tmp/o/Dockerfile" && ok "-o replaced its own Dockerfile" || bad "-o replaced its own Dockerfile"

# a hand-written Dockerfile is never overwritten without --force
mkdir "$tmp/h"
printf 'FROM debian:bookworm-slim\n# mine\n' >"$tmp/h/Dockerfile"
expect_status "-o refuses a foreign Dockerfile" 2 "$STAGEC" -o "$tmp/h" examples/flask/app.yaml
grep -q "refusing to overwrite '$tmp/h/Dockerfile', which stagec did not generate" "$tmp/err" &&
	ok "the refusal names the file" || bad "the refusal names the file"
grep -q '# mine' "$tmp/h/Dockerfile" && [ ! -e "$tmp/h/Dockerfile.single" ] && [ ! -e "$tmp/h/Dockerfile.dockerignore" ] &&
	ok "after a refusal nothing was written" || bad "after a refusal nothing was written"
expect_status "-o --force" 0 "$STAGEC" -o "$tmp/h" --force examples/flask/app.yaml
grep -q '^# Generated by stagec' "$tmp/h/Dockerfile" && ok "--force replaced it" || bad "--force replaced it"

# a bad spec with -o writes nothing and keeps the old files
cp "$tmp/o/Dockerfile" "$tmp/before"
expect_status "-o with a bad spec" 1 "$STAGEC" -o "$tmp/o" "$tmp/app.yaml"
cmp -s "$tmp/before" "$tmp/o/Dockerfile" && [ -z "$(ls -A "$tmp/o" | grep stagec)" ] &&
	ok "a failed -o keeps the old files and leaves no partial file" || bad "a failed -o keeps the old files"
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$tmp/ro" && chmod 500 "$tmp/ro"
	expect_status "-o into a read-only folder" 2 "$STAGEC" -o "$tmp/ro" examples/flask/app.yaml
fi

# issue 9, item 1: -o with --single-stage refuses before writing anything
mkdir "$tmp/ss"
expect_status "-o with --single-stage" 2 "$STAGEC" -o "$tmp/ss" --single-stage examples/flask/app.yaml
[ -z "$(ls -A "$tmp/ss")" ] && ok "-o with --single-stage writes no file (never an empty one)" ||
	bad "-o with --single-stage writes no file"

# item 7: -o creates a missing folder, after both variants compiled
expect_status "-o into a missing folder" 0 "$STAGEC" -o "$tmp/missing/deeper" examples/flask/app.yaml
cmp -s "$tmp/multi" "$tmp/missing/deeper/Dockerfile" && [ -s "$tmp/missing/deeper/Dockerfile.single.dockerignore" ] &&
	[ ! -e "$tmp/missing/deeper/.dockerignore" ] && ok "-o created the folder and wrote into it" ||
	bad "-o created the folder and wrote into it"
expect_status "-o into a missing folder with a bad spec" 1 "$STAGEC" -o "$tmp/missing2" "$tmp/app.yaml"
[ ! -e "$tmp/missing2" ] && ok "a bad spec creates no folder" || bad "a bad spec creates no folder"
# ... and beside the spec, the build context, it writes .dockerignore
cp -r examples/flask "$tmp/beside"
expect_status "-o into the spec's folder" 0 "$STAGEC" -o "$tmp/beside" "$tmp/beside/app.yaml"
[ -s "$tmp/beside/.dockerignore" ] && [ ! -e "$tmp/beside/Dockerfile.dockerignore" ] &&
	ok "-o beside the spec writes .dockerignore" || bad "-o beside the spec writes .dockerignore"
(cd "$tmp/beside" && "$STAGEC" -o . app.yaml 2>/dev/null) && [ ! -e "$tmp/beside/Dockerfile.dockerignore" ] &&
	ok "-o . beside the spec is the spec's folder too" || bad "-o . beside the spec is the spec's folder too"

# item 9: -o naming a regular file says so
: >"$tmp/plainfile"
expect_status "-o naming a file" 2 "$STAGEC" -o "$tmp/plainfile" examples/flask/app.yaml
grep -q "'$tmp/plainfile' is not a folder" "$tmp/err" && ! grep -q "does not exist" "$tmp/err" &&
	ok "-o naming a file says it is not a folder" || { bad "-o naming a file says it is not a folder"; cat "$tmp/err"; }

# item 6: a FIFO at a target does not block, and nothing is written
mkdir "$tmp/fifo"
if mkfifo "$tmp/fifo/Dockerfile" 2>/dev/null; then
	expect_status "-o with a FIFO at Dockerfile" 2 timeout 20 "$STAGEC" -o "$tmp/fifo" --force examples/flask/app.yaml
	grep -q "is a FIFO" "$tmp/err" && [ -p "$tmp/fifo/Dockerfile" ] && [ "$(ls -A "$tmp/fifo")" = Dockerfile ] &&
		ok "the FIFO is refused, not opened" || { bad "the FIFO is refused, not opened"; cat "$tmp/err"; }
fi
# a folder at Dockerfile.single: refused before Dockerfile is replaced, even with --force
mkdir -p "$tmp/dirt/Dockerfile.single"
"$STAGEC" examples/go/app.yaml >"$tmp/dirt/Dockerfile"
cp "$tmp/dirt/Dockerfile" "$tmp/dirt-before"
expect_status "-o with a folder at Dockerfile.single" 2 "$STAGEC" -o "$tmp/dirt" --force examples/flask/app.yaml
cmp -s "$tmp/dirt-before" "$tmp/dirt/Dockerfile" && [ -z "$(ls -A "$tmp/dirt" | grep stagec)" ] &&
	ok "nothing replaced when a later target is a folder" || bad "nothing replaced when a later target is a folder"

# stale temporary files: removed when their process is gone, kept while it runs
mkdir "$tmp/stale"
dead=$(sh -c 'echo $$')
: >"$tmp/stale/.stagec-$dead-AbCdEf"
: >"$tmp/stale/.stagec-$$-AbCdEf"
expect_status "-o with stale temporary files" 0 "$STAGEC" -o "$tmp/stale" examples/flask/app.yaml
[ ! -e "$tmp/stale/.stagec-$dead-AbCdEf" ] && [ -e "$tmp/stale/.stagec-$$-AbCdEf" ] &&
	ok "a dead run's temporary file is removed, a live one's kept" || bad "stale temporary files"

# A shim that makes one rename fail, or fsync slow, to test the rollback
# and the signal handler (skipped where it cannot be preloaded, e.g. ASan).
cat >"$tmp/shim.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int rename(const char *from, const char *to)
{
	const char *fail = getenv("STAGEC_TEST_FAIL_RENAME");
	size_t n = fail ? strlen(fail) : 0, m = strlen(to);
	if (n && m >= n && strcmp(to + m - n, fail) == 0) {
		errno = EIO;
		return -1;
	}
	int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	return real(from, to);
}
int fsync(int fd)
{
	const char *slow = getenv("STAGEC_TEST_SLOW_FSYNC");
	if (slow)
		sleep((unsigned)atoi(slow));
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	return real(fd);
}
SHIM
if cc -shared -fPIC -o "$tmp/shim.so" "$tmp/shim.c" -ldl 2>/dev/null &&
	LD_PRELOAD="$tmp/shim.so" "$STAGEC" --version >/dev/null 2>&1; then
	# a rename that fails after others succeeded: all targets get their old files back
	mkdir "$tmp/rb"
	"$STAGEC" -o "$tmp/rb" examples/go/app.yaml
	cat "$tmp/rb/Dockerfile" "$tmp/rb/Dockerfile.single" "$tmp/rb/Dockerfile.dockerignore" >"$tmp/rb-before"
	expect_status "-o when the last rename fails" 2 env LD_PRELOAD="$tmp/shim.so" \
		STAGEC_TEST_FAIL_RENAME=/Dockerfile.single.dockerignore "$STAGEC" -o "$tmp/rb" examples/flask/app.yaml
	cat "$tmp/rb/Dockerfile" "$tmp/rb/Dockerfile.single" "$tmp/rb/Dockerfile.dockerignore" >"$tmp/rb-after"
	cmp -s "$tmp/rb-before" "$tmp/rb-after" && [ -z "$(ls -A "$tmp/rb" | grep stagec)" ] &&
		ok "a failed rename rolls back the files already replaced" || bad "a failed rename rolls back"
	mkdir "$tmp/rb2"
	expect_status "-o into an empty folder when a rename fails" 2 env LD_PRELOAD="$tmp/shim.so" \
		STAGEC_TEST_FAIL_RENAME=/Dockerfile.dockerignore "$STAGEC" -o "$tmp/rb2" examples/flask/app.yaml
	[ -z "$(ls -A "$tmp/rb2")" ] && ok "... and removes the new files" || bad "... and removes the new files"
	# SIGTERM while the temporary files are written removes them
	for sig in TERM INT; do
		mkdir "$tmp/sig$sig"
		LD_PRELOAD="$tmp/shim.so" STAGEC_TEST_SLOW_FSYNC=3 "$STAGEC" -o "$tmp/sig$sig" examples/flask/app.yaml \
			2>/dev/null &
		pid=$!
		i=0
		while [ $i -lt 100 ] && [ -z "$(ls -A "$tmp/sig$sig")" ]; do sleep 0.05; i=$((i + 1)); done
		kill -"$sig" $pid
		wait $pid 2>/dev/null
		[ -z "$(ls -A "$tmp/sig$sig")" ] && ok "SIG$sig during -o leaves no temporary file" ||
			{ bad "SIG$sig during -o leaves no temporary file"; ls -A "$tmp/sig$sig"; }
	done
else
	echo "ok - rename and signal tests skipped: the shim cannot be preloaded here"
fi

# the spec from standard input: '-' and /dev/stdin, the current folder as
# context, <stdin> in diagnostics; read once, so a pipe works with -o
# (line 2 names the spec <stdin>, with the same hash; the rest is the same)
same_but_name() { # stdin-output file-output
	sed -e 2d -e 's,^# Spec: <stdin> ,# Spec: app.yaml ,' "$1" | cmp -s - "$tmp/multi-no-line2" &&
		[ "$(sed -n 2p "$1" | grep -o ' spec:<stdin>=[0-9a-f]*' | cut -d= -f2)" = \
		  "$(sed -n 2p "$tmp/multi" | grep -o ' spec:app.yaml=[0-9a-f]*' | cut -d= -f2)" ]
}
sed 2d "$tmp/multi" >"$tmp/multi-no-line2"
(cd examples/flask && "$STAGEC" - <app.yaml) >"$tmp/stdin-out" 2>"$tmp/err"
same_but_name "$tmp/stdin-out" &&
	ok "'-' reads the spec from stdin with the current folder as context" || { bad "'-' reads the spec from stdin"; cat "$tmp/err"; }
mkdir "$tmp/piped"
(cd examples/flask && cat app.yaml | "$STAGEC" -o "$tmp/piped" /dev/stdin) 2>"$tmp/err" &&
	same_but_name "$tmp/piped/Dockerfile" &&
	[ -s "$tmp/piped/Dockerfile.single" ] &&
	ok "cat app.yaml | stagec -o DIR /dev/stdin writes both variants" || { bad "stagec -o DIR /dev/stdin"; cat "$tmp/err"; }
printf 'language: pyhton\n' | "$STAGEC" - >/dev/null 2>"$tmp/err"
grep -q "^<stdin>:1:11: error: unknown language 'pyhton'" "$tmp/err" && ok "diagnostics call stdin <stdin>" ||
	{ bad "diagnostics call stdin <stdin>"; cat "$tmp/err"; }

# item 8: control characters in the spec's path are escaped in messages
esc=$(printf 'x\033]0;owned\007y')
mkdir "$tmp/$esc"
printf 'language: pyhton\n' >"$tmp/$esc/app.yaml"
expect_status "a spec path with escape sequences" 1 "$STAGEC" "$tmp/$esc/app.yaml"
! LC_ALL=C grep -q "$(printf '\033')" "$tmp/err" && grep -q 'x\\x1b]0;owned\\x07y/app.yaml:1:[0-9]*: error' "$tmp/err" &&
	ok "the path's control characters are shown escaped" || { bad "the path's control characters are shown escaped"; cat -v "$tmp/err"; }
expect_status "a missing spec path with escape sequences" 2 "$STAGEC" "$tmp/$esc/nope.yaml"
! LC_ALL=C grep -q "$(printf '\033')" "$tmp/err" && ok "... also when it cannot be read" || bad "... also when it cannot be read"

# item 3: alias expansion is bounded in bytes; diagnostics in volume
long=$(head -c 65000 /dev/zero | tr '\0' x)
{ printf 'language: python\nname: a\nbuild: [&a "%s"' "$long"; i=0; while [ $i -lt 100 ]; do printf ', *a'; i=$((i + 1)); done; echo ']'; } >"$tmp/bomb.yaml"
cp examples/flask/requirements.txt "$tmp/"
expect_status "64 KiB aliased 100 times" 1 "$STAGEC" "$tmp/bomb.yaml"
grep -q "aliases expand this document past 1048576 bytes of text" "$tmp/err" && [ ! -s "$tmp/out" ] &&
	ok "the alias expansion is refused by its size" || bad "the alias expansion is refused by its size"
awk 'BEGIN { printf "language: python\nbuild: ["; for (i = 0; i < 60000; i++) printf "%s\"a\\u0001b\"", i ? "," : ""; print "]" }' >"$tmp/errs.yaml"
bytes=$("$STAGEC" --max-errors 10000 "$tmp/errs.yaml" 2>&1 >/dev/null | head -c 16000000 | wc -c)
[ "$bytes" -lt 8000000 ] && ok "10,000 errors on one long line print $bytes bytes" ||
	bad "10,000 errors on one long line print $bytes bytes (wanted under 8 MB)"

# stdout that cannot be written is an I/O error, not a success
if [ -w /dev/full ]; then
	expect_status "stdout is full" 2 sh -c "'$STAGEC' examples/flask/app.yaml >/dev/full"
fi

# warnings: printed, exit 0; with --Werror they fail
cp -r examples/go "$tmp/w"
printf 'language: go\nimages: {run: "debian"}\nrun: {port: 8080}\n' >"$tmp/w/app.yaml"
expect_status "a warning alone" 0 "$STAGEC" "$tmp/w/app.yaml"
grep -q "warning: image 'debian' has no tag" "$tmp/err" && ok "the warning is printed" || bad "the warning is printed"
expect_status "--Werror" 1 "$STAGEC" --Werror "$tmp/w/app.yaml"
[ ! -s "$tmp/out" ] && ok "--Werror failure writes nothing" || bad "--Werror failure writes nothing"

# --dump-ir
expect_status "--dump-ir" 0 "$STAGEC" --dump-ir examples/flask/app.yaml
grep -q '^stage builder FROM python:3.11-slim' "$tmp/out" && ok "--dump-ir prints stages" || bad "--dump-ir prints stages"
expect_status "--dump-ir with -o" 2 "$STAGEC" --dump-ir -o "$tmp/o" examples/flask/app.yaml

# --templates reads a folder; a broken template is reported at its position
mkdir "$tmp/t"
cp templates/*.yaml "$tmp/t/"
expect_status "--templates DIR" 0 "$STAGEC" --templates "$tmp/t" examples/flask/app.yaml
sed -i 's/^workdir: \/app/wrokdir: \/app/' "$tmp/t/python.yaml"
expect_status "a broken template" 1 "$STAGEC" --templates "$tmp/t" examples/flask/app.yaml
grep -q "python.yaml:[0-9]*:1: error: unknown template key 'wrokdir' (did you mean 'workdir'?)" "$tmp/err" &&
	ok "the template error has its position" || { bad "the template error has its position"; cat "$tmp/err"; }
# caches: (templates/README.md) a bad value is an error at its position;
# a family's caches need their cached_install
cp templates/python.yaml "$tmp/t/python.yaml"
sed -i 's|^caches: \[{target: /root/.cache/pip}\]$|caches: [{target: /root/.cache/pip, sharing: private}]|' "$tmp/t/python.yaml"
expect_status "a bad cache in a template" 1 "$STAGEC" --templates "$tmp/t" examples/flask/app.yaml
grep -q "python.yaml:[0-9]*:[0-9]*: error: 'sharing' is shared or locked, not 'private'" "$tmp/err" &&
	ok "a bad cache's error has its position" || { bad "a bad cache's error has its position"; cat "$tmp/err"; }
cp templates/python.yaml "$tmp/t/python.yaml"
sed -i '/^    cached_install:$/,/{packages}"$/d' "$tmp/t/families.yaml"
expect_status "a family's caches without cached_install" 1 "$STAGEC" --templates "$tmp/t" examples/flask/app.yaml
grep -q "families.yaml:[0-9]*:[0-9]*: error: family 'debian': 'caches' and 'cached_install'" "$tmp/err" &&
	ok "a family's caches need cached_install" || { bad "a family's caches need cached_install"; cat "$tmp/err"; }
cp templates/families.yaml "$tmp/t/families.yaml"

# init: tini (templates/README.md): under tini on a final stage with apt;
# the static build copied from the builder on one without (scratch); not
# when the spec names its own entrypoint; a bad value is a template error
"$STAGEC" examples/flask/app.yaml >"$tmp/init"
grep -q '^ENTRYPOINT \["/usr/bin/tini", "--"\]$' "$tmp/init" && grep -Eq '^ +tini( \\)?$' "$tmp/init" &&
	ok "init: tini installs tini and runs the command under it" || bad "init: tini installs tini and runs the command under it"
mkdir "$tmp/ep"
cp -R examples/python-cext/. "$tmp/ep/"
printf '%s\n' 'name: ep' 'language: python' 'dependencies:' '  manifest: [requirements.txt, vendor/]' \
	'run:' '  entrypoint: [python]' '  command: [app.py]' >"$tmp/ep/app.yaml"
expect_status "a spec's own entrypoint" 0 "$STAGEC" "$tmp/ep/app.yaml"
grep -q '^ENTRYPOINT \["python"\]$' "$tmp/out" && ! grep -q tini "$tmp/out" &&
	ok "the spec's entrypoint owns PID 1: no tini" || { bad "the spec's entrypoint owns PID 1: no tini"; cat "$tmp/out"; }
cp templates/*.yaml "$tmp/t/"
sed -i 's|^default_command: \["/usr/local/bin/{name}"\]$|&\ninit: tini|' "$tmp/t/go.yaml"
expect_status "init: tini on a scratch final stage" 0 "$STAGEC" --templates "$tmp/t" examples/go/app.yaml
sed -n '/^FROM scratch$/,$p' "$tmp/out" >"$tmp/final"
grep -q '^COPY --from=builder /usr/bin/tini-static /usr/bin/tini$' "$tmp/final" && ! grep -q '^RUN' "$tmp/final" &&
	grep -q '^ENTRYPOINT \["/usr/bin/tini", "--"\]$' "$tmp/final" &&
	ok "no shell: tini-static copied from the builder" || { bad "no shell: tini-static copied from the builder"; cat "$tmp/out"; }
# ... and the builder then stays on the target's CPU: tini-static is a
# package of the builder's (cross.c)
grep -q '^FROM golang:1.19 AS builder$' "$tmp/out" &&
	ok "tini-static from the builder: no cross-build" || { bad "tini-static from the builder: no cross-build"; cat "$tmp/out"; }
"$STAGEC" --templates "$tmp/t" --dump-ir examples/go/app.yaml >"$tmp/ir" 2>&1
grep -q "^stage builder FROM golang:1.19 (debian)  # the builder: .*; the final stage copies /usr/bin/tini-static, which a package made for the builder's CPU$" "$tmp/ir" &&
	ok "--dump-ir says why it does not cross-build" || { bad "--dump-ir says why it does not cross-build"; cat "$tmp/ir"; }
sed -i 's/^init: tini$/init: dumb-init/' "$tmp/t/go.yaml"
expect_status "a bad init" 1 "$STAGEC" --templates "$tmp/t" examples/go/app.yaml
grep -q "go.yaml:[0-9]*:7: error: 'init' is tini or none, not 'dumb-init'" "$tmp/err" &&
	ok "the bad init has its position" || { bad "the bad init has its position"; cat "$tmp/err"; }

# cross-builds (templates/README.md, cross): the first rule whose when_env
# holds decides; a flavour's rules replace the template's; a template with
# none never cross-builds; a spec's build.env wins over a rule's env; a
# broken rule is a template error at its position
"$STAGEC" examples/go/app.yaml >"$tmp/out"
grep -q '^FROM --platform=\$BUILDPLATFORM golang:1.19 AS builder$' "$tmp/out" &&
	grep -q '^ARG TARGETARCH$' "$tmp/out" && grep -q '^    GOARCH="\$TARGETARCH"$' "$tmp/out" &&
	ok "Go cross-compiles on \$BUILDPLATFORM" || { bad "Go cross-compiles on \$BUILDPLATFORM"; cat "$tmp/out"; }
"$STAGEC" --single-stage examples/go/app.yaml >"$tmp/out"
! grep -q -- '--platform\|TARGETARCH' "$tmp/out" && ok "the single-stage variant never cross-builds" ||
	{ bad "the single-stage variant never cross-builds"; cat "$tmp/out"; }
"$STAGEC" --dump-ir examples/go-cgo/app.yaml >"$tmp/out"
grep -q "^stage builder FROM golang:1.19 (debian)  # the builder: .*; cgo compiles C code for the builder's CPU" "$tmp/out" &&
	ok "cgo on: no cross-build, and the IR says why" || { bad "cgo on: no cross-build, and the IR says why"; cat "$tmp/out"; }
mkdir "$tmp/xarch"
cp -R examples/go/. "$tmp/xarch/"
printf '%s\n' 'name: xarch' 'language: go' 'build:' '  env: {GOARCH: arm}' >"$tmp/xarch/app.yaml"
expect_status "a spec's GOARCH" 0 "$STAGEC" "$tmp/xarch/app.yaml"
grep -q '^ARG GOARCH="arm"$' "$tmp/out" && grep -q '^ARG GOOS="\$TARGETOS"$' "$tmp/out" && ! grep -q 'TARGETARCH' "$tmp/out" &&
	ok "the spec's build.env wins over the cross rule's" || { bad "the spec's build.env wins over the cross rule's"; cat "$tmp/out"; }
cp templates/*.yaml "$tmp/t/"
sed -i 's|^    build_packages: \[ca-certificates, golang-go\]$|&\n    cross: [{build_platform: false, why: Debian'"'"'s Go says no}]|' "$tmp/t/go.yaml"
sed -i '/^cross:$/,$d' "$tmp/t/java.yaml"
"$STAGEC" --templates "$tmp/t" --base debian examples/go/app.yaml >"$tmp/out" 2>&1
"$STAGEC" --templates "$tmp/t" examples/go/app.yaml >"$tmp/out2" 2>&1
! grep -q -- '--platform' "$tmp/out" && grep -q -- '^FROM --platform=' "$tmp/out2" &&
	ok "a flavour's cross rules replace the template's" || { bad "a flavour's cross rules replace the template's"; cat "$tmp/out"; }
"$STAGEC" --templates "$tmp/t" --dump-ir examples/java/app.yaml >"$tmp/out" 2>&1
grep -q "^stage builder FROM maven:3.9-eclipse-temurin-17 (debian)  # the builder: .*; the java template does not say that its build cross-compiles$" "$tmp/out" &&
	ok "a template without cross rules does not cross-build" || { bad "a template without cross rules does not cross-build"; cat "$tmp/out"; }
cp templates/go.yaml "$tmp/t/"
sed -i 's|^    env: {GOOS: \$TARGETOS, GOARCH: \$TARGETARCH}$|    env: {GOOS: $HOME, GOARCH: "a\\\\b"}|; s|^    why: cgo compiles.*$|    env: {X: "1"}|' "$tmp/t/go.yaml"
expect_status "broken cross rules" 1 "$STAGEC" --templates "$tmp/t" examples/go/app.yaml
grep -q "go.yaml:[0-9]*:17: error: '\$HOME' uses a variable BuildKit does not set; use its platform variables" "$tmp/err" &&
	grep -q "go.yaml:[0-9]*:32: error: 'a.b' holds quotes, backslashes, braces or control characters" "$tmp/err" &&
	grep -q "go.yaml:[0-9]*:5: error: a cross-build rule needs 'build_platform' (true or false) and 'why'" "$tmp/err" &&
	grep -q "go.yaml:[0-9]*:10: error: 'env' is the builder's environment when it cross-builds" "$tmp/err" &&
	ok "cross rule errors have their positions" || { bad "cross rule errors have their positions"; cat "$tmp/err"; }
cp templates/go.yaml "$tmp/t/"

# the organisation policy: found by walking up from the spec to the folder
# holding .git, named with --policy, or switched off with --no-policy
mkdir -p "$tmp/pt/.git" "$tmp/pt/.stagec" "$tmp/pt/svc"
cp -R examples/flask/. "$tmp/pt/svc/"
printf '%s\n' 'version: 1' 'rules:' '  packages: {deny: [libpq-dev]}' >"$tmp/pt/.stagec/policy.yaml"
expect_status "a policy found above the spec" 1 "$STAGEC" "$tmp/pt/svc/app.yaml"
grep -q "app.yaml:6:12: error: the package 'libpq-dev' is denied by the policy (.*/pt/.stagec/policy.yaml:3:14); remove it \[STG401 packages.deny\]" "$tmp/err" &&
	ok "the finding is at the spec's line, with the rule" || { bad "the finding is at the spec's line, with the rule"; cat "$tmp/err"; }
expect_status "--no-policy" 0 "$STAGEC" --no-policy "$tmp/pt/svc/app.yaml"
(cd "$tmp/pt/svc" && "$STAGEC" - <app.yaml >/dev/null 2>"$tmp/err"); st=$?
[ "$st" = 1 ] && grep -q '^<stdin>:6:12: error: .*STG401' "$tmp/err" &&
	ok "a spec on stdin finds the policy above the current folder" || { bad "a spec on stdin finds the policy above the current folder"; cat "$tmp/err"; }
printf '%s\n' 'version: 1' 'rulez: {}' >"$tmp/pt/bad.yaml"
expect_status "an invalid --policy" 2 "$STAGEC" --policy "$tmp/pt/bad.yaml" "$tmp/pt/svc/app.yaml"
grep -q "bad.yaml:2:1: error: unknown key 'rulez' (did you mean 'rules'?)" "$tmp/err" &&
	ok "the policy's error is positioned" || { bad "the policy's error is positioned"; cat "$tmp/err"; }
# the policy's exceptions apply to a hand run as to the library: the spec's
# place is known although the driver reads its text itself (a regression:
# the exception matched nothing when the driver passed the spec's folder)
mkdir -p "$tmp/exc"
cp -R tests/policy/exception-waives/. "$tmp/exc/"
expect_status "an exception waives a rule for stagec SPEC" 0 env SOURCE_DATE_EPOCH=1790000000 "$STAGEC" "$tmp/exc/app.yaml"
grep -q "note: waived by the policy's exception" "$tmp/err" &&
	ok "the waiver is shown" || { bad "the waiver is shown"; cat "$tmp/err"; }
expect_status "an exception waives a rule for -o" 0 env SOURCE_DATE_EPOCH=1790000000 "$STAGEC" -o "$tmp/exc" "$tmp/exc/app.yaml"
expect_status "stdin matches no exception" 1 env SOURCE_DATE_EPOCH=1790000000 sh -c 'cd "$1" && "$2" - <app.yaml' _ "$tmp/exc" "$STAGEC"
mkdir -p "$tmp/pt/o"
expect_status "an invalid policy writes nothing with -o" 2 "$STAGEC" --policy "$tmp/pt/bad.yaml" -o "$tmp/pt/o" "$tmp/pt/svc/app.yaml"
[ -z "$(ls -A "$tmp/pt/o")" ] && ok "nothing written" || bad "nothing written"

# libxml2 is loaded only when XML is read (compiler/xmllib.c): stagec is
# not linked with it, a spec that reads no XML compiles without it; the
# jar's name comes from pom.xml's artifactId and version; a libxml2 that
# cannot be loaded is an error at the XML file, not a crash
if command -v readelf >/dev/null 2>&1; then
	readelf -d "$STAGEC" | grep NEEDED >"$tmp/needed"
	grep -q 'libc.so' "$tmp/needed" && ! grep -q 'libxml2' "$tmp/needed" &&
		ok "stagec is not linked with libxml2" || { bad "stagec is not linked with libxml2"; cat "$tmp/needed"; }
fi
expect_status "a spec that reads no XML, without libxml2" 0 env STAGEC_LIBXML2=$tmp/no-libxml2.so "$STAGEC" examples/go/app.yaml
mkdir -p "$tmp/xm"
cp -R examples/java-maven/. "$tmp/xm/"
sed -i '1a <!DOCTYPE project>' "$tmp/xm/pom.xml"
expect_status "a pom.xml with a DOCTYPE" 0 "$STAGEC" "$tmp/xm/app.yaml"
grep -q 'cp target/hello-server-1.0.0.jar /opt/app/app.jar' "$tmp/out" &&
	ok "the jar is named from pom.xml" || bad "the jar is named from pom.xml"
expect_status "libxml2 missing" 1 env STAGEC_LIBXML2=$tmp/no-libxml2.so "$STAGEC" "$tmp/xm/app.yaml"
grep -q "^$tmp/xm/pom.xml:1:1: error: cannot read '$tmp/xm/pom.xml' as XML: cannot load $tmp/no-libxml2.so (.*); install libxml2" "$tmp/err" &&
	[ ! -s "$tmp/out" ] && ok "a missing libxml2 is a positioned error" || { bad "a missing libxml2 is a positioned error"; cat "$tmp/err"; }
expect_status "a libxml2 without its functions" 1 env STAGEC_LIBXML2=libyaml-0.so.2 "$STAGEC" "$tmp/xm/app.yaml"
grep -q "error: cannot read .* as XML: libyaml-0.so.2 has no xmlNewParserCtxt" "$tmp/err" &&
	ok "a library without libxml2's functions is an error" || { bad "a library without libxml2's functions is an error"; cat "$tmp/err"; }
printf '<project>\n  <artifactId>a</artifactId>\n</projekt>\n' >"$tmp/xm/pom.xml"
expect_status "a malformed pom.xml" 1 "$STAGEC" "$tmp/xm/app.yaml"
grep -q "pom.xml:3:.*error: .*pom.xml' is not well-formed XML" "$tmp/err" &&
	ok "a malformed pom.xml is libxml2's positioned error" || { bad "a malformed pom.xml is libxml2's positioned error"; cat "$tmp/err"; }

# --no-comments (issue 12, item 6): no comment after the header, line 2
# says so; with -o both Dockerfiles lose them and the ignore file is the
# same; stagec all --check tells files with comments from files without
expect_status "--no-comments" 0 "$STAGEC" --no-comments examples/flask/app.yaml
cp "$tmp/out" "$tmp/nc"
if ! sed '1,/^$/d' "$tmp/nc" | grep -q '^#' && sed -n 2p "$tmp/nc" | grep -q ' options=multi,no-comments ' &&
	sed '1,/^$/d' examples/flask/Dockerfile | grep -q '^# ' && ! sed -n 2p examples/flask/Dockerfile | grep -q no-comments; then
	ok "--no-comments leaves out the comments after the header, and line 2 says so"
else
	bad "--no-comments leaves out the comments after the header, and line 2 says so"
fi
mkdir -p "$tmp/ncflask" && cp -r examples/flask/. "$tmp/ncflask/" && rm -f "$tmp/ncflask/.dockerignore"
expect_status "-o --no-comments" 0 "$STAGEC" -o "$tmp/ncflask" --no-comments "$tmp/ncflask/app.yaml"
if ! sed '1,/^$/d' "$tmp/ncflask/Dockerfile" | grep -q '^#' && ! sed '1,/^$/d' "$tmp/ncflask/Dockerfile.single" | grep -q '^#' &&
	sed -n 2p "$tmp/ncflask/Dockerfile.single" | grep -q ' options=single,no-comments ' &&
	cmp -s "$tmp/ncflask/.dockerignore" examples/flask/.dockerignore; then
	ok "-o --no-comments: both Dockerfiles without comments, the same .dockerignore"
else
	bad "-o --no-comments: both Dockerfiles without comments, the same .dockerignore"
fi
expect_status "stagec all --no-comments" 0 "$STAGEC" all --no-comments "$tmp/ncflask"
expect_status "stagec all --no-comments --check on its own files" 0 "$STAGEC" all --no-comments --check "$tmp/ncflask"
expect_status "stagec all --check on --no-comments files" 3 "$STAGEC" all --check "$tmp/ncflask"
grep -q "^Dockerfile: stale (options changed)" "$tmp/out" && grep -q "\.dockerignore: fresh" "$tmp/out" &&
	ok "stagec all --check names the option that changed" || { bad "stagec all --check names the option that changed"; cat "$tmp/out"; }

# the README shows what stagec prints today for the Flask example (line 2,
# the input hashes, shortened there: only its start is compared)
sed -n '/^```dockerfile$/,/^```$/p' README.md | sed '1d;$d' >"$tmp/readme-example"
"$STAGEC" examples/flask/app.yaml >"$tmp/flask"
line2="# stagec-inputs: stagec=0.1.0 options=multi spec:app.yaml="
if [ -s "$tmp/readme-example" ] && sed 2d "$tmp/readme-example" | cmp -s - "$tmp/multi-no-line2" &&
	sed -n 2p "$tmp/readme-example" | grep -q "^$line2" && sed -n 2p "$tmp/flask" | grep -q "^$line2"; then
	ok "the README's example output is current"
else
	bad "the README's example output is current"; diff -u "$tmp/readme-example" "$tmp/flask" | head -20
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
