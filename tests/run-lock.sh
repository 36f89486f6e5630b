#!/bin/sh
# run-lock.sh - `stagec lock` and compiling with a lock, on a scratch
# repository with two specs (flask, go), offline: the resolver is a small
# script over a table of digests the test writes, so a "registry move" is a
# changed line.  Covers: --list (missing, locked, unused), the plain run
# (resolves what is missing, freezes the template defaults), --set (option
# and stdin lines, bad values refused with exit 2), --update of one REF and
# of everything, --prune, --outdated (exit 1 on a moved tag), --check (a
# stale Dockerfile digest, an unlocked image: exit 1), a failing or lying
# resolver (exit 2, the lock untouched), no temporary files left, a bad lock
# stopping `stagec all` before anything is written (exit 2), `stagec all
# --check` with a lock (unlocked: 1; lock changed: 3), --lock=off and bad
# --lock values, and the policy's digests.required (STG103) and
# lock.max_age (STG904) with SOURCE_DATE_EPOCH, extends refusing to loosen
# them.  The real registry round trip is tests/e2e/registry.sh.
# Usage: tests/run-lock.sh path/to/stagec   (run from the repository root)
set -u
STAGEC=${1:?usage: run-lock.sh STAGEC}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
expect() { # name status cmd...  (stdout in $tmp/out, stderr in $tmp/err)
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name (exit $want)"; else
		bad "$name: exit $got, wanted $want"
		sed 's/^/  out: /' "$tmp/out" | head -n 20
		sed 's/^/  err: /' "$tmp/err" | head -n 20
	fi
}
has() { # name pattern file
	if grep -q -- "$2" "$3"; then ok "$1"; else bad "$1: no '$2' in $(basename "$3")"; sed 's/^/  /' "$3" | head -n 20; fi
}
hasnt() { # name pattern file
	if grep -q -- "$2" "$3"; then bad "$1: '$2' in $(basename "$3")"; else ok "$1"; fi
}
d() { printf 'sha256:%064d' "$1"; } # a digest made of a number

R=$tmp/repo
mkdir -p "$R/.git" "$R/services"
cp -r examples/flask "$R/services/flask"
cp -r examples/go "$R/services/go"
cp -r tests/cases/node-nodeps "$R/services/node" # no version: the template's default
# the "registry": REF DIGEST lines; the resolver prints the digest of $1
cat >"$tmp/registry" <<EOF
python:3.11-slim $(d 1)
golang:1.19 $(d 2)
node:20-slim $(d 3)
node:18-slim $(d 9)
EOF
cat >"$tmp/resolve" <<EOF
#!/bin/sh
awk -v r="\$1" '\$1 == r { print \$2; f = 1 } END { exit !f }' "$tmp/registry"
EOF
chmod +x "$tmp/resolve"
RES="$tmp/resolve {}"
cd "$R" || exit 2
export SOURCE_DATE_EPOCH=1764547200 # 2025-12-01

mkdir -p "$tmp/empty/.git"
expect "a tree without specs" 0 "$STAGEC" lock --list "$tmp/empty"

# ---- the lock command -----------------------------------------------------------
expect "--list with no lock" 0 "$STAGEC" lock --list
has "--list names a missing image" "^python:3.11-slim missing$" "$tmp/out"
[ -e stagec.lock ] && bad "--list writes nothing" || ok "--list writes nothing"
images=$(awk '{print $1}' "$tmp/out" | sort | tr '\n' ' ')
expect "a plain run resolves what is missing" 0 "$STAGEC" lock --resolver "$RES"
has "the lock has python" "image: python:3.11-slim@$(d 1)$" stagec.lock
has "dated by SOURCE_DATE_EPOCH" "confirmed: 2025-12-01" stagec.lock
has "python's default frozen" 'python: {default_version: "3.11"}' stagec.lock
has "node's default frozen" 'node: {default_version: "18"}' stagec.lock
locked=$(sed -n 's/^  - image: \([^@]*\)@.*/\1/p' stagec.lock | sort | tr '\n' ' ')
[ "$locked" = "$images" ] && ok "every image --list named is locked ($locked)" || bad "locked '$locked', listed '$images'"
ls -a | grep -q '^\.stagec-' && bad "no temporary files left" || ok "no temporary files left"
cp stagec.lock "$tmp/lock1"
expect "a second plain run" 0 "$STAGEC" lock --resolver false
cmp -s stagec.lock "$tmp/lock1" && ok "a complete lock needs no resolver and stays as it is" || bad "the lock changed"

