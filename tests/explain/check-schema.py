#!/usr/bin/env python3
"""check-schema.py STAGEC - specs/explain.schema.json against stagec explain --json.

Run from the repository root.  The goldens (tests/explain/*/expected.json)
and a live `stagec explain --json` of every example spec must validate;
documents broken on purpose (an unknown source kind, a flag with a file,
a step without its reason) must not, so the schema is seen to check.
The schema's step instructions are compared with compiler/ir.c's names.
Uses Debian's python3-jsonschema.
"""
import copy
import glob
import json
import re
import subprocess
import sys

import jsonschema

failed = 0


def bad(msg):
    global failed
    failed += 1
    print("not ok - " + msg)


def ok(msg):
    print("ok - " + msg)


if len(sys.argv) != 2:
    sys.exit("usage: check-schema.py STAGEC")
stagec = sys.argv[1]
schema = json.load(open("specs/explain.schema.json"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema)
ok("the schema is a valid " + schema["$schema"] + " schema")


def check(name, doc):
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errs:
        bad("%s validates: %s at %s" % (name, errs[0].message, list(errs[0].path)))
    else:
        ok("%s validates" % name)


goldens = sorted(glob.glob("tests/explain/*/expected.json"))
for f in goldens:
    check(f, json.load(open(f)))
if len(goldens) < 5:
    bad("at least 5 golden JSON files (found %d)" % len(goldens))

docs = []
for spec in sorted(glob.glob("examples/*/app.yaml")):
    p = subprocess.run([stagec, "explain", "--json", spec], capture_output=True)
    if p.returncode != 0:
        bad("stagec explain --json %s: exit %d: %s" % (spec, p.returncode, p.stderr.decode()[:200]))
        continue
    doc = json.loads(p.stdout)
    docs.append(doc)
    check("explain --json " + spec, doc)
    kinds = {v["source"]["kind"] for v in doc["values"]}
    if not {"spec", "template"} <= kinds:
        bad("%s: values come from the spec and the template (%s)" % (spec, sorted(kinds)))

# the schema rejects what is wrong
if docs:
    d = docs[0]
    broken = []
    x = copy.deepcopy(d); x["values"][0]["source"]["kind"] = "guess"; broken.append(("an unknown kind", x))
    x = copy.deepcopy(d); x["values"][0]["source"] = {"kind": "flag", "detail": "--base", "file": "a"}
    broken.append(("a flag with a file", x))
    x = copy.deepcopy(d); del x["steps"][0]["why"]; broken.append(("a step without why", x))
    x = copy.deepcopy(d); x["values"][0]["source"] = {"kind": "spec"}; broken.append(("a spec source without file", x))
    x = copy.deepcopy(d); x["variant"] = "both"; broken.append(("an unknown variant", x))
    for what, doc in broken:
        if validator.is_valid(doc):
            bad("the schema accepts " + what)
        else:
            ok("the schema rejects " + what)

# the instructions written once: compiler/ir.c's kind names
code = open("compiler/ir.c").read()
body = code[code.index("const char *ir_step_kind_name"):]
body = body[:body.index("\n}\n")]
names = re.findall(r'return "([a-z]+)";', body)
enum = schema["$defs"]["step"]["properties"]["instruction"]["enum"]
if sorted(names) == sorted(enum):
    ok("the schema's instructions are ir.c's %d step kinds" % len(names))
else:
    bad("the schema's instructions %s differ from ir.c's %s" % (enum, names))

print("explain schema: %s" % ("failed" if failed else "passed"))
sys.exit(1 if failed else 0)
