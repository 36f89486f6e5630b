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
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ] || ! command -v xmllint >/dev/null; then
	echo "SKIP: needs xmllint (libxml2-utils) and python3-jsonschema"
	exit 77
fi

if "$GEN" "$tmp"; then ok "gen_reports: every case written, the same bytes whatever the fill order"; else bad "gen_reports failed"; fi

# Runs validate.py and counts its ok / not ok lines.
validate() {
	"$PY" "$DIR/validate.py" "$@" >"$tmp/log" 2>&1
	status=$?
	cat "$tmp/log"
	n=$(grep -c '^ok - ' "$tmp/log")
	m=$(grep -c '^not ok - ' "$tmp/log")
	pass=$((pass + n))
	fail=$((fail + m))
	[ "$status" -ne 0 ] && [ "$m" -eq 0 ] && bad "validate.py $1 failed: $(tail -n 1 "$tmp/log")"
}

# Runs validate.py on broken files: each must be refused.
refused() { # what validate-args...
	what=$1
	shift
	"$PY" "$DIR/validate.py" "$@" >"$tmp/log" 2>&1
	if grep -q '^ok - ' "$tmp/log" || ! grep -q '^not ok - ' "$tmp/log"; then
		bad "$what"
		sed 's/^/  /' "$tmp/log"
	else
		ok "$what ($(grep -c '^not ok - ' "$tmp/log") broken files, each refused)"
		sed -n 's/^not ok - /  refused: /p' "$tmp/log" | cut -c1-160
	fi
}

cases=$(cd "$tmp" && ls *.junit.xml | sed 's/\.junit\.xml$//')
for c in $cases; do
	if xmllint --noout --schema "$SCHEMAS/junit-10.xsd" "$tmp/$c.junit.xml" >"$tmp/log" 2>&1; then
		ok "$c: JUnit valid against junit-10.xsd (xmllint)"
	else
		bad "$c: JUnit not valid against junit-10.xsd (xmllint)"
		sed 's/^/  /' "$tmp/log" | head -n 20
	fi
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
validate junit "$tmp"/*.junit.xml
validate schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp"/*.sarif
validate sarif "$tmp"/*.sarif
validate schema specs/report.schema.json "$tmp"/*.json

# A report of real policy runs (tests/policy, through stagec_compile and
# report_rule_results): validated, not compared (the policy cases evolve).
mkdir -p "$tmp/policy"
if "$GEN" --policy "$tmp/policy" tests/policy/*/; then
	ok "gen_reports --policy: the policy cases' report written"
	if xmllint --noout --schema "$SCHEMAS/junit-10.xsd" "$tmp/policy/policy.junit.xml" >"$tmp/log" 2>&1; then
		ok "policy: JUnit valid against junit-10.xsd (xmllint)"
	else
		bad "policy: JUnit not valid against junit-10.xsd (xmllint)"
		sed 's/^/  /' "$tmp/log" | head -n 20
	fi
	validate junit "$tmp/policy/policy.junit.xml"
	validate schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp/policy/policy.sarif"
	validate sarif "$tmp/policy/policy.sarif"
	validate schema specs/report.schema.json "$tmp/policy/policy.json"
	for id in STG201 STG202; do
		grep -q "name=\"$id " "$tmp/policy/policy.junit.xml" && ok "policy: $id evaluated" || bad "policy: no $id test case"
	done
	grep -q '<skipped message="exception: ' "$tmp/policy/policy.junit.xml" &&
		ok "policy: a waived rule is skipped" || bad "policy: no waived rule in the JUnit report"
	grep -q '<failure type="error"' "$tmp/policy/policy.junit.xml" &&
		ok "policy: a failing rule is a failure" || bad "policy: no failing rule in the JUnit report"
else
	bad "gen_reports --policy failed"
fi

