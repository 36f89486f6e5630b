#!/usr/bin/env python3
"""Checks used by buildtruth.sh, one subcommand each; exit 0 = pass, 1 = fail with a reason on stdout.

  equiv MULTI.json SINGLE.json MULTIBASE.json SINGLEBASE.json
      Compares the image configs (`docker image inspect` output) field by field. Env is compared as
      a set; if it differs, entries each image merely inherits unchanged from its own final base
      image are dropped and the rest compared (a Go binary FROM scratch does not carry the golang
      image's GOPATH etc.). buildtruth.sh gives scratch the default PATH only; a base image
      without PATH (the imported debian:bookworm-slim) inherits BuildKit's default PATH.
  files MULTI.list SINGLE.list BASE.list
      Every path the multi-stage final stage added on top of its base (tar listings from
      `docker export`) must exist at the same path in the single-stage image.
  split LIST BASE.list DPKG_STATUS USER PASSWD
      The multi-stage image holds no compiler/linker, no go toolchain, no *-dev package, no
      pip/npm/go build cache, and runs as a non-root user; and its final stage added no file under
      /usr/include to its base image (the official python image ships Python's headers itself).
  cache BUILD_LOG [nodeps]
      In BuildKit's plain progress output of a rebuild after a source edit, every dependency-install
      step (pip install, npm ci/install, go mod download, cargo fetch, mvn dependency:go-offline,
      gradle dependencies, bundle install, composer install, apt-get install) is reported CACHED and the source copy was not. With
      `nodeps` (the Dockerfile has no RUN before its source COPY), no such step is needed.
  secrets LIST BASE.list
      No file the final stage added on top of its base is a .env file (`.env`, `.env.*`) or a
      private key (`*.key`, `id_rsa`...): the .dockerignore kept them out of the context. Files
      inside installed dependencies (node_modules, site-packages, gems, vendor) are not counted.
  bakelabels COMMAND INSPECT.json
      The image (`docker image inspect`) carries every `--label K=V` of the docker build COMMAND
      (a bake target's, from check-bake.py --docker-build) with that value.
  sameprogram A.Dockerfile B.Dockerfile
      The two Dockerfiles are the same but for comment lines and LABEL instructions (metadata
      only: they make no layer), so that their images built from the same context share layers.
  port INSPECT.json        prints the first exposed port number
  srcfile EXAMPLE_DIR INSPECT.json   prints the source file to touch for the cache check (a file at
                                     the top, else the first source file found in a subfolder)
Assumes Python 3.8+, nothing outside the standard library.
"""
import json
import os
import re
import sys

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
FIELDS = ["Cmd", "Entrypoint", "Env", "User", "WorkingDir", "ExposedPorts", "Healthcheck", "Labels"]
NOISE = re.compile(r"^(var/log/|var/cache/|var/lib/apt/|var/lib/dpkg/|tmp/|run/|root/\.cache/|etc/ld\.so\.cache$)")


def config(path):
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, list):
        data = data[0] if data else {}
    return data.get("Config") or {}


def norm(field, value):
    if value in (None, "", [], {}):
        return None
    if field == "Env":
        return sorted(value)
    return value


def equiv(multi, single, multibase, singlebase):
    m, s = config(multi), config(single)
    mb, sb = config(multibase), config(singlebase)
    for c in (mb, sb):  # BuildKit gives an image without PATH (an imported rootfs) the default one
        if not any(e.startswith("PATH=") for e in c.get("Env") or []):
            c["Env"] = (c.get("Env") or []) + [DEFAULT_PATH]
    bad, notes = [], []
    for f in FIELDS:
        a, b = norm(f, m.get(f)), norm(f, s.get(f))
        if a == b:
            continue
        if f == "Env":
            a2 = sorted(set(a or []) - set(mb.get("Env") or []))
            b2 = sorted(set(b or []) - set(sb.get("Env") or []))
            if a2 == b2:
                notes.append("Env equal apart from base-image variables (multi base drops %s)"
                             % sorted(set(b or []) - set(a or [])))
                continue
            bad.append("Env: multi adds %s, single adds %s" % (a2, b2))
            continue
        bad.append("%s: multi=%s single=%s" % (f, json.dumps(a), json.dumps(b)))
    if bad:
        print("; ".join(bad))
        return 1
    print("; ".join(notes))
    return 0


