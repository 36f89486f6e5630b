#!/usr/bin/env python3
"""check-bake.py - a reader of docker-bake.json written from Docker's Bake
file reference (docs.docker.com/build/bake/reference/, the JSON form), not
from stagec's code, so that it can disagree with stagec.

    check-bake.py [--root DIR] FILE...     check each file; exit 1 on a problem
    check-bake.py --docker-build FILE      print, per target, a line TARGET, CONTEXT,
                                           DOCKERFILE and the `docker build` command
                                           that builds it from the file's own fields
                                           (tab-separated)

Checks, each problem printed as FILE: where: what:
- the top level is an object whose keys are variable, group, target or
  function (bake would take any other key for a global variable; stagec
  writes none, so one here is a mistake);
- variable names are identifiers, each an object of default / description /
  validation;
- group and target names match [A-Za-z0-9_-]+ (buildx's own rule) and no
  name is both a group and a target (bake builds the group and hides the
  target);
- a group's "targets" is a list of strings naming targets or groups;
- a target's attributes are the reference's, each of its type (string,
  list of strings, map of string or null, boolean);
- "inherits" names existing targets, without a cycle;
- every string is a valid HCL template: "$${" and "%%{" are the literal
  text, "${NAME}" must name a variable of the file or a built-in, and
  nothing else is used;
- tags, once the variables' defaults are in, are valid image references;
- with --root, each target's context (after inherits) is a folder below
  DIR and its dockerfile, relative to the context, a file.

--docker-build resolves inherits (later parents win, the target's own
attributes over all) and variables (the environment over the defaults, as
bake does) and prints `docker build -f CONTEXT/DOCKERFILE -t TAG --label
K=V --platform P CONTEXT`, shell-quoted, one line per target in name order
(CONTEXT and DOCKERFILE are paths from the current folder).
"""
import json
import os
import re
import shlex
import sys