expect "--set REF=DIGEST" 0 "$STAGEC" lock --set "node:20-slim=$(d 5)"
has "--set adds an entry" "image: node:20-slim@$(d 5)" stagec.lock
printf '# comment\nnode:22-slim %s\n\n' "$(d 6)" >"$tmp/in"
expect "--set - reads lines" 0 sh -c "'$STAGEC' lock --set - <'$tmp/in'"
has "stdin adds an entry" "image: node:22-slim@$(d 6)" stagec.lock
cp stagec.lock "$tmp/lock2"
expect "--set with a bad digest" 2 "$STAGEC" lock --set "node:20-slim=sha256:abc"
has "says what a digest is" "64 lowercase hex" "$tmp/err"
expect "--set of scratch" 2 "$STAGEC" lock --set "scratch=$(d 7)"
cmp -s stagec.lock "$tmp/lock2" && ok "a refused --set changes nothing" || bad "a refused --set changed the lock"
expect "--list shows unused entries" 0 "$STAGEC" lock --list
has "node:20-slim unused" "^node:20-slim unused$" "$tmp/out"
expect "--prune in one service's folder" 0 sh -c "cd services/go && '$STAGEC' lock --prune"
has "it keeps what the other services need" "image: python:3.11-slim@" stagec.lock
expect "--prune" 0 "$STAGEC" lock --prune
hasnt "--prune dropped node:20-slim" "node:20-slim" stagec.lock
cmp -s stagec.lock "$tmp/lock1" && ok "--prune gives back the lock of the specs" || bad "--prune left more"

expect "two actions at once" 2 "$STAGEC" lock --list --check
has "one action at a time" "give one action at a time" "$tmp/err"
expect "--update of something that is not a reference" 2 "$STAGEC" lock --update "no such/Image"
expect "--help" 0 "$STAGEC" lock --help
for o in $("$STAGEC" lock --list-options | cut -f1); do
	grep -q -- "--$o" "$tmp/out" && ok "--help shows --$o" || bad "--help lacks --$o"
done

# ---- compiling with it ----------------------------------------------------------
expect "stagec SPEC with the lock" 0 "$STAGEC" services/flask/app.yaml
has "FROM pinned, tag kept" "^FROM python:3.11-slim@$(d 1)$" "$tmp/out"
has "base-image name label" 'org.opencontainers.image.base.name="docker.io/library/python:3.11-slim"' "$tmp/out"
expect "--single-stage pins too" 0 "$STAGEC" --single-stage services/flask/app.yaml
has "single-stage FROM pinned" "^FROM python:3.11-slim@$(d 1)$" "$tmp/out"
expect "--lock=off" 0 "$STAGEC" --lock=off services/flask/app.yaml
has "--lock=off keeps the tag" "^FROM python:3.11-slim$" "$tmp/out"
expect "--lock=bogus" 2 "$STAGEC" --lock=bogus services/flask/app.yaml
expect "stagec all with the lock" 0 "$STAGEC" all .
has "the generated Dockerfile is pinned" "@$(d 2)" services/go/Dockerfile
expect "stagec all --check: fresh" 0 "$STAGEC" all --check .
expect "stagec lock --check: clean" 0 "$STAGEC" lock --check

# a tag that moved: --outdated sees it, the build keeps the locked digest
sed -i "s/^golang:1.19 .*/golang:1.19 $(d 8)/" "$tmp/registry"
expect "--outdated finds the moved tag" 1 "$STAGEC" lock --outdated --resolver "$RES"
has "--outdated names it" "^golang:1.19: locked $(d 2)" "$tmp/out"
has "and the new digest" "now has $(d 8)" "$tmp/out"
cmp -s stagec.lock "$tmp/lock1" && ok "--outdated writes nothing" || bad "--outdated wrote the lock"
expect "--update golang:1.19" 0 "$STAGEC" lock --update golang:1.19 --resolver "$RES"
has "--update took the new digest" "image: golang:1.19@$(d 8)" stagec.lock
expect "lock --check sees the stale Dockerfile" 1 "$STAGEC" lock --check
has "at its FROM line" "services/go/Dockerfile:[0-9]*: error: FROM golang:1.19 uses $(d 2)" "$tmp/err"
expect "stagec all --check sees it stale" 3 "$STAGEC" all --check .
has "because the lock changed (line 2 records it)" "^services/go/Dockerfile: stale (.*lock \.\./\.\./stagec.lock" "$tmp/out"
expect "stagec all rewrites it" 0 "$STAGEC" all .
expect "lock --check: clean again" 0 "$STAGEC" lock --check