# The validators refuse broken reports.  Each mutation breaks one thing.
xsd_refuses() { # what file
	if xmllint --noout --schema "$SCHEMAS/junit-10.xsd" "$2" >"$tmp/log" 2>&1; then
		bad "xmllint accepts $1"
	else
		ok "xmllint refuses $1"
		grep -v 'fails to validate' "$tmp/log" | head -n 1 | sed 's/^/  refused: /' | cut -c1-160
	fi
}
junit=$tmp/failures.junit.xml
sed '0,/<testcase classname="[^"]*" name="[^"]*"/s//<testcase classname="x"/' "$junit" >"$tmp/b1.xml"
xsd_refuses "a testcase without a name" "$tmp/b1.xml"
sed '0,/<failure /s//<failed /;0,/<\/failure>/s//<\/failed>/' "$junit" >"$tmp/b2.xml"
xsd_refuses "an unknown element in a testcase" "$tmp/b2.xml"
sed '0,/ failures="[0-9]*" errors="[0-9]*" skipped="[0-9]*"/s// skipped="0"/' "$junit" >"$tmp/b3.xml"
xsd_refuses "a testsuite without its failures and errors counts" "$tmp/b3.xml"
sed '0,/<testsuites name="stagec"/s//<testsuites skipped="0" name="stagec"/' "$junit" >"$tmp/b4.xml"
xsd_refuses "a skipped count on <testsuites> (not in this XSD)" "$tmp/b4.xml"
printf 'message="\001"' >"$tmp/ctl"
sed "0,/message=\"[^\"]*\"/s//$(cat "$tmp/ctl")/" "$junit" >"$tmp/b5.xml"
xsd_refuses "a raw control character (not well-formed)" "$tmp/b5.xml"
sed 's/failures="2"/failures="3"/' "$junit" >"$tmp/b6.xml"
refused "validate.py refuses a testsuite count that does not match" junit "$tmp/b6.xml"

mutate() { # in out python-statement-on-d
	"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(sys.argv[2],'w'))" "$1" "$2"
}
sarif=$tmp/failures.sarif
mutate "$sarif" "$tmp/b1.sarif" 'd["runs"][0]["results"][0]["level"]="fatal"'
mutate "$sarif" "$tmp/b2.sarif" 'del d["runs"][0]["tool"]'
mutate "$sarif" "$tmp/b3.sarif" 'd["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]=0'
mutate "$tmp/exceptions.sarif" "$tmp/b4.sarif" 'd["runs"][0]["results"][0]["suppressions"][0]["kind"]="policy"'
mutate "$sarif" "$tmp/b5.sarif" 'd["runs"][0]["results"][0]["partialFingerprints"]["stagec/v1"]=1'
refused "jsonschema refuses SARIF with a bad level, no tool, line 0, an unknown suppression kind, a number as fingerprint" \
	schema "$SCHEMAS/sarif-schema-2.1.0.json" "$tmp"/b[1-5].sarif
mutate "$sarif" "$tmp/b6.sarif" 'd["runs"][0]["results"][0]["ruleIndex"]=0'
mutate "$sarif" "$tmp/b7.sarif" 'd["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]="a b/<x>"'
refused "validate.py refuses a ruleIndex naming another rule, a URI with spaces and <" sarif "$tmp"/b[67].sarif

json=$tmp/failures.json
mutate "$json" "$tmp/b1.json" 'del d["specs"][0]["path"]'
mutate "$json" "$tmp/b2.json" 'd["specs"][0]["checks"][0]["result"]="maybe"'
mutate "$json" "$tmp/b3.json" 'c=[c for c in d["specs"][0]["checks"] if c["result"]=="fail"][0]; c["result"]="pass"'
mutate "$json" "$tmp/b4.json" 'd["summary"]["status"]=2'
refused "jsonschema refuses JSON reports: a spec without path, an unknown result, a pass with findings, status 2" \
	schema specs/report.schema.json "$tmp"/b[1-4].json

echo "report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