def read_list(path):
    out = set()
    with open(path, errors="replace") as f:
        for line in f:
            p = line.rstrip("\n")
            if p.startswith("./"):
                p = p[2:]
            if p and not p.endswith("/"):
                out.add(p)
    return out


def files(multi, single, base):
    m, s, b = read_list(multi), read_list(single), read_list(base)
    added = sorted(p for p in m - b if not NOISE.match(p))
    missing = [p for p in added if p not in s]
    if not added:
        print("the final stage added no files")
        return 1
    if missing:
        print("%d of %d app files missing from the single-stage image: %s"
              % (len(missing), len(added), " ".join(missing[:10])))
        return 1
    print("%d files added by the final stage, all at the same paths in the single-stage image" % len(added))
    return 0


TOOLS = re.compile(r"^(usr/(local/)?s?bin/|bin/)(gcc|cc|c\+\+|g\+\+|cpp|ld|ld\.bfd|ld\.gold|as|clang|"
                   r"(x86_64|aarch64)-linux-gnu-[a-z+]+(-[0-9.]+)?|gcc-[0-9.]+|g\+\+-[0-9.]+)$")
GO = re.compile(r"(^|/)(bin/go|bin/gofmt|pkg/tool/[^/]+/compile)$")
CACHES = re.compile(r"(^|/)(\.cache/pip|\.npm/_cacache|\.cache/go-build|\.cache/yarn)/")


# headers that run-time packages ship (not -dev ones): iproute2's, which Debian's nginx needs
RUNTIME_HEADERS = re.compile(r"^usr/include/iproute2/")


def split(listing, baselist, status, user, passwd):
    paths = read_list(listing)
    base = read_list(baselist)
    bad = []
    tools = sorted(p for p in paths if TOOLS.match(p))
    if tools:
        bad.append("compiler/linker present: " + " ".join(tools[:8]))
    go = sorted(p for p in paths if GO.search(p))
    if go:
        bad.append("go toolchain present: " + " ".join(go[:5]))
    headers = sorted(p for p in paths - base if p.startswith("usr/include/") and not RUNTIME_HEADERS.match(p))
    if headers:
        bad.append("%d files added under /usr/include: %s" % (len(headers), " ".join(headers[:5])))
    caches = sorted(p for p in paths if CACHES.search(p))
    if caches:
        bad.append("package-manager cache present: " + " ".join(caches[:5]))
    devs = []
    if os.path.getsize(status):
        with open(status, errors="replace") as f:
            for block in f.read().split("\n\n"):
                pkg = re.search(r"^Package: (\S+)", block, re.M)
                st = re.search(r"^Status: (.*)$", block, re.M)
                if pkg and st and st.group(1).endswith(" installed") and pkg.group(1).endswith("-dev"):
                    devs.append(pkg.group(1))
    if devs:
        bad.append("-dev packages installed: " + " ".join(sorted(devs)))
    # user
    name = user.split(":")[0]
    uid = None
    if name.isdigit():
        uid = int(name)
    elif name and os.path.getsize(passwd):
        with open(passwd) as f:
            for line in f:
                parts = line.split(":")
                if parts[0] == name and len(parts) > 2:
                    uid = int(parts[2])
    if not name or name == "root" or uid == 0:
        bad.append("runs as root (User=%r)" % user)
    elif uid is None:
        bad.append("User %r not found in /etc/passwd" % user)
    if bad:
        print("; ".join(bad))
        return 1
    print("no toolchain, no -dev package%s, no headers, no caches; user %s (uid %d)"
          % ("" if os.path.getsize(status) else " (no dpkg)", user, uid))
    return 0


DEPSTEP = re.compile(r"\bRUN\b.*\b(pip[0-9.]* install|npm (ci|install)|yarn install|go mod download|"
                     r"cargo fetch|mvn .*dependency:go-offline|gradlew? .*dependencies|bundle install|composer install|"
                     r"apt-get (-[-\w=]+ )*install)")
SRCSTEP = re.compile(r"\] (COPY|ADD) (?!.*--from=)")