# an image the lock lacks
cp stagec.lock "$tmp/lock3"
sed -i '/^  - image: golang:/,+1d' stagec.lock
expect "stagec SPEC warns about the unlocked image" 0 "$STAGEC" services/go/app.yaml
has "the warning" "warning: the image 'golang:1.19' is not in the lock file" "$tmp/err"
expect "--lock=frozen refuses it" 1 "$STAGEC" --lock=frozen services/go/app.yaml
expect "stagec all --check refuses it" 1 "$STAGEC" all --check .
expect "lock --check refuses it" 1 "$STAGEC" lock --check
cp "$tmp/lock3" stagec.lock

# resolvers that fail or lie
expect "a failing resolver" 2 "$STAGEC" lock --update --resolver false
expect "a resolver printing no digest" 2 "$STAGEC" lock --update --resolver "echo latest #"
has "says what it printed" "printed 'latest'" "$tmp/err"
cmp -s stagec.lock "$tmp/lock3" && ok "a failed --update changes nothing" || bad "a failed --update changed the lock"

# --update of everything re-freezes the template defaults
sed -i 's/node: {default_version: "18"}/node: {default_version: "20"}/' stagec.lock
expect "a frozen default of 20" 0 "$STAGEC" services/node/app.yaml
has "gives node:20-slim (unlocked: a tag)" "^FROM node:20-slim AS builder$" "$tmp/out"
expect "--list after the change" 0 "$STAGEC" lock --list
has "--list: node:18-slim no longer needed" "^node:18-slim unused" "$tmp/out"
expect "--update of everything" 0 "$STAGEC" lock --update --resolver "$RES"
has "the template default is this stagec's again" 'node: {default_version: "18"}' stagec.lock
expect "node:18-slim again" 0 "$STAGEC" services/node/app.yaml
has "gives node:18-slim" "^FROM node:18-slim@$(d 9)" "$tmp/out"

# a bad lock stops everything
cp stagec.lock "$tmp/lock4"
printf 'version: 1\nimages:\n  - image: python:3.11-slim\n    confirmed: 2025-12-01\n' >stagec.lock
expect "stagec SPEC with a bad lock" 2 "$STAGEC" services/flask/app.yaml
has "positioned" "^stagec.lock:3:12: error:" "$tmp/err"
touch -d '2020-01-01' services/go/Dockerfile
expect "stagec all with a bad lock" 2 "$STAGEC" all .
[ "$(stat -c %Y services/go/Dockerfile)" = "$(date -d 2020-01-01 +%s)" ] && ok "nothing written" || bad "a file was written"
expect "stagec lock with a bad lock" 2 "$STAGEC" lock --list
cp "$tmp/lock4" stagec.lock

# ---- the policy -----------------------------------------------------------------------
mkdir -p .stagec
printf 'version: 1\nrules:\n  digests: required\n  lock: {max_age: 30d}\n' >.stagec/policy.yaml
expect "digests required, all locked, fresh" 0 "$STAGEC" services/flask/app.yaml
expect "--lock=off under digests: required" 1 "$STAGEC" --lock=off services/flask/app.yaml
has "STG103" "not pinned by digest, which the policy requires.*\[STG103 digests.required\]" "$tmp/err"
expect "31 days later" 1 env SOURCE_DATE_EPOCH=$((1764547200 + 31 * 86400)) "$STAGEC" services/flask/app.yaml
has "STG904 at the lock's line" "^stagec.lock:[0-9]*:12: error: the lock entry for 'python:3.11-slim' was confirmed on 2025-12-01, 31 days ago.*\[STG904 lock.max_age\]" "$tmp/err"
expect "lock --check 31 days later" 1 env SOURCE_DATE_EPOCH=$((1764547200 + 31 * 86400)) "$STAGEC" lock --check
expect "30 days later" 0 env SOURCE_DATE_EPOCH=$((1764547200 + 30 * 86400)) "$STAGEC" services/flask/app.yaml
printf 'version: 1\nextends: [../parent.yaml]\nrules:\n  digests: off\n  lock: {max_age: 60d}\n' >.stagec/policy.yaml
printf 'version: 1\nrules:\n  digests: required\n  lock: {max_age: 30d}\n' >parent.yaml
expect "extends may not loosen" 2 "$STAGEC" services/flask/app.yaml
has "digests: off refused" "'rules.digests: off' drops a rule the parent sets" "$tmp/err"
has "a longer max_age refused" "'rules.lock.max_age: 60d' is longer than the parent's 30d" "$tmp/err"
printf 'version: 1\nrules:\n  lock: {max_age: 30 days}\n' >.stagec/policy.yaml
expect "a bad max_age" 2 "$STAGEC" services/flask/app.yaml
has "says how to write it" "followed by 'd' (e.g. 30d)" "$tmp/err"

echo "lock: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
