#!/usr/bin/python3
"""check-docs.py - the documentation cannot drift from the compiler.

Usage (from the repository root): tests/docs/check-docs.py STAGEC SPEC_KEYS

1. Every fenced YAML block of README.md, specs/schema.md and
   templates/README.md carries a label after `yaml` that says what it is,
   and is checked as that:
     ```yaml spec [examples/X]      a whole spec: stagec compiles it (both
                                    variants) in a scratch folder, a copy of
                                    examples/X when named, else an empty one
                                    holding the manifests and the source
                                    folder the spec names
     ```yaml error [examples/X]     a spec stagec refuses (exit 1); the next
                                    fenced block is ```text and holds exactly
                                    the error lines stagec prints
                                    (app.yaml:LINE:COL: error: ...)
     ```yaml fragment [LEVEL]       a part of a spec, a mapping at LEVEL
                                    (the top when none; e.g. `run`): parses,
                                    and every key is one stagec reads there
     ```yaml template               a template excerpt: parses as YAML
   A ```yaml block without a label is an error of the docs.
2. Every examples/*/app.yaml and every spec and fragment block (a fragment
   wrapped into a spec) is valid against specs/app.schema.json, checked by
   an independent validator (python3-jsonschema).
3. The keys stagec reads (SPEC_KEYS prints spec.c's tables), the keys
   app.schema.json describes and the key tables of specs/schema.md (each
   after a `<!-- keys: LEVEL -->` line) are the same.
4. The languages named in specs/schema.md, README.md's table and
   app.schema.json are the templates/ that have a `language:`, and
   schema.md's table of versions (after `<!-- versions -->`) says what each
   template's `versions`, `default_version` and debian flavour say.
5. The passes README.md names, in order, are the ones stagec --help names;
   the bases stagec --help, app.schema.json and schema.md name are
   templates/bases.yaml's.
6. specs/init.md's detection table is the templates' detect: keys, and
   templates/README.md's template block has the keys template.c reads.
7. Each message in schema.md's "Errors, by example" block is one stagec
   prints in some tests/errors/*.err or tests/golden/*/{stderr,*.err}.
Prints "ok - ..." / "not ok - ..." lines and "docs: N passed, N failed".
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as e:
    print("not ok - python3-yaml and python3-jsonschema are needed (apt-get install python3-yaml "
          "python3-jsonschema): %s" % e)
    print("docs: 0 passed, 1 failed")
    sys.exit(1)

# libyaml's parser, the one stagec uses (python3-yaml has it built in)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text):
    return yaml.load(text, Loader=LOADER)


DOCS = ["README.md", "specs/schema.md", "templates/README.md"]
DIAG = re.compile(r"^app\.yaml:\d+:\d+: (error|warning): ")
passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok - " + name)


def bad(name, why=""):
    global failed
    failed += 1
    print("not ok - " + name)
    for line in str(why).rstrip("\n").splitlines()[:30]:
        print("#   " + line)


def check(name, cond, why=""):
    (ok if cond else lambda n: bad(n, why))(name)


# ---- the blocks ---------------------------------------------------------------

def blocks(path):
    """(line, info, text) for every fenced block of a Markdown file."""
    out, fence = [], None
    with open(path) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        if fence is None:
            m = re.match(r"^(```+)(.*)$", line)
            if m:
                fence, start, info, body = m.group(1), i + 1, m.group(2).strip(), []
        elif line.strip() == fence:
            out.append((start, info, "\n".join(body) + "\n"))
            fence = None
        else:
            body.append(line)
    if fence is not None:
        out.append((start, "unclosed", ""))
    return out


def key_tree(spec_keys):
    """{level: set of keys} from spec.c's tables, "" the top level."""
    out = subprocess.run([spec_keys], capture_output=True, text=True, check=True).stdout.split()
    tree = {}
    for dotted in out:
        level, _, key = dotted.rpartition(".")
        tree.setdefault(level, set()).add(key)
    return tree, set(out)


