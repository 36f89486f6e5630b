#!/usr/bin/env python3
"""check-schema.py - specs/policy.schema.json against the policy golden cases.

Run from the repository root.  Every policy file of a case that compiles
(tests/policy/NAME without expected.status 2) and the examples in
specs/policy.md must validate; the policies of the error cases whose fault
the schema can see (listed below) must not.  The schema's lists are
compared with the code's: rule ids and names with compiler/rules.c, the
spec keys allowed in defaults/enforce with specs/app.schema.json.  YAML is
read as editors read it (YAML 1.2: a date stays text).  Uses Debian's
python3-jsonschema and python3-yaml.
"""
import glob
import json
import os
import re
import sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    pass


# YAML 1.2 has no timestamps: 2027-03-31 is a string, as stagec reads it
Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in Loader.yaml_implicit_resolvers.items()
}

# error cases and the schema error each must raise (a word of the message)
SCHEMA_REJECTS = {
    "err-unknown-key": "Additional properties",
    "err-bad-date": "does not match",
    "err-exception-no-reason": "'reason' is a required property",
    "err-platforms": "does not match",
    "err-mirror": "does not match",
}

failed = 0


def bad(msg):
    global failed
    failed += 1
    print("not ok - " + msg)


def ok(msg):
    print("ok - " + msg)


schema = json.load(open("specs/policy.schema.json"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema)
ok("the schema is a valid " + schema["$schema"] + " schema")


def load(path):
    with open(path) as f:
        return yaml.load(f, Loader=Loader)


def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.path))


for case in sorted(glob.glob("tests/policy/*/")):
    name = os.path.basename(case.rstrip("/"))
    status = "0"
    if os.path.exists(case + "expected.status"):
        status = open(case + "expected.status").read().strip()
    files = sorted(glob.glob(case + ".stagec/*.yaml") + glob.glob(case + "*/*.yaml"))
    files = [f for f in files if not f.endswith("app.yaml")]
    if status != "2":
        for f in files:
            errs = errors(load(f))
            if errs:
                bad("%s validates: %s" % (f, errs[0].message))
            else:
                ok("%s validates" % f)
    elif name in SCHEMA_REJECTS:
        errs = errors(load(case + ".stagec/policy.yaml"))
        want = SCHEMA_REJECTS[name]
        if any(want in e.message for e in errs):
            ok("%s is rejected (%s)" % (name, want))
        else:
            bad("%s is rejected with '%s'; got %s" % (name, want, [e.message for e in errs]))

# the examples of specs/policy.md
doc = open("specs/policy.md").read()
examples = re.findall(r"```yaml\n(.*?)```", doc, re.S)
n = 0
for i, text in enumerate(examples):
    data = yaml.load(text, Loader=Loader)
    if not isinstance(data, dict) or "version" not in data:
        continue
    n += 1
    errs = errors(data)
    if errs:
        bad("specs/policy.md example %d validates: %s" % (i + 1, errs[0].message))
    else:
        ok("specs/policy.md example %d validates" % (i + 1))
if n == 0:
    bad("specs/policy.md has policy examples")

# lists written once: the code's rule table and the spec's keys
code = open("compiler/rules.c").read()
pairs = re.findall(r'\{"(STG\d{3})", "([a-z_.]+)"', code)
names = [x for p in pairs for x in p]
if len(pairs) >= 8 and sorted(names) == sorted(schema["$defs"]["rule"]["enum"]):
    ok("the schema names the %d rules of compiler/rules.c" % len(pairs))
else:
    bad("the schema's rules %s differ from compiler/rules.c's %s" % (schema["$defs"]["rule"]["enum"], names))
app = json.load(open("specs/app.schema.json"))
keys = schema["$defs"]["specKeys"]["propertyNames"]["enum"]
if sorted(keys) == sorted(app["properties"]):
    ok("defaults and enforce take the spec's top-level keys")
else:
    bad("defaults/enforce keys %s differ from app.schema.json's %s" % (keys, sorted(app["properties"])))

print("policy schema: %s" % ("failed" if failed else "passed"))
sys.exit(1 if failed else 0)