def cache(log, nodeps=""):
    steps, cached = {}, set()
    with open(log, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            mt = re.match(r"^#(\d+) \[([^\]]*)\] (.*)$", line)
            if mt:
                steps[mt.group(1)] = "[%s] %s" % (mt.group(2), mt.group(3))
                continue
            mt = re.match(r"^#(\d+) CACHED$", line)
            if mt:
                cached.add(mt.group(1))
    dep = {k: v for k, v in steps.items() if DEPSTEP.search(v)}
    src = [v for k, v in steps.items() if SRCSTEP.search(v) and k not in cached]
    if not dep and nodeps:
        # an app without dependencies on an image that needs no packages (javac on a JDK image)
        if not src:
            print("no source COPY step was rebuilt: the edit did not reach the build")
            return 1
        print("no dependency-install step to keep cached (the Dockerfile has none)")
        return 0
    if not dep:
        print("no dependency-install step found in the build output")
        return 1
    notcached = [v for k, v in dep.items() if k not in cached]
    if notcached:
        print("dependency step(s) re-run: " + " | ".join(notcached))
        return 1
    if not src:
        print("no source COPY step was rebuilt: the edit did not reach the build")
        return 1
    print("CACHED: " + " | ".join(sorted(dep.values())))
    return 0


SECRET = re.compile(r"(^|/)(\.env|\.env\.[^/]*|[^/]*\.key|id_rsa|id_dsa|id_ecdsa|id_ed25519)$")
# installed dependencies may ship such files as test fixtures; they do not come from the context
DEPENDENCY = re.compile(r"(^|/)(node_modules|site-packages|dist-packages|gems|vendor|\.m2)/")


def secrets(listing, baselist):
    added = read_list(listing) - read_list(baselist)
    found = sorted(p for p in added if SECRET.search(p) and not DEPENDENCY.search(p))
    if found:
        print("secrets in the image: " + " ".join(found[:10]))
        return 1
    print("none of %d added files is a .env file or a private key" % len(added))
    return 0


def port(path):
    ports = config(path).get("ExposedPorts") or {}
    if not ports:
        return 1
    print(sorted(ports)[0].split("/")[0])
    return 0


def srcfile(example, inspect):
    cfg = config(inspect)
    words = [os.path.basename(w) for w in (cfg.get("Entrypoint") or []) + (cfg.get("Cmd") or [])]
    exts = (".py", ".js", ".mjs", ".cjs", ".go", ".rs", ".c", ".cc", ".cpp", ".java", ".rb", ".php")
    cands = sorted(f for f in os.listdir(example)
                   if os.path.isfile(os.path.join(example, f))
                   and os.path.splitext(f)[1] in exts
                   and f not in ("setup.py",))
    pick = [f for f in cands if f in words or f.split(".")[0] in " ".join(words)]
    pick += [f for f in ("main.go", "app.py", "server.js", "index.js", "main.c", "app.rb") if f in cands]
    pick += cands
    if not pick:  # sources in a folder (src/main.rs, src/main/java/...): the first found
        for top, dirs, names in sorted(os.walk(example)):
            dirs.sort()
            pick += [os.path.relpath(os.path.join(top, f), example) for f in sorted(names)
                     if os.path.splitext(f)[1] in exts]
    if not pick:
        return 1
    print(pick[0])
    return 0


def bakelabels(command, inspect):
    import shlex
    argv, want = shlex.split(command), {}
    for i, a in enumerate(argv[:-1]):
        if a == "--label":
            k, _, v = argv[i + 1].partition("=")
            want[k] = v
    have = config(inspect).get("Labels") or {}
    wrong = {k: (v, have.get(k)) for k, v in want.items() if have.get(k) != v}
    if wrong:
        print("labels differ (bake, image): %s" % wrong)
        return 1
    print("%d labels" % len(want))
    return 0


def program(path):
    """A Dockerfile's instructions without comments and LABELs."""
    out, skipping = [], False
    for line in open(path).read().splitlines():
        if skipping:
            skipping = line.rstrip().endswith("\\")
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.split(None, 1)[0].upper() == "LABEL":
            skipping = line.rstrip().endswith("\\")
            continue
        out.append(line)
    return out


def sameprogram(a, b):
    if program(a) == program(b):
        return 0
    print("the Dockerfiles differ beyond comments and labels")
    return 1


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    sys.exit({"equiv": equiv, "files": files, "split": split, "cache": cache,
              "port": port, "srcfile": srcfile, "secrets": secrets, "bakelabels": bakelabels,
              "sameprogram": sameprogram}[cmd](*args))
