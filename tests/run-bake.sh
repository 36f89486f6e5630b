#!/bin/sh
# run-bake.sh - docker-bake.json from `stagec all`, checked by a reader
# written from bake's reference (tests/bake/check-bake.py), not by stagec.
#  1. the reader rejects each broken file of tests/bake/broken/ with the
#     problem expected.txt names (so it can fail), and passes a good one;
#  2. `stagec all` on a scratch copy of examples/: the reader passes the file
#     (contexts and Dockerfiles checked on disk);
#  3. a monorepo under a policy: the file's content against
#     tests/bake/monorepo.want.json (the drift facts left out), labels from
#     the policy's defaults and enforce, '.' in a name, "${" in a label kept
#     literal, a group per top-level folder with sub-folders; the same bytes
#     from a second tree made in another order and from ROOT spelled
#     differently; the out= hash against sha256sum; specs/bake.md's example
#     reads and is what stagec writes for the tree it describes; a child
#     policy may not change the platforms its parent enforces; a spec with
#     context: (the target's context is the workspace root), -o DIR (the
#     mirrored Dockerfiles), --changed-files (the file left alone);
#  4. drift: fresh, stale (which input), edited, missing, a foreign file
#     refused without --force, --diff;
#  5. each name collision: exit 1, the positioned error with its rule id,
#     no bake file written, the other files still written.
# Usage: tests/run-bake.sh path/to/stagec   (run from the repository root)
set -u
STAGEC=${1:?usage: run-bake.sh STAGEC}
case $STAGEC in /*) ;; *) STAGEC=$PWD/$STAGEC ;; esac
SRC=$PWD
CHECK="python3 $SRC/tests/bake/check-bake.py"
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
has() { # name fixed-string file
	if grep -qF -- "$2" "$3"; then ok "$1"; else bad "$1: no '$2' in $(basename "$3")"; sed 's/^/  /' "$3" | head -n 20; fi
}

# 1. the reader can fail
grep -v '^#' tests/bake/broken/expected.txt | while IFS= read -r line; do
	name=${line%%: *} want=${line#*: }
	if $CHECK "tests/bake/broken/$name.json" >"$tmp/rd" 2>&1; then
		echo "not ok - reader passes broken/$name.json"
	elif grep -qF -- "$want" "$tmp/rd"; then
		echo "ok - reader rejects broken/$name.json: $want"
	else
		echo "not ok - reader rejects broken/$name.json, but not with '$want'"
		sed 's/^/  /' "$tmp/rd"
	fi
done >"$tmp/reader"
cat "$tmp/reader"
pass=$((pass + $(grep -c '^ok' "$tmp/reader")))
fail=$((fail + $(grep -c '^not ok' "$tmp/reader")))
n=$(ls tests/bake/broken/*.json | wc -l)
[ "$n" -eq "$(grep -vc '^#' tests/bake/broken/expected.txt)" ] && ok "every broken file has its expectation" ||
	bad "$n broken files, $(grep -vc '^#' tests/bake/broken/expected.txt) expectations"

# 2. the examples
mkdir "$tmp/ex"
cp -r examples/. "$tmp/ex/"
expect "stagec all on a copy of examples/" 0 "$STAGEC" all --force "$tmp/ex"
expect "the reader passes the examples' bake file" 0 $CHECK --root "$tmp/ex" "$tmp/ex/docker-bake.json"
specs=$(find "$tmp/ex" -name app.yaml | wc -l)
targets=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["target"]))' "$tmp/ex/docker-bake.json")
[ "$targets" -eq $((2 * specs)) ] && ok "two targets per example ($specs specs)" || bad "$targets targets for $specs specs"

# 3. a monorepo under a policy
make_tree() { # dir, then the order in which its folders are made
	R=$1
	shift
	mkdir -p "$R/.stagec"
	cat >"$R/.stagec/policy.yaml" <<'POL'
version: 1
defaults:
  labels: {org.opencontainers.image.vendor: Acme, team: platform}
enforce:
  labels: {org.opencontainers.image.licenses: MIT}
  platforms: [linux/amd64, linux/arm64]
POL
	for d in "$@"; do
		case $d in
		services/api) mkdir -p "$R/$d" && cp -r examples/go/. "$R/$d/" &&
			printf 'name: api.v2\nlanguage: go\nversion: "1.19"\nlabels:\n  team: payments\n  note: "costs ${HOME} and %%{x}"\nrun:\n  port: 8080\n' >"$R/$d/app.yaml" ;;
		services/worker) mkdir -p "$R/$d" && cp -r examples/go/. "$R/$d/" &&
			printf 'language: go\nversion: "1.19"\n' >"$R/$d/app.yaml" ;;
		apps/web/site) mkdir -p "$R/$d" && cp -r examples/static/. "$R/$d/" ;;
		tool) mkdir -p "$R/$d" && cp -r examples/go/. "$R/$d/" &&
			printf 'name: tool\nlanguage: go\nversion: "1.19"\n' >"$R/$d/app.yaml" ;;
		esac
	done
}
make_tree "$tmp/m1" services/api services/worker apps/web/site tool
make_tree "$tmp/m2" tool apps/web/site services/worker services/api
cd "$tmp/m1" || exit 2
expect "a monorepo" 0 "$STAGEC" all
expect "the reader passes the monorepo's bake file" 0 $CHECK --root . docker-bake.json
python3 - docker-bake.json "$SRC/tests/bake/monorepo.want.json" >"$tmp/cmp" 2>&1 <<'PY'
import json, sys
have = json.load(open(sys.argv[1]))
facts = have["variable"]["STAGEC_INPUTS"]["default"]
assert facts.startswith("Generated by stagec "), facts
have["variable"]["STAGEC_INPUTS"]["default"] = "..."
want = json.load(open(sys.argv[2]))
if have != want:
    print(json.dumps(have, indent=2, sort_keys=True))
    sys.exit(1)
PY
[ $? -eq 0 ] && ok "the monorepo's bake file is tests/bake/monorepo.want.json" || { bad "bake file differs from monorepo.want.json"; cat "$tmp/cmp"; }
# the bytes: the layout jansson's json_dumps(JSON_INDENT(2) | JSON_SORT_KEYS)
# gave it before bake.c wrote it by hand, which is Python's with indent=2
# and sorted keys for these strings (no control characters)
python3 - docker-bake.json >"$tmp/cmp" 2>&1 <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
sys.exit(0 if text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" else 1)
PY
[ $? -eq 0 ] && ok "the bake file's layout: sorted keys, two spaces a level" || { bad "the bake file's layout changed"; cat "$tmp/cmp"; }
has "\${ in a label stays literal for bake" '"costs $${HOME} and %%{x}"' docker-bake.json
"$STAGEC" all "$tmp/m2" >/dev/null 2>&1
cmp -s docker-bake.json "$tmp/m2/docker-bake.json" && ok "the same bytes from a tree made in another order" ||
	bad "the bake file depends on the order folders were made"
cp docker-bake.json "$tmp/first.json"
"$STAGEC" all --force "$tmp/m1/" >/dev/null 2>&1
cmp -s docker-bake.json "$tmp/first.json" && ok "the same bytes with ROOT spelled as a path" ||
	bad "the bake file depends on how ROOT is spelled"
out=$(sed 's/ out=sha256:[0-9a-f]\{64\}//' docker-bake.json | sha256sum | cut -d' ' -f1)
has "out= is the sha256 of the file without its out= field" "out=sha256:$out\"" docker-bake.json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if set(d)=={"variable","group","target"} else 1)' docker-bake.json &&
	ok "only bake's own top-level keys" || bad "a top-level key bake does not know"

# specs/bake.md's example: the tree it describes gives the targets and
# groups it shows
D=$tmp/doc
mkdir -p "$D/.stagec"
printf 'version: 1\ndefaults:\n  labels: {team: platform}\nenforce:\n  platforms: [linux/amd64, linux/arm64]\n' >"$D/.stagec/policy.yaml"
for d in services/api services/worker tool; do mkdir -p "$D/$d" && cp "$SRC"/examples/go/* "$D/$d/"; done
printf 'name: api.v2\nlanguage: go\nversion: "1.19"\nlabels: {team: payments}\n' >"$D/services/api/app.yaml"
printf 'language: go\nversion: "1.19"\n' >"$D/services/worker/app.yaml"
printf 'name: tool\nlanguage: go\nversion: "1.19"\n' >"$D/tool/app.yaml"
"$STAGEC" all "$D" >/dev/null 2>&1
awk '/^```json bake$/ {on = 1; next} /^```$/ {on = 0} on' "$SRC/specs/bake.md" >"$tmp/doc.json"
$CHECK "$tmp/doc.json" >/dev/null && ok "specs/bake.md's example reads" || bad "specs/bake.md's example does not read"
python3 - "$tmp/doc.json" "$D/docker-bake.json" >"$tmp/cmp" 2>&1 <<'PY'
import json, sys
doc, have = (json.load(open(p)) for p in sys.argv[1:])
for name, t in doc["target"].items():
    assert have["target"].get(name) == t, (name, have["target"].get(name))
assert doc["group"] == have["group"], have["group"]
for v in ("REGISTRY", "TAG"):
    assert doc["variable"][v] == have["variable"][v], v
assert sorted(have) == sorted(doc) == ["group", "target", "variable"]
assert sorted(have["target"]) == sorted(doc["target"]), sorted(have["target"])
PY
[ $? -eq 0 ] && ok "specs/bake.md's example is what stagec writes for its tree" || { bad "specs/bake.md's example differs"; cat "$tmp/cmp"; }

# a spec whose context: is the workspace root, and -o DIR: the target's
# context is the root, its dockerfile relative to it; --changed-files
# compiles some specs only, so it leaves the bake file alone
cp -r "$SRC/tests/cases/npm-workspace" "$tmp/ws"
expect "a workspace member with context: ../.." 0 "$STAGEC" all "$tmp/ws"
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["target"]["web"]; print(t["context"], t["dockerfile"])' \
	"$tmp/ws/docker-bake.json" >"$tmp/ctx"
has "context: the root, the Dockerfile beside the spec" ". apps/web/Dockerfile" "$tmp/ctx"
expect "the reader passes it (the Dockerfile found from the context)" 0 $CHECK --root "$tmp/ws" "$tmp/ws/docker-bake.json"
expect "-o DIR" 0 "$STAGEC" all -o "$tmp/wsout" "$tmp/ws"
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["target"]["web-single"]; print(t["dockerfile"])' \
	"$tmp/ws/docker-bake.json" >"$tmp/ctx"
has "under -o the Dockerfiles are the mirrored ones" "../wsout/apps/web/Dockerfile.single" "$tmp/ctx"
expect "the reader passes it" 0 $CHECK --root "$tmp/ws" "$tmp/ws/docker-bake.json"
expect "--check without -o" 3 "$STAGEC" all --check "$tmp/ws"
has "stale: the layout changed" "docker-bake.json: stale (layout changed)" "$tmp/out"
cp "$tmp/ws/docker-bake.json" "$tmp/ws.json"
echo apps/web/app.yaml >"$tmp/changed"
(cd "$tmp/ws" && "$STAGEC" all --changed-files "$tmp/changed") >"$tmp/out" 2>"$tmp/err"
has "--changed-files: the bake file is not written" "docker-bake.json not written under --changed-files" "$tmp/err"
cmp -s "$tmp/ws/docker-bake.json" "$tmp/ws.json" && ok "--changed-files left the bake file as it was" ||
	bad "--changed-files rewrote the bake file"

# a policy that extends another may not change the platforms it enforces
mkdir -p "$tmp/ext/.stagec" "$tmp/ext/a"
cp "$SRC"/examples/go/* "$tmp/ext/a/"
printf 'version: 1\nenforce:\n  platforms: [linux/amd64]\n' >"$tmp/ext/parent.yaml"
printf 'version: 1\nextends: ../parent.yaml\nenforce:\n  platforms: [linux/arm64]\n' >"$tmp/ext/.stagec/policy.yaml"
expect "a child policy changing the parent's platforms" 2 "$STAGEC" all "$tmp/ext"
has "positioned at the child's platforms" "policy.yaml:4:14: error: 'platforms' enforces a different value than its parent does" "$tmp/err"
[ ! -e "$tmp/ext/docker-bake.json" ] && ok "nothing written under a bad policy" || bad "a bake file under a bad policy"

# 4. drift
expect "--check on a fresh tree" 0 "$STAGEC" all --check
has "the bake file is fresh" "docker-bake.json: fresh" "$tmp/out"
printf 'labels:\n  team: core\n' >>tool/app.yaml
expect "--check after a spec changed" 3 "$STAGEC" all --check
has "stale, a spec changed" "docker-bake.json: stale (spec changed)" "$tmp/out"
expect "--check --diff" 3 "$STAGEC" all --check --diff
has "the diff shows the new label" '+        "team": "core"' "$tmp/out"
"$STAGEC" all >/dev/null 2>&1
printf 'version: 1\ndefaults:\n  labels: {team: infra}\n' >.stagec/policy.yaml
expect "--check after the policy changed" 3 "$STAGEC" all --check
has "stale, the policy changed" "docker-bake.json: stale (policy changed)" "$tmp/out"
"$STAGEC" all >/dev/null 2>&1
sed -i 's/"dev"/"prod"/' docker-bake.json
expect "--check after a hand edit" 3 "$STAGEC" all --check
has "edited" "docker-bake.json: edited" "$tmp/out"
expect "a plain run refuses to overwrite the hand edit" 2 "$STAGEC" all
has "refusal" "edited by hand since stagec generated it" "$tmp/err"
expect "--force overwrites it" 0 "$STAGEC" all --force
has "TAG back to dev" '"default": "dev"' docker-bake.json
rm docker-bake.json
expect "--check with the bake file missing" 3 "$STAGEC" all --check
has "missing" "docker-bake.json: missing" "$tmp/out"
[ ! -e docker-bake.json ] && ok "--check writes nothing" || bad "--check wrote docker-bake.json"
printf '{"target": {"mine": {}}}\n' >docker-bake.json
expect "a foreign bake file" 2 "$STAGEC" all
has "foreign refused" "which stagec did not generate" "$tmp/err"
has "foreign kept" '"mine"' docker-bake.json
expect "--force replaces a foreign bake file" 0 "$STAGEC" all --force
$CHECK docker-bake.json >/dev/null && ok "and the result reads" || bad "the forced file does not read"
cd "$SRC" || exit 2

# 5. name collisions: one tree each; exit 1, a positioned error, no bake file
collide() { # name, expected stderr line, then "folder:app.yaml text" pairs
	cname=$1 want=$2
	shift 2
	C=$tmp/c-$cname
	for pair in "$@"; do
		d=${pair%%:*}
		mkdir -p "$C/$d"
		cp examples/go/go.mod examples/go/main.go "$C/$d/"
		printf '%b' "${pair#*:}" >"$C/$d/app.yaml"
	done
	expect "collision $cname" 1 "$STAGEC" all "$C"
	has "collision $cname: positioned, with its rule id" "$want" "$tmp/err"
	[ ! -e "$C/docker-bake.json" ] && ok "collision $cname: no bake file" || bad "collision $cname: a bake file was written"
	[ -f "$C/${1%%:*}/Dockerfile" ] && ok "collision $cname: the Dockerfiles are still written" ||
		bad "collision $cname: Dockerfiles missing"
}
G='language: go\nversion: "1.19"\n'
collide duplicate "b/app.yaml:1:7: error: the name 'api' would be the bake target 'api', which a/app.yaml already has ('api'); every spec below the root needs its own name: set another 'name' [STG901 bake.name]" \
	"a:name: api\n$G" "b:name: api\n$G"
collide dot "b/app.yaml:1:7: error: the name 'a.b' would be the bake target 'a_b', which a/app.yaml already has ('a_b')" \
	"a:name: a_b\n$G" "b:name: a.b\n$G"
collide folder-names "y/web/app.yaml:1:1: error: the name 'web' would be the bake target 'web', which x/web/app.yaml already has" \
	"x/web:$G" "y/web:$G"
collide default "a/app.yaml:2:7: error: the name 'default' would be the bake target 'default', which is stagec's group of every target" \
	"a:# the app\nname: default\n$G"
collide single "a/app.yaml:1:7: error: the name 'single' would be the bake target 'single', which is stagec's group of the single-stage targets" \
	"a:name: single\n$G"
collide group "apps/app.yaml:1:7: error: the name 'services' would be the bake target 'services', which is the group of the top-level folder 'services'" \
	"apps:name: services\n$G" "services/api:name: api\n$G"
collide single-suffix "b/app.yaml:1:7: error: the name 'api-single' would be the bake target 'api-single', which is the single-stage target of a/app.yaml ('api')" \
	"a:name: api\n$G" "b:name: api-single\n$G"
collide group-single "a/app.yaml:1:7: error: the name 'api' gives the single-stage target 'api-single', which is the group of the top-level folder 'api-single'" \
	"a:name: api\n$G" "api-single/x:name: x\n$G"
collide folder-single "single/x/app.yaml:1:1: error: the folder 'single' would be the bake group 'single', which stagec keeps for the single-stage targets" \
	"a:name: a\n$G" "single/x:name: x\n$G"
has "a collision's exit status is 1 and the summary counts it" "1 with errors" "$tmp/err"

echo "bake: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