def unknown_keys(node, level, tree):
    """Keys in a fragment that stagec does not read at their level."""
    bad_keys = []
    if not isinstance(node, dict):
        return ["the fragment is not a mapping"]
    for k, v in node.items():
        if k not in tree.get(level, ()):
            bad_keys.append("'%s' at %s" % (k, level or "the top level"))
            continue
        sub = (level + "." if level else "") + str(k)
        if sub in tree and isinstance(v, dict):
            bad_keys += unknown_keys(v, sub, tree)
    return bad_keys


def wrap(node, level):
    """A fragment at level as a spec the schema can judge."""
    for part in reversed(level.split(".") if level else []):
        node = {part: node}
    node = dict(node or {})
    node.setdefault("language", "python")
    return node


def scratch_for(spec_text, example, tmp):
    """A build context for a spec block: a copy of the example, or an empty
    folder with the manifests and source folder the spec names."""
    d = os.path.join(tmp, "docs-app")
    shutil.rmtree(d, ignore_errors=True)
    if example:
        shutil.copytree(example, d)
    else:
        os.makedirs(d)
        spec = load(spec_text) or {}
        src = str(spec.get("source", ".")) if isinstance(spec, dict) else "."
        os.makedirs(os.path.join(d, src), exist_ok=True)
        deps = spec.get("dependencies") if isinstance(spec, dict) else None
        manifests = deps.get("manifest", []) if isinstance(deps, dict) else []
        for m in [manifests] if isinstance(manifests, str) else manifests or []:
            p = os.path.join(d, str(m))
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "a").close()
    with open(os.path.join(d, "app.yaml"), "w") as f:
        f.write(spec_text)
    return d


def compile_spec(stagec, d, *opts):
    return subprocess.run([stagec, *opts, "app.yaml"], cwd=d, capture_output=True, text=True)


def check_blocks(stagec, tree, validator, tmp):
    for doc in DOCS:
        found = blocks(doc)
        consumed = set()
        for n, (line, info, text) in enumerate(found):
            where = "%s:%d" % (doc, line)
            words = info.split()
            if info == "unclosed":
                bad(where + " fence closed", "a fenced block is not closed")
                continue
            if not words or words[0] != "yaml":
                continue
            label = words[1] if len(words) > 1 else ""
            arg = words[2] if len(words) > 2 else ""
            name = "%s ```yaml %s" % (where, label)
            try:
                node = load(text)
            except yaml.YAMLError as e:
                bad(name + " parses", e)
                continue
            if label == "template":
                ok(name + " parses")
            elif label == "fragment":
                if arg and arg not in tree:
                    bad(name + " names a level", "'%s' is no mapping of the spec" % arg)
                    continue
                unknown = [] if node is None else unknown_keys(node, arg, tree)
                check(name + " has only keys stagec reads", not unknown, "; ".join(unknown))
                errs = sorted(validator.iter_errors(wrap(node, arg)), key=str)
                check(name + " is valid against app.schema.json", not errs,
                      "\n".join(e.message for e in errs))
            elif label in ("spec", "error"):
                if arg and not os.path.isfile(os.path.join(arg, "app.yaml")):
                    bad(name + " names an example", "'%s' is not an example folder" % arg)
                    continue
                d = scratch_for(text, arg, tmp)
                if label == "spec":
                    multi, single = compile_spec(stagec, d), compile_spec(stagec, d, "--single-stage")
                    check(name + " compiles", multi.returncode == 0 and single.returncode == 0,
                          multi.stderr + single.stderr)
                    errs = sorted(validator.iter_errors(node), key=str)
                    check(name + " is valid against app.schema.json", not errs,
                          "\n".join(e.message for e in errs))
                    continue
                nxt = found[n + 1] if n + 1 < len(found) else None
                if not nxt or nxt[1] != "text":
                    bad(name + " is followed by its ```text", "put the errors stagec prints in a "
                        "```text block right after it")
                    continue
                consumed.add(n + 1)
                r = compile_spec(stagec, d)
                got = [l for l in r.stderr.splitlines() if DIAG.match(l)]
                want = [l for l in nxt[2].splitlines() if l.strip()]
                check(name + " fails as documented", r.returncode == 1 and got == want,
                      "exit %d\nwant:\n%s\ngot:\n%s" % (r.returncode, "\n".join(want), r.stderr))
            else:
                bad(name + " has a label", "label a YAML block: ```yaml spec, fragment, template "
                    "or error (see tests/docs/check-docs.py)")


