#!/usr/bin/env python3
"""lock-schema.py - specs/lock.schema.json against lock files.

Run from the repository root.  The lock files of the golden cases
(tests/cases/*/stagec.lock), the example in specs/lock.md and a lock that
`stagec lock` writes (STAGEC given as the first argument) must validate;
the error cases' lock files (tests/errors/lock-*/stagec.lock) must not.
YAML is read as stagec reads it (YAML 1.2: a date stays text).  Uses
Debian's python3-jsonschema and python3-yaml.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    pass


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in Loader.yaml_implicit_resolvers.items()
}

failed = 0


def check(cond, msg):
    global failed
    print(("ok - " if cond else "not ok - ") + msg)
    failed += not cond


schema = json.load(open("specs/lock.schema.json"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema)
check(True, "the schema is a valid " + schema["$schema"] + " schema")


def errors(text):
    return [e.message for e in validator.iter_errors(yaml.load(text, Loader=Loader))]


for path in sorted(glob.glob("tests/cases/*/stagec.lock")):
    errs = errors(open(path).read())
    check(not errs, path + " validates" + ("" if not errs else ": " + "; ".join(errs)))
for path in sorted(glob.glob("tests/errors/lock-*/stagec.lock")):
    check(errors(open(path).read()), path + " does not validate")

doc = open("specs/lock.md").read()
blocks = re.findall(r"```yaml lock\n(.*?)```", doc, re.S)
check(blocks, "specs/lock.md has an example lock")
for i, b in enumerate(blocks):
    errs = errors(b)
    check(not errs, "specs/lock.md example %d validates%s" % (i + 1, "" if not errs else ": " + "; ".join(errs)))

# what stagec lock writes
stagec = os.path.abspath(sys.argv[1])
with tempfile.TemporaryDirectory() as d:
    subprocess.run(["git", "init", "-q", d], check=True)
    os.makedirs(d + "/svc")
    open(d + "/svc/app.yaml", "w").write("language: go\nrun: {port: 8080}\n")
    open(d + "/svc/go.mod", "w").write("module example.com/svc\n\ngo 1.21\n")
    open(d + "/svc/main.go", "w").write("package main\n\nfunc main() {}\n")
    digest = "sha256:" + "ab" * 32
    r = subprocess.run([stagec, "lock", "--resolver", "echo " + digest + " #", d],
                       capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1764547200"))
    check(r.returncode == 0, "stagec lock writes a lock (exit %d: %s)" % (r.returncode, r.stderr.strip()))
    text = open(d + "/stagec.lock").read() if os.path.exists(d + "/stagec.lock") else ""
    errs = errors(text) if text else ["no file"]
    check(not errs, "the lock stagec lock writes validates" + ("" if not errs else ": " + "; ".join(errs)))
    data = yaml.load(text, Loader=Loader) if text else {}
    check(data and data["images"][0]["confirmed"] == "2025-12-01" and data["images"][0]["image"].endswith(digest)
          and "go" in data["templates"],
          "it holds the resolved digest, SOURCE_DATE_EPOCH's date and the frozen go default")

print("lock schema: %s" % ("failed" if failed else "ok"))
sys.exit(1 if failed else 0)
