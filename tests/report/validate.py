#!/usr/bin/env python3
"""validate.py - independent checks of stagec's reports (tests/report/run.sh).

  validate.py schema SCHEMA.json FILE...  each FILE is valid against the JSON
                                          Schema (draft from its $schema;
                                          python3-jsonschema)
  validate.py sarif FILE...               what the SARIF schema cannot say: each
                                          ruleIndex names the rule of its ruleId,
                                          URIs are relative URI references against
                                          a declared uriBaseId, fingerprints present
  validate.py junit FILE...               the counts on <testsuites>/<testsuite>
                                          match the test cases (Python's expat parser)

One process checks many files (each start-up costs a schema load): prints
"ok - WHAT FILE" or "not ok - WHAT FILE" and why, per file; exits 1 when
any file failed.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

import jsonschema


class Invalid(Exception):
    pass


def fail(msg):
    raise Invalid(msg)


def schema_checker(schema_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())

    def check(path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            fail("; ".join("%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message) for e in errors[:3]))
    return check


URI_REF = re.compile(r"^[A-Za-z0-9\-._~/%!$&'()*+,;=:@]*$")


def check_sarif(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for run in doc["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        ids = [r["id"] for r in rules]
        if ids != sorted(set(ids)):
            fail("%s: rule ids not sorted and unique: %s" % (path, ids))
        bases = run.get("originalUriBaseIds", {})
        for i, res in enumerate(run.get("results", [])):
            idx = res.get("ruleIndex")
            if idx is None or idx >= len(rules) or rules[idx]["id"] != res.get("ruleId"):
                fail("%s: result %d: ruleIndex %r does not name rule %r" % (path, i, idx, res.get("ruleId")))
            if "stagec/v1" not in res.get("partialFingerprints", {}):
                fail("%s: result %d has no stagec/v1 fingerprint" % (path, i))
            locs = [l for l in res.get("locations", [])]
            locs += [s["location"] for s in res.get("suppressions", []) if "location" in s]
            for loc in locs:
                art = loc["physicalLocation"]["artifactLocation"]
                if not URI_REF.match(art["uri"]) or art["uri"].startswith("/"):
                    fail("%s: result %d: %r is not a relative URI reference" % (path, i, art["uri"]))
                if art.get("uriBaseId") not in bases:
                    fail("%s: result %d: uriBaseId %r is not in originalUriBaseIds" % (path, i, art.get("uriBaseId")))


def check_junit(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail("%s: the root is <%s>, not <testsuites>" % (path, root.tag))
    total = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        n = {"tests": len(cases),
             "failures": sum(1 for c in cases if c.find("failure") is not None),
             "errors": sum(1 for c in cases if c.find("error") is not None),
             "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for k, v in n.items():
            if suite.get(k) != str(v):
                fail("%s: testsuite %r says %s=%s, it has %d" % (path, suite.get("name"), k, suite.get(k), v))
            if k in total:
                total[k] += v
        for c in cases:
            if c.get("classname") != suite.get("name"):
                fail("%s: testcase %r is not classed under its suite %r" % (path, c.get("name"), suite.get("name")))
            if not re.match(r"^STG[0-9]{3} \S+$", c.get("name", "")):
                fail("%s: testcase name %r is not 'STGnnn name'" % (path, c.get("name")))
    for k, v in total.items():
        if root.get(k) != str(v):
            fail("%s: testsuites says %s=%s, it has %d" % (path, k, root.get(k), v))


def main():
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] == "schema":
        what, check, files = "valid against " + args[1].rsplit("/", 1)[-1], schema_checker(args[1]), args[2:]
    elif len(args) >= 2 and args[0] == "sarif":
        what, check, files = "SARIF rule indexes, URIs, fingerprints:", check_sarif, args[1:]
    elif len(args) >= 2 and args[0] == "junit":
        what, check, files = "JUnit counts match the test cases:", check_junit, args[1:]
    else:
        print(__doc__)
        sys.exit(2)
    failed = 0
    for path in files:
        try:
            check(path)
            print("ok - %s %s" % (what, path.rsplit("/", 1)[-1]))
        except (Invalid, ValueError, KeyError, IndexError, TypeError, ET.ParseError) as e:
            failed += 1
            print("not ok - %s %s: %s" % (what, path.rsplit("/", 1)[-1], e))
    sys.exit(1 if failed else 0)


main()
