#!/bin/sh
# run.sh - the reports checked by independent validators.
#
# gen_reports writes every sample report (tests/report/gen_reports.c) in
# every format; then
#   - xmllint validates each JUnit file against the JUnit XSD Jenkins' xUnit
#     plugin reads (schemas/junit-10.xsd), and validate.py re-counts it with
#     Python's own XML parser;
#   - python3-jsonschema validates each SARIF file against the published
#     SARIF 2.1.0 schema (schemas/sarif-schema-2.1.0.json), plus the checks
#     the schema cannot express (validate.py sarif);
#   - python3-jsonschema validates each JSON report against
#     specs/report.schema.json;
#   - the text report holds no control character but the newlines;
#   - every file matches its golden copy in golden/ (REGEN=1 rewrites them).
# Then each validator is shown a deliberately broken report and must refuse it.
# Usage: tests/report/run.sh path/to/gen_reports   (from the repository root)
# Exits 77 (meson: skipped) when xmllint or python3-jsonschema is missing.
set -u
GEN=${1:?usage: run.sh GEN_REPORTS}
DIR=tests/report
SCHEMAS=$DIR/schemas
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }

PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ] || ! command -v xmllint >/dev/null; then
	echo "SKIP: needs xmllint (libxml2-utils) and python3-jsonschema"
	exit 77
fi

if "$GEN" "$tmp"; then ok "gen_reports: every case written, the same bytes whatever the fill order"; else bad "gen_reports failed"; fi

expect() { # name want(0|1) cmd...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/log" 2>&1
	got=$?
	[ "$got" -ne 0 ] && got=1
	if [ "$got" -eq "$want" ]; then
		ok "$name"
	else
		bad "$name"
		sed 's/^/  /' "$tmp/log" | head -n 20
	fi
}

for f in "$tmp"/*.junit.xml; do
	c=$(basename "$f" .junit.xml)
	expect "$c: JUnit valid against junit-10.xsd (xmllint)" 0 xmllint --noout --schema "$SCHEMAS/junit-10.xsd" "$f"
	expect "$c: JUnit counts match its test cases" 0 "$PY" "$DIR/validate.py" junit "$f"
	expect "$c: SARIF valid against sarif-schema-2.1.0.json (jsonschema)" 0 \
		"$PY" "$DIR/validate.py" schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp/$c.sarif"
	expect "$c: SARIF rule indexes, URIs and fingerprints" 0 "$PY" "$DIR/validate.py" sarif "$tmp/$c.sarif"
	expect "$c: JSON valid against specs/report.schema.json" 0 \
		"$PY" "$DIR/validate.py" schema specs/report.schema.json "$tmp/$c.json"
	if LC_ALL=C tr -d '\n' <"$tmp/$c.txt" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		bad "$c: text report has control characters"
	else
		ok "$c: text report has no control characters"
	fi
	for ext in txt json junit.xml sarif; do
		if [ "${REGEN:-}" = 1 ]; then
			mkdir -p "$DIR/golden"
			cp "$tmp/$c.$ext" "$DIR/golden/$c.$ext"
		elif cmp -s "$tmp/$c.$ext" "$DIR/golden/$c.$ext"; then
			ok "$c.$ext matches its golden file"
		else
			bad "$c.$ext differs from $DIR/golden/$c.$ext"
			diff -u "$DIR/golden/$c.$ext" "$tmp/$c.$ext" | head -n 20 | sed 's/^/  /'
		fi
	done
done

# The validators refuse broken reports.  Each mutation breaks one thing.
junit=$tmp/failures.junit.xml
sed '0,/<testcase classname="[^"]*" name="[^"]*"/s//<testcase classname="x"/' "$junit" >"$tmp/b1.xml"
expect "xmllint refuses a testcase without a name" 1 xmllint --noout --schema "$SCHEMAS/junit-10.xsd" "$tmp/b1.xml"
sed '0,/<failure /s//<failed /;0,/<\/failure>/s//<\/failed>/' "$junit" >"$tmp/b2.xml"
expect "xmllint refuses an unknown element in a testcase" 1 xmllint --noout --schema "$SCHEMAS/junit-10.xsd" "$tmp/b2.xml"
sed '0,/ failures="[0-9]*" errors="[0-9]*" skipped="[0-9]*"/s// skipped="0"/' "$junit" >"$tmp/b3.xml"
expect "xmllint refuses a testsuite without its failures and errors counts" 1 \
	xmllint --noout --schema "$SCHEMAS/junit-10.xsd" "$tmp/b3.xml"
printf 'message="\001"' >"$tmp/ctl"
sed "0,/message=\"[^\"]*\"/s//$(cat "$tmp/ctl")/" "$junit" >"$tmp/b4.xml"
expect "xmllint refuses a raw control character" 1 xmllint --noout "$tmp/b4.xml"
sed 's/failures="2"/failures="3"/' "$junit" >"$tmp/b5.xml"
expect "validate.py refuses a testsuite count that does not match" 1 "$PY" "$DIR/validate.py" junit "$tmp/b5.xml"

mutate() { # in out python-statement-on-d
	"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(sys.argv[2],'w'))" "$1" "$2"
}
sarif=$tmp/failures.sarif
mutate "$sarif" "$tmp/b1.sarif" 'd["runs"][0]["results"][0]["level"]="fatal"'
expect "jsonschema refuses a SARIF level that does not exist" 1 \
	"$PY" "$DIR/validate.py" schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp/b1.sarif"
mutate "$sarif" "$tmp/b2.sarif" 'del d["runs"][0]["tool"]'
expect "jsonschema refuses a SARIF run without its tool" 1 \
	"$PY" "$DIR/validate.py" schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp/b2.sarif"
mutate "$sarif" "$tmp/b3.sarif" 'd["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]=0'
expect "jsonschema refuses a SARIF line 0" 1 \
	"$PY" "$DIR/validate.py" schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp/b3.sarif"
mutate "$tmp/exceptions.sarif" "$tmp/b4.sarif" 'd["runs"][0]["results"][0]["suppressions"][0]["kind"]="policy"'
expect "jsonschema refuses a SARIF suppression of an unknown kind" 1 \
	"$PY" "$DIR/validate.py" schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp/b4.sarif"
mutate "$sarif" "$tmp/b5.sarif" 'd["runs"][0]["results"][0]["ruleIndex"]=0'
expect "validate.py refuses a ruleIndex naming another rule" 1 "$PY" "$DIR/validate.py" sarif "$tmp/b5.sarif"
mutate "$sarif" "$tmp/b6.sarif" 'd["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]="a b/<x>"'
expect "validate.py refuses a URI with spaces and <" 1 "$PY" "$DIR/validate.py" sarif "$tmp/b6.sarif"

json=$tmp/failures.json
mutate "$json" "$tmp/b1.json" 'del d["specs"][0]["path"]'
expect "jsonschema refuses a JSON report spec without its path" 1 \
	"$PY" "$DIR/validate.py" schema specs/report.schema.json "$tmp/b1.json"
mutate "$json" "$tmp/b2.json" 'd["specs"][0]["checks"][0]["result"]="maybe"'
expect "jsonschema refuses a JSON report check result that does not exist" 1 \
	"$PY" "$DIR/validate.py" schema specs/report.schema.json "$tmp/b2.json"
mutate "$json" "$tmp/b3.json" 'c=[c for c in d["specs"][0]["checks"] if c["result"]=="fail"][0]; c["result"]="pass"'
expect "jsonschema refuses a passing JSON report check with findings" 1 \
	"$PY" "$DIR/validate.py" schema specs/report.schema.json "$tmp/b3.json"

echo "report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
