#!/usr/bin/env python3
"""elfcheck_test.py — tests of elfcheck.py without an engine: each case writes an image tar made of
synthetic ELF files (a header, a PT_LOAD over the whole file, PT_INTERP, PT_DYNAMIC with DT_NEEDED,
DT_RUNPATH or DT_RPATH) and symlinks, runs the check, and compares its status and the libraries it
names with what the case expects: resolution through symlinks (absolute and relative, folder links as
in merged /usr), $ORIGIN in RUNPATH, RPATH, /etc/ld.so.conf's includes, LD_LIBRARY_PATH from the
image config, a library of the wrong class not counting, a missing interpreter, objects of another
architecture skipped, and the base image's own files and plugins of Debian packages (installed by a
package, needed by nothing) as notes only.
Prints `ok - ...` / `not ok - ...` per case and `elfcheck-test: N passed, N failed`; exits 1 on a
failure. Assumes Python 3.8+, nothing outside the standard library.
"""
import contextlib
import io
import json
import os
import struct
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elfcheck  # noqa: E402

BASE = 0x400000
INTERP = "/lib64/ld-linux-x86-64.so.2"


def elf64(needed=(), runpath=None, rpath=None, interp=None, etype=3, machine=62, dynamic=True, soname=None):
    """A minimal little-endian ELF64 object with the given dynamic entries."""
    strtab = b"\0"
    offs = {}
    for s in list(needed) + [x for x in (runpath, rpath, soname) if x]:
        if s not in offs:
            offs[s] = len(strtab)
            strtab += s.encode() + b"\0"
    phnum = 1 + (1 if interp else 0) + (1 if dynamic else 0)
    ph_off = 64
    data_off = ph_off + 56 * phnum
    interp_b = (interp.encode() + b"\0") if interp else b""
    interp_off = data_off
    str_off = interp_off + len(interp_b)
    dyn_off = str_off + len(strtab)
    dyn_off += (-dyn_off) % 8
    dyn = b""
    for n in needed:
        dyn += struct.pack("<qQ", 1, offs[n])
    if runpath:
        dyn += struct.pack("<qQ", 29, offs[runpath])
    if rpath:
        dyn += struct.pack("<qQ", 15, offs[rpath])
    if soname:
        dyn += struct.pack("<qQ", 14, offs[soname])
    dyn += struct.pack("<qQ", 5, BASE + str_off) + struct.pack("<qQ", 0, 0)
    size = dyn_off + len(dyn)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    hdr = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, 0, ph_off, 0, 0, 64, 56, phnum, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, BASE, BASE, size, size, 0x1000)
    if interp:
        ph += struct.pack("<IIQQQQQQ", 3, 4, interp_off, BASE + interp_off, BASE + interp_off,
                          len(interp_b), len(interp_b), 1)
    if dynamic:
        ph += struct.pack("<IIQQQQQQ", 2, 6, dyn_off, BASE + dyn_off, BASE + dyn_off, len(dyn), len(dyn), 8)
    out = bytearray(size)
    out[0:64] = hdr
    out[64:64 + len(ph)] = ph
    out[interp_off:interp_off + len(interp_b)] = interp_b
    out[str_off:str_off + len(strtab)] = strtab
    out[dyn_off:dyn_off + len(dyn)] = dyn
    return bytes(out)


def elf32_lib():
    """An i386 shared object: the wrong class and machine for an amd64 program."""
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + b"\0" * 8
    return ident + struct.pack("<HHIIIIIHHHHHH", 3, 3, 1, 0, 0, 0, 0, 52, 32, 0, 0, 0, 0)