NAME = re.compile(r"^[A-Za-z0-9_-]+$")
VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
BUILTINS = {"BAKE_CMD_CONTEXT", "BAKE_LOCAL_PLATFORM"}
TOP = {"variable", "group", "target", "function"}
VARIABLE_KEYS = {"default", "description", "validation"}
GROUP_KEYS = {"targets", "description"}
STR, LIST, MAP, BOOL = "string", "list of strings", "map of strings", "boolean"
# the reference's table of target attributes
TARGET_KEYS = {
    "args": MAP, "annotations": LIST, "attest": LIST, "cache-from": LIST, "cache-to": LIST,
    "call": STR, "context": STR, "contexts": MAP, "description": STR, "dockerfile-inline": STR,
    "dockerfile": STR, "entitlements": LIST, "inherits": LIST, "labels": MAP, "matrix": "map",
    "name": STR, "network": STR, "no-cache-filter": LIST, "no-cache": BOOL, "output": LIST,
    "platforms": LIST, "pull": BOOL, "secret": LIST, "shm-size": STR, "ssh": LIST, "tags": LIST,
    "target": STR, "ulimits": LIST,
}
# a Docker image reference: name components of lowercase letters, digits and
# separators, an optional registry host[:port], an optional tag
REF = re.compile(
    r"^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?/)?"
    r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$")
PLATFORM = re.compile(r"^[a-z0-9]+/[a-z0-9_]+(?:/[a-z0-9]+)?$")


class Problems:
    def __init__(self, path):
        self.path, self.list = path, []

    def add(self, where, what):
        self.list.append(f"{self.path}: {where}: {what}")


def template_parts(s):
    """The HCL template s as ('text', str) and ('var', name) parts; raises
    ValueError for anything this reader does not accept."""
    parts, text, i = [], [], 0
    while i < len(s):
        if s.startswith("$${", i) or s.startswith("%%{", i):
            text.append(s[i + 1:i + 3])
            i += 3
        elif s.startswith("${", i):
            end = s.find("}", i)
            if end < 0:
                raise ValueError("an unclosed '${'")
            name = s[i + 2:end].strip()
            if not VAR_NAME.match(name):
                raise ValueError(f"'${{{name}}}' is not a plain variable")
            parts.append(("text", "".join(text)))
            text = []
            parts.append(("var", name))
            i = end + 1
        elif s.startswith("%{", i):
            raise ValueError("a template directive '%{'")
        else:
            text.append(s[i])
            i += 1
    parts.append(("text", "".join(text)))
    return parts


def expand(s, values):
    return "".join(v if k == "text" else values.get(v, "") for k, v in template_parts(s))


def strings_of(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_of(v)


def check_type(p, where, value, kind):
    if kind == STR and not isinstance(value, str):
        p.add(where, f"must be a {STR}")
    elif kind == BOOL and not isinstance(value, bool):
        p.add(where, f"must be a {BOOL}")
    elif kind == LIST and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        p.add(where, f"must be a {LIST}")
    elif kind == MAP and not (isinstance(value, dict) and all(isinstance(v, str) or v is None
                                                             for v in value.values())):
        p.add(where, f"must be a {MAP} (or null)")
    elif kind == "map" and not isinstance(value, dict):
        p.add(where, "must be a map")


def resolved(targets, name, seen=()):
    """The target's attributes after inherits (parents in order, own last)."""
    t = targets[name]
    out = {}
    for parent in t.get("inherits", []):
        if parent in targets and parent not in seen:
            out.update(resolved(targets, parent, seen + (name,)))
    for k, v in t.items():
        if k == "inherits":
            continue
        if k in ("labels", "args") and isinstance(v, dict):
            out[k] = {**out.get(k, {}), **v}
        else:
            out[k] = v
    return out


def variables(doc, env=None):
    values = {}
    for name, v in (doc.get("variable") or {}).items():
        d = v.get("default") if isinstance(v, dict) else None
        values[name] = str(d) if d is not None else ""
        if env is not None and name in env:
            values[name] = env[name]
    return values


def check(path, root):
    p = Problems(path)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        p.add("file", f"not JSON: {e}")
        return p.list
    if not isinstance(doc, dict):
        p.add("top level", "must be an object")
        return p.list
    for k in doc:
        if k not in TOP:
            p.add(k, "not a key of a bake file (variable, group, target, function)")
    variable = doc.get("variable", {})
    groups = doc.get("group", {})
    targets = doc.get("target", {})
    for section, value in (("variable", variable), ("group", groups), ("target", targets)):
        if not isinstance(value, dict):
            p.add(section, "must be an object of named blocks")
            return p.list
    for name, v in variable.items():
        if not VAR_NAME.match(name):
            p.add(f"variable.{name}", "not a valid variable name")
        if not isinstance(v, dict):
            p.add(f"variable.{name}", "must be an object")
            continue
        for k in v:
            if k not in VARIABLE_KEYS:
                p.add(f"variable.{name}.{k}", "not an attribute of a variable")
    for kind, blocks in (("group", groups), ("target", targets)):
        for name in blocks:
            if not NAME.match(name):
                p.add(f"{kind}.{name}", "not a valid bake name ([A-Za-z0-9_-]+)")
    for name in set(groups) & set(targets):
        p.add(f"group.{name}", "is also a target: bake builds the group and never the target")
    for name, g in groups.items():
        if not isinstance(g, dict):
            p.add(f"group.{name}", "must be an object")
            continue
        for k in g:
            if k not in GROUP_KEYS:
                p.add(f"group.{name}.{k}", "not an attribute of a group")
        ts = g.get("targets")
        if not (isinstance(ts, list) and all(isinstance(t, str) for t in ts)):
            p.add(f"group.{name}.targets", f"must be a {LIST}")
            continue
        for t in ts:
            if t not in targets and t not in groups:
                p.add(f"group.{name}.targets", f"'{t}' is neither a target nor a group")
    for name, t in targets.items():
        if not isinstance(t, dict):
            p.add(f"target.{name}", "must be an object")
            continue
        for k, v in t.items():
            if k not in TARGET_KEYS:
                p.add(f"target.{name}.{k}", "not an attribute of a target")
            else:
                check_type(p, f"target.{name}.{k}", v, TARGET_KEYS[k])
        for parent in t.get("inherits", []) if isinstance(t.get("inherits"), list) else []:
            if parent not in targets:
                p.add(f"target.{name}.inherits", f"'{parent}' is not a target")
        # a cycle: follow inherits from here
        stack, seen = [name], set()
        while stack:
            cur = stack.pop()
            for parent in (targets.get(cur) or {}).get("inherits", []) or []:
                if parent == name:
                    p.add(f"target.{name}.inherits", "inherits itself (a cycle)")
                    stack = []
                    break
                if parent in targets and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
    # every string is a template bake evaluates
    for section in ("variable", "group", "target"):
        for name, block in (doc.get(section) or {}).items():
            for s in strings_of(block):
                try:
                    for kind, v in template_parts(s):
                        if kind == "var" and v not in variable and v not in BUILTINS:
                            p.add(f"{section}.{name}", f"'${{{v}}}' names no variable of the file")
                except ValueError as e:
                    p.add(f"{section}.{name}", f"{e} in {s!r}")
    if p.list:
        return p.list
    values = variables(doc)
    for name in targets:
        r = resolved(targets, name)
        for tag in r.get("tags", []):
            ref = expand(tag, values)
            if not REF.match(ref):
                p.add(f"target.{name}.tags", f"'{ref}' is not a valid image reference")
        for plat in r.get("platforms", []):
            if not PLATFORM.match(plat):
                p.add(f"target.{name}.platforms", f"'{plat}' is not os/arch[/variant]")
        if root is not None:
            context = expand(r.get("context", "."), values)
            dockerfile = expand(r.get("dockerfile", "Dockerfile"), values)
            top = os.path.abspath(root)
            cdir = os.path.abspath(os.path.join(top, context))
            if os.path.isabs(context) or not (cdir == top or cdir.startswith(top + "/")):
                p.add(f"target.{name}.context", f"'{context}' is not below the root")
            elif not os.path.isdir(cdir):
                p.add(f"target.{name}.context", f"'{context}' is not a folder")
            elif not os.path.isfile(os.path.join(cdir, dockerfile)):
                p.add(f"target.{name}.dockerfile", f"'{dockerfile}' is not a file of the context '{context}'")
    return p.list


def docker_build(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    values = variables(doc, os.environ)
    base = os.path.dirname(path) or "."
    for name in sorted(doc.get("target", {})):
        r = resolved(doc["target"], name)
        context = os.path.join(base, expand(r.get("context", "."), values))
        cmd = ["docker", "build", "-f", os.path.join(context, expand(r.get("dockerfile", "Dockerfile"), values))]
        for tag in r.get("tags", []):
            cmd += ["-t", expand(tag, values)]
        for k, v in sorted((r.get("labels") or {}).items()):
            if v is not None:
                cmd += ["--label", f"{expand(k, values)}={expand(v, values)}"]
        if r.get("platforms"):
            cmd += ["--platform", ",".join(r["platforms"])]
        cmd.append(context)
        print(name, context, cmd[3], shlex.join(cmd), sep="\t")


def main(argv):
    args, root = argv[1:], None
    if args[:1] == ["--docker-build"] and len(args) == 2:
        docker_build(args[1])
        return 0
    if args[:1] == ["--root"] and len(args) >= 2:
        root, args = args[1], args[2:]
    if not args:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    status = 0
    for path in args:
        problems = check(path, root)
        for line in problems:
            print(line)
        if problems:
            status = 1
        else:
            print(f"{path}: ok")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