# ---- the examples against the schema --------------------------------------------

def check_examples(validator):
    for spec in sorted(glob.glob("examples/*/app.yaml")):
        with open(spec) as f:
            node = load(f)
        errs = sorted(validator.iter_errors(node), key=str)
        check(spec + " is valid against app.schema.json", not errs,
              "\n".join("%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errs))


# ---- key lists ----------------------------------------------------------------------

def schema_keys(schema):
    defs = schema.get("$defs", {})

    def resolve(node):
        while True:
            if "$ref" in node:
                node = {**defs[node["$ref"].split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
            elif "allOf" in node and len(node["allOf"]) == 1 and "properties" not in node:
                node = {**resolve(node["allOf"][0]), **{k: v for k, v in node.items() if k != "allOf"}}
            else:
                return node

    out = set()

    def walk(node, prefix):
        node = resolve(node)
        # a key may take one of several forms (build: a list, or a mapping)
        for alt in [node] + node.get("oneOf", []) + node.get("anyOf", []):
            for k, v in resolve(alt).get("properties", {}).items():
                out.add(prefix + k)
                walk(v, prefix + k + ".")
    walk(schema, "")
    return out


def md_keys(path):
    """Keys of the tables that follow a `<!-- keys: LEVEL -->` line, and the
    `mapping: a, b` lists in their Type column."""
    keys, listed = set(), {}
    level = None
    with open(path) as f:
        for line in f:
            m = re.match(r"^<!-- keys(?:: ([a-z_.]+))? -->$", line.strip())
            if m:
                level = m.group(1) or ""
                continue
            if level is None:
                continue
            if not line.startswith("|"):
                if line.strip():
                    level = None
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            k = re.match(r"^\[?`([a-z_]+)`", cells[0])
            if not k:
                continue
            dotted = (level + "." if level else "") + k.group(1)
            keys.add(dotted)
            for c in cells[1:2]:
                if "mapping:" in c:
                    listed[dotted] = set(re.findall(r"`([a-z_]+)`", c.split("mapping:", 1)[1]))
    return keys, listed


def check_keys(c_keys, schema):
    s_keys = schema_keys(schema)
    m_keys, listed = md_keys("specs/schema.md")
    for name, other in (("specs/app.schema.json", s_keys), ("specs/schema.md's key tables", m_keys)):
        check("%s has the keys compiler/spec.c reads" % name, other == c_keys,
              "only in spec.c: %s\nonly in %s: %s" % (", ".join(sorted(c_keys - other)) or "-", name,
                                                     ", ".join(sorted(other - c_keys)) or "-"))
    for parent, subs in sorted(listed.items()):
        want = {k[len(parent) + 1:] for k in c_keys if k.startswith(parent + ".") and "." not in k[len(parent) + 1:]}
        check("schema.md's Type of '%s' lists its keys" % parent, subs == want,
              "listed: %s\nspec.c: %s" % (", ".join(sorted(subs)), ", ".join(sorted(want))))


# ---- languages and passes ---------------------------------------------------------

def template_languages():
    out = set()
    for p in glob.glob("templates/*.yaml"):
        with open(p) as f:
            t = load(f)
        if isinstance(t, dict) and "language" in t:
            out.add(t["language"])
    return out


def check_languages(schema):
    langs = template_languages()
    with open("specs/schema.md") as f:
        md = f.read()
    m = re.search(r"template to use:(.*?)\(the list", md, re.S)
    named = set(re.findall(r"`([a-z0-9+]+)`", m.group(1))) if m else set()
    check("specs/schema.md names every language of templates/", named == langs,
          "schema.md: %s\ntemplates: %s" % (", ".join(sorted(named)), ", ".join(sorted(langs))))
    with open("README.md") as f:
        rows = [l for l in f if re.match(r"^\| `[a-z0-9+]+`", l)]
    table = {w for r in rows for w in re.findall(r"`([a-z0-9+]+)`", r.split("|")[1])}
    check("README.md's table of stacks has every language of templates/", table == langs,
          "README: %s\ntemplates: %s" % (", ".join(sorted(table)), ", ".join(sorted(langs))))
    desc = schema["properties"]["language"]["description"]
    m = re.search(r":(.*?)\(", desc)
    named = {w.strip() for w in m.group(1).split(",")} if m else set()
    check("app.schema.json's language description names every language", named == langs,
          "schema: %s\ntemplates: %s" % (", ".join(sorted(named)), ", ".join(sorted(langs))))


def version_cell(cell):
    """'GCC 11 to 14' -> ('11', '14'); '18, 20, lts (...)' -> {'18', '20', 'lts'}."""
    cell = re.sub(r"\(.*?\)", "", cell).strip()
    cell = re.sub(r"^(GCC|Node\.js) ", "", cell)
    m = re.fullmatch(r"(\S+) to (\S+)", cell)
    if m:
        return m.groups()
    return {v.strip() for v in cell.split(",")}


def check_versions():
    """schema.md's table of versions against the templates' lists."""
    temps = {}
    for p in glob.glob("templates/*.yaml"):
        with open(p) as f:
            t = load(f)
        if isinstance(t, dict) and "language" in t:
            deb = ((t.get("flavours") or {}).get("debian") or {}).get("versions")
            temps[t["language"]] = ([str(v) for v in t["versions"]], str(t["default_version"]), deb)
    with open("specs/schema.md") as f:
        md = f.read()
    m = re.search(r"<!-- versions[^>]*-->\n(.*?)\n\n", md, re.S)
    rows = {}
    for line in (m.group(1).splitlines() if m else []):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        k = re.match(r"^`([a-z0-9+]+)`$", cells[0])
        if k and len(cells) == 4:
            rows[k.group(1)] = cells[1:]
    check("schema.md's table of versions has a row per template", set(rows) == set(temps),
          "table: %s\ntemplates: %s" % (", ".join(sorted(rows)), ", ".join(sorted(temps))))
    for lang in sorted(set(rows) & set(temps)):
        versions, default, deb = temps[lang]
        want = (versions[0], versions[-1]) if isinstance(version_cell(rows[lang][0]), tuple) else set(versions)
        debian = version_cell(rows[lang][2]) if not rows[lang][2].startswith("none") else None
        check("schema.md's versions of %s are the template's" % lang,
              version_cell(rows[lang][0]) == want and rows[lang][1] == default
              and debian == (set(deb) if deb else None),
              "schema.md: %s\ntemplate: versions %s, default %s, debian %s"
              % (" | ".join(rows[lang]), ", ".join(versions), default, deb))


def check_detect():
    """specs/init.md's detection table against the templates' detect: keys:
    each row's markers (the manifests, neither optional nor {variables},
    then detect.markers) and rank, a row per language that has markers,
    and every `as:` language named in its row."""
    temps = {}
    for p in glob.glob("templates/*.yaml"):
        with open(p) as f:
            t = load(f)
        if isinstance(t, dict) and "detect" in t:
            d = t["detect"] or {}
            markers = [m for m in t.get("manifests") or [] if "{" not in m and not m.endswith("?")]
            temps[t["language"]] = (markers + list(d.get("markers") or []), d.get("rank"), d.get("as"))
    with open("specs/init.md") as f:
        md = f.read()
    rows = {}
    for line in md.splitlines():
        m = re.match(r"^\| (`[^|]*) \(([a-z]+)\) \| `([a-z]+)`([^|]*)\|", line)
        if m:
            rows[m.group(3)] = (re.findall(r"`([^`]+)`", m.group(1)), m.group(2), m.group(4))
    own = {lang for lang, v in temps.items() if not v[2]}
    check("specs/init.md's detection table has a row per template with markers", set(rows) == own,
          "table: %s\ntemplates: %s" % (", ".join(sorted(rows)), ", ".join(sorted(own))))
    for lang in sorted(set(rows) & own):
        markers, rank, _ = temps[lang]
        check("specs/init.md's markers and rank of %s are the template's" % lang,
              rows[lang][:2] == (markers, rank),
              "init.md: %s (%s)\ntemplate: %s (%s)" % (", ".join(rows[lang][0]), rows[lang][1], ", ".join(markers), rank))
    for lang, (_, _, by) in sorted(temps.items()):
        if by:
            check("specs/init.md names %s in the row of %s" % (lang, by),
                  by in rows and "`%s`" % lang in rows[by][2], "detect: {as: %s}" % by)


def check_template_keys():
    """The keys of templates/README.md's first template block are the ones
    template.c reads (its keys[] of template_load)."""
    with open("compiler/template.c") as f:
        m = re.search(r"Template \*template_load\(.*?keys\[\] = \{(.*?)\};", f.read(), re.S)
    c_keys = set(re.findall(r'"([a-z_]+)"', m.group(1))) if m else set()
    with open("templates/README.md") as f:
        b = re.search(r"```yaml template\n(.*?)```", f.read(), re.S)
    doc = set(load(b.group(1)) or {}) if b else set()
    check("templates/README.md's template block has every key template.c reads", c_keys and doc == c_keys,
          "only in template.c: %s\nonly in README: %s" % (", ".join(sorted(c_keys - doc)), ", ".join(sorted(doc - c_keys))))


def check_bases(stagec, schema):
    """The bases of templates/bases.yaml, wherever they are named."""
    with open("templates/bases.yaml") as f:
        data = load(f)
    bases = list(data["bases"])
    table = subprocess.run([stagec, "--list-options"], capture_output=True, text=True).stdout
    rows = [r.split("\t") for r in table.splitlines()]
    named = {
        "stagec --help": next((r[5].split() for r in rows if "stagec" in r[0].split(",") and r[2] == "base"), []),
        "app.schema.json's base examples": schema["properties"]["base"].get("examples", []),
    }
    with open("specs/schema.md") as f:
        m = re.search(r"^\| \[`base`\]\(#base\) \| ([^|]*)\|", f.read(), re.M)
    named["schema.md's key table"] = re.findall(r"`([a-z0-9_-]+)`", m.group(1)) if m else []
    for where, names in named.items():
        check("%s names the bases of templates/bases.yaml" % where, sorted(names) == sorted(bases),
              "%s: %s\nbases.yaml: %s" % (where, ", ".join(names), ", ".join(bases)))


def check_passes(stagec):
    table = subprocess.run([stagec, "--list-options"], capture_output=True, text=True).stdout
    passes = next((r.split("\t")[5].split() for r in table.splitlines() if r.split("\t")[2] == "dump-ir"), [])
    with open("README.md") as f:
        readme = f.read()
    m = re.search(r"The passes, in order(.*?)The single-stage", readme, re.S)
    named = re.findall(r"`([a-z-]+)`\s+\(", m.group(1)) if m else []
    check("README.md names the passes in stagec's order", passes and named == passes[1:],
          "README: %s\nstagec --help: %s" % (" ".join(named), " ".join(passes)))


def check_error_examples():
    with open("specs/schema.md") as f:
        md = f.read()
    m = re.search(r"## Errors, by example\s+```text\n(.*?)```", md, re.S)
    lines = m.group(1).splitlines() if m else []
    printed = set()
    for p in glob.glob("tests/errors/*.err") + glob.glob("tests/golden/*/stderr") + glob.glob("tests/golden/*/*.err"):
        with open(p) as f:
            printed |= {re.sub(r"^\S+:\d+:\d+: ", "", l.rstrip("\n")) for l in f}
    missing = [l for l in lines if re.sub(r"^\S+:\d+:\d+: ", "", l) not in printed]
    check("schema.md's errors by example are messages stagec prints (tests/errors, tests/golden)",
          lines and not missing,
          "\n".join(missing) or "no block found")


def main():
    if len(sys.argv) != 3:
        print("usage: check-docs.py STAGEC SPEC_KEYS")
        return 2
    stagec, spec_keys = (os.path.abspath(a) for a in sys.argv[1:])
    with open("specs/app.schema.json") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    tree, c_keys = key_tree(spec_keys)
    tmp = tempfile.mkdtemp()
    try:
        check_blocks(stagec, tree, validator, tmp)
    finally:
        shutil.rmtree(tmp)
    check_examples(validator)
    check_keys(c_keys, schema)
    check_languages(schema)
    check_versions()
    check_bases(stagec, schema)
    check_detect()
    check_template_keys()
    check_passes(stagec)
    check_error_examples()
    print("docs: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