def merged_usr():
    """debian:bookworm's layout: /lib and /lib64 link into /usr, the loader and libc in place."""
    return {
        "lib": ("link", "usr/lib"),
        "lib64": ("link", "usr/lib64"),
        "usr/lib64/ld-linux-x86-64.so.2": ("link", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
        "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": ("file", elf64(etype=3, dynamic=False)),
        "usr/lib/x86_64-linux-gnu/libc.so.6": ("file", elf64(needed=["ld-linux-x86-64.so.2"])),
    }


def app(*needed, **kw):
    return ("file", elf64(needed=["libc.so.6"] + list(needed), interp=INTERP, etype=2, **kw))


def run_case(files, env=None, base=None):
    with tempfile.TemporaryDirectory() as tmp:
        tar_path = os.path.join(tmp, "image.tar")
        with tarfile.open(tar_path, "w") as tar:
            for name, (kind, payload) in sorted(files.items()):
                info = tarfile.TarInfo(name)
                if kind == "link":
                    info.type, info.linkname = tarfile.SYMTYPE, payload
                    tar.addfile(info)
                else:
                    data = payload if isinstance(payload, bytes) else payload.encode()
                    info.size, info.mode = len(data), 0o755
                    tar.addfile(info, io.BytesIO(data))
        inspect = os.path.join(tmp, "inspect.json")
        with open(inspect, "w") as f:
            json.dump([{"Architecture": "amd64", "Config": {"Env": env or []}}], f)
        args = [tar_path, inspect]
        if base is not None:
            with open(os.path.join(tmp, "base.list"), "w") as f:
                f.write("".join(p + "\n" for p in base))
            args += ["--base", os.path.join(tmp, "base.list")]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = elfcheck.main(args)
        return rc, out.getvalue().strip()


PASS = FAIL = 0


def case(name, files, want_rc, want_text=(), env=None, base=None, unwanted=()):
    global PASS, FAIL
    rc, out = run_case(files, env, base)
    bad = [] if rc == want_rc else ["exit %d, wanted %d" % (rc, want_rc)]
    bad += ["no %r" % t for t in want_text if t not in out]
    bad += ["unexpected %r" % t for t in unwanted if t in out]
    if bad:
        FAIL += 1
        print("not ok - %s : %s; output: %s" % (name, "; ".join(bad), out))
    else:
        PASS += 1
        print("ok - %s" % name)


def main():
    lib = elf64(needed=["libc.so.6"])
    img = merged_usr()
    case("every library resolves through merged-/usr links", dict(img, **{
        "usr/bin/app": app("libfoo.so.1"),
        "usr/lib/x86_64-linux-gnu/libfoo.so.1": ("link", "libfoo.so.1.2.3"),
        "usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3": ("file", lib)}),
        0, ["every needed library resolves"])
    case("a missing library is named with who needs it", dict(img, **{
        "usr/bin/app": app("libsqlite3.so.0")}),
        1, ["missing: libsqlite3.so.0 (needed by usr/bin/app)"])
    case("a dangling symlink is a missing library", dict(img, **{
        "usr/bin/app": app("libfoo.so.1"),
        "usr/lib/x86_64-linux-gnu/libfoo.so.1": ("link", "libfoo.so.1.2.3")}),
        1, ["libfoo.so.1 (needed by usr/bin/app)"])
    no_loader = {k: v for k, v in img.items() if "ld-linux" not in k}
    case("a missing interpreter is named", dict(no_loader, **{"usr/bin/app": app()}),
         1, [INTERP + " (needed by usr/bin/app)"])
    case("RUNPATH with $ORIGIN", dict(img, **{
        "opt/app/bin/app": app("libbar.so", runpath="$ORIGIN/../lib"),
        "opt/app/lib/libbar.so": ("file", lib)}), 0)
    case("RUNPATH with $ORIGIN, library elsewhere", dict(img, **{
        "opt/app/bin/app": app("libbar.so", runpath="$ORIGIN/../lib"),
        "opt/other/lib/libbar.so": ("file", lib)}), 1, ["libbar.so (needed by opt/app/bin/app)"])
    case("RPATH", dict(img, **{
        "opt/app/bin/app": app("libbar.so", rpath="/opt/app/private"),
        "opt/app/private/libbar.so": ("file", lib)}), 0)
    conf = {"etc/ld.so.conf": ("file", "include /etc/ld.so.conf.d/*.conf\n"),
            "etc/ld.so.conf.d/vendor.conf": ("file", "# a vendor's libraries\n/opt/vendor/lib\n")}
    vendored = {"usr/bin/app": app("libv.so.2"), "opt/vendor/lib/libv.so.2": ("file", lib)}
    case("a folder /etc/ld.so.conf.d names", dict(img, **conf, **vendored), 0)
    case("the same folder without ld.so.conf", dict(img, **vendored), 1, ["libv.so.2"])
    case("LD_LIBRARY_PATH from the image's Env", dict(img, **vendored), 0,
         env=["PATH=/usr/bin", "LD_LIBRARY_PATH=/opt/vendor/lib"])
    case("a library of the wrong class does not count", dict(img, **{
        "usr/bin/app": app("libfoo.so.1"),
        "usr/lib/x86_64-linux-gnu/libfoo.so.1": ("file", elf32_lib())}), 1, ["libfoo.so.1"])
    case("another architecture's object is skipped", dict(img, **{
        "usr/share/testdata/arm64-exec": ("file", elf64(needed=["libnothere.so"], etype=2, machine=183))}),
        0, ["1 objects of another architecture or system skipped"], unwanted=["libnothere"])
    case("the base image's own files are notes", dict(img, **{"usr/bin/base-tool": app("libgone.so.1")}),
         0, ["the base image's own files miss libgone.so.1 (needed by usr/bin/base-tool)"],
         base=["usr/", "usr/bin/", "usr/bin/base-tool"])
    listed = {"var/lib/dpkg/info/iproute2.list": ("file", "/.\n/lib\n/lib/x86_64-linux-gnu/tc\n"
                                                   "/lib/x86_64-linux-gnu/tc/q_atm.so\n")}
    plugin = {"usr/lib/x86_64-linux-gnu/tc/q_atm.so": ("file", elf64(needed=["libc.so.6", "libatm.so.1"]))}
    case("a Debian package's plugin (nothing links it) is a note", dict(img, **listed, **plugin), 0,
         ["plugins of Debian packages (nothing links them) miss libatm.so.1 (needed by "
          "usr/lib/x86_64-linux-gnu/tc/q_atm.so)"])
    case("the same object installed by no package fails", dict(img, **plugin), 1,
         ["missing: libatm.so.1 (needed by usr/lib/x86_64-linux-gnu/tc/q_atm.so)"])
    case("a package's library that a program needs fails", dict(img, **listed, **plugin, **{
        "usr/bin/app": app("q_atm.so", runpath="/usr/lib/x86_64-linux-gnu/tc")}), 1,
        ["missing: libatm.so.1 (needed by usr/lib/x86_64-linux-gnu/tc/q_atm.so)"])
    jre = {"var/lib/dpkg/info/jre.list": ("file", "/usr/lib/jvm/lib/libjava.so\n/usr/lib/jvm/lib/server/libjvm.so\n"
                                                 "/usr/lib/jvm/lib/libnio.so\n"),
           "usr/lib/jvm/lib/server/libjvm.so": ("file", elf64(needed=["libc.so.6"], soname="libjvm.so")),
           "usr/lib/jvm/lib/libjava.so": ("file", elf64(needed=["libc.so.6", "libjvm.so"], soname="libjava.so")),
           "usr/lib/jvm/lib/libnio.so": ("file", elf64(needed=["libc.so.6", "libjava.so"], runpath="$ORIGIN"))}
    case("a package's library whose dependency is loaded by path first (the JVM)", dict(img, **jre), 0,
         ["outside the search path (loaded by path first) libjvm.so (needed by usr/lib/jvm/lib/libjava.so)"])
    app_copy = {"opt/app/lib/libuses.so": ("file", elf64(needed=["libc.so.6", "libjvm.so"]))}
    case("the app's own object needing it fails", dict(img, **jre, **app_copy), 1,
         ["missing: libjvm.so (needed by opt/app/lib/libuses.so)"])
    case("a static binary needs nothing", {"app": ("file", elf64(etype=2, dynamic=False)),
                                             "etc/ssl/certs/ca-certificates.crt": ("file", "x\n")},
         0, ["1 ELF files (0 dynamically linked)"])
    print("elfcheck-test: %d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
