#!/usr/bin/python3
"""check-context.py - what stagec's .dockerignore lets into the build context.

Usage (from the repository root): tests/docs/check-context.py STAGEC

For every examples/*/app.yaml, writes the files with `stagec -o` into a
folder that is not the example's, so the ignore files are Dockerfile.dockerignore
and Dockerfile.single.dockerignore (what BuildKit reads beside each Dockerfile),
then works out the build context Docker would send for each Dockerfile, with its
own reading of its ignore file (the regular expressions Docker's pattern matcher builds: `*`
and `?` within a folder name, `**` any number of folders, a path left out
when it or a folder above it matches, the last matching line deciding), and
checks that:
  - no .env file (`.env`, `.env.*`, in any folder) is in the context: the
    node example holds two, so this check bites;
  - every path a Dockerfile COPYs from the context (not --from a stage) is
    in it: a manifest, the source folder, a local package.
Independent of compiler/dockerignore.c, which makes the same judgement
inside stagec.  Prints "ok - ..." lines and "context: N passed, N failed".
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

passed = failed = 0


def check(name, cond, why=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + name)
    else:
        failed += 1
        print("not ok - " + name)
        for line in why.splitlines()[:20]:
            print("#   " + line)


def pattern_regex(pattern):
    """Docker's translation of one .dockerignore pattern."""
    p = os.path.normpath(pattern).lstrip("/")
    out, i = "^", 0
    while i < len(p):
        c = p[i]
        if c == "*":
            if p[i + 1:i + 2] == "*":
                i += 1
                if p[i + 1:i + 2] == "/":
                    i += 1
                out += ".*" if i + 1 >= len(p) else "(.*/)?"
            else:
                out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "\\" and i + 1 < len(p):
            i += 1
            out += re.escape(p[i])
        elif c == "[":
            j = p.index("]", i + 2 if p[i + 1:i + 2] in ("]", "^", "!") else i + 1)
            body = p[i + 1:j].replace("\\", "\\\\")
            out += "[" + ("^" + body[1:] if body[:1] in ("!", "^") else body) + "]"
            i = j
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + "$")


def read_ignore(path):
    rules = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            neg = line.startswith("!")
            rules.append((neg, pattern_regex(line[1:] if neg else line)))
    return rules


def excluded(rules, path):
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    out = False
    for neg, rx in rules:
        if any(rx.match(p) for p in prefixes):
            out = not neg
    return out


def context_files(folder, rules):
    kept, left_out = set(), set()
    for top, dirs, names in os.walk(folder):
        for n in names:
            rel = os.path.relpath(os.path.join(top, n), folder)
            (left_out if excluded(rules, rel) else kept).add(rel)
    return kept, left_out


def copy_sources(dockerfile):
    """The context paths a Dockerfile's COPY lines take."""
    out = []
    with open(dockerfile) as f:
        for line in f:
            if not line.startswith("COPY "):
                continue
            rest = line[5:].strip()
            args = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
            if any(a.startswith("--from=") for a in args):
                continue
            srcs = [a for a in args if not a.startswith("--")][:-1]
            out += [os.path.normpath(s) for s in srcs]
    return out


def is_env(path):
    base = os.path.basename(path)
    return base == ".env" or base.startswith(".env.")


def main():
    stagec = os.path.abspath(sys.argv[1])
    env_files = 0
    with tempfile.TemporaryDirectory() as tmp:
        for spec in sorted(glob.glob("examples/*/app.yaml")):
            ex = os.path.dirname(spec)
            name = os.path.basename(ex)
            out = os.path.join(tmp, name)
            os.makedirs(out)
            r = subprocess.run([stagec, "-o", out, spec], capture_output=True, text=True)
            if r.returncode != 0:
                check(name + " compiles with -o", False, r.stderr)
                continue
            kept, left_out = context_files(ex, read_ignore(os.path.join(out, "Dockerfile.dockerignore")))
            secrets = sorted(p for p in kept | left_out if is_env(p))
            env_files += len(secrets)
            leaked = [p for p in secrets if p in kept]
            check("%s: no .env file in the build context (%d present)" % (name, len(secrets)), not leaked,
                  "sent to the builder: " + " ".join(leaked))
            missing = []
            for df in ("Dockerfile", "Dockerfile.single"):
                kept, _ = context_files(ex, read_ignore(os.path.join(out, df + ".dockerignore")))
                for src in copy_sources(os.path.join(out, df)):
                    if src == ".":
                        continue
                    if not any(p == src or p.startswith(src + "/") for p in kept):
                        missing.append("%s: COPY %s" % (df, src))
            check("%s: every path the Dockerfiles COPY is in the build context" % name, not missing,
                  "\n".join(missing))
    check("the examples hold .env files to keep out", env_files > 0,
          "no example has a .env file, so the check above proves nothing")
    print("context: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
