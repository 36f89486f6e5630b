#!/usr/bin/env python3
"""secretscan.py - is a build secret's value anywhere in an image?

  secretscan.py scan VALUE FILE...   exit 0 when VALUE is in none of the FILEs
  secretscan.py selftest             the scanner finds a value where it is (exit 0), on synthetic files

A FILE is read whole and searched for the value as written, in upper case
and in base64; a tar (`docker save`'s, and each layer tar inside it, which
holds the files' bytes as they are) is searched member by member, down
into nested tars and gzip streams, so that a hit names the layer and the
file.  `docker save` holds every layer, the image config (Env, Cmd, the
history's created_by lines) and the manifest; `docker history --no-trunc`
and `docker inspect` output are plain files.  Prints one line per hit.
"""
import base64
import gzip
import io
import sys
import tarfile


def needles(value):
    v = value.encode()
    return [v, v.upper(), base64.b64encode(v)]


def is_tar(data):
    return len(data) > 262 and data[257:262] == b"ustar"


def scan_bytes(data, where, ns, hits, depth=0):
    if data[:2] == b"\x1f\x8b" and depth < 4:
        try:
            data = gzip.decompress(data)
            where += " (gunzipped)"
        except (OSError, EOFError):
            pass
    for n in ns:
        if n in data:
            hits.append(where)
            break
    if is_tar(data) and depth < 4:
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as t:
                for m in t:
                    for n in ns:
                        text = (m.name + " " + m.linkname + " " + repr(m.pax_headers)).encode()
                        if n in text:
                            hits.append(f"{where}: {m.name} (name, link or header)")
                            break
                    if m.isfile():
                        scan_bytes(t.extractfile(m).read(), f"{where}: {m.name}", ns, hits, depth + 1)
        except tarfile.TarError:
            pass


def scan(value, files):
    ns = needles(value)
    hits = []
    for f in files:
        with open(f, "rb") as fh:
            scan_bytes(fh.read(), f, ns, hits)
    return hits


def selftest():
    import os
    import tempfile
    value = "0f" * 32
    ok = True
    with tempfile.TemporaryDirectory() as d:
        def layer(name, content, gz=False):
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w") as t:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                t.addfile(info, io.BytesIO(content))
            data = buf.getvalue()
            return gzip.compress(data) if gz else data

        cases = {
            "clean": [("a/layer.tar", layer("app/x.js", b"nothing here"))],
            "in a layer's file": [("a/layer.tar", layer("root/.npmrc", b"_authToken=" + value.encode()))],
            "in a gzipped layer": [("b/layer.tar", layer("x", value.upper().encode(), gz=True))],
            "in the config": [("c.json", b'{"Env":["T=' + base64.b64encode(value.encode()) + b'"]}')],
            "in a file name": [("a/layer.tar", layer("tmp/" + value, b""))],
        }
        for name, members in cases.items():
            path = os.path.join(d, "img.tar")
            with tarfile.open(path, "w") as t:
                for mname, content in members:
                    info = tarfile.TarInfo(mname)
                    info.size = len(content)
                    t.addfile(info, io.BytesIO(content))
            hits = scan(value, [path])
            want = name != "clean"
            if bool(hits) != want:
                print(f"not ok - secretscan selftest: {name}: hits {hits}")
                ok = False
            else:
                print(f"ok - secretscan selftest: {name}")
    return ok


def main(argv):
    if len(argv) >= 2 and argv[1] == "selftest":
        return 0 if selftest() else 1
    if len(argv) < 4 or argv[1] != "scan":
        print(__doc__.strip(), file=sys.stderr)
        return 2
    hits = scan(argv[2], argv[3:])
    for h in hits:
        print(f"secret found in {h}")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
