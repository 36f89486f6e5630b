#!/usr/bin/env python3
"""elfcheck.py — do the shared libraries of every ELF file in an image resolve inside the image?

Usage: elfcheck.py IMAGE.tar [INSPECT.json] [--base BASE.list]

IMAGE.tar is an image's filesystem as `docker export` writes it (no tool inside the image is used, so
scratch and distroless images are checked like any other).  For every ELF executable or shared object
in it, the check reads the interpreter (PT_INTERP) and the dynamic section (DT_NEEDED, DT_RPATH,
DT_RUNPATH) and looks each needed library up the way glibc's ld.so does: the object's DT_RPATH (when
it has no DT_RUNPATH), LD_LIBRARY_PATH from the image's Env (INSPECT.json, `docker image inspect`
output), its DT_RUNPATH ($ORIGIN is the object's folder), the folders /etc/ld.so.conf names (its
`include` globs followed, as ldconfig does), then /lib, /usr/lib, /lib64, /usr/lib64 and their
x86_64-linux-gnu folders.  Paths are resolved inside the image, symlinks included (absolute targets
from the image's root), and a candidate counts only when it is an ELF object of the same class and
machine as the one that needs it.
With --base BASE.list (a `tar -t` listing of the final stage's base image), unresolved libraries of
files that the base image already had are reported as notes, not failures: they are the base
image's own and no Dockerfile stagec writes can fix them.  So are those of a plugin of a Debian
package: a shared object that a package installed (var/lib/dpkg/info/*.list) and that no ELF file
in the image needs, so that only dlopen() would load it; Debian makes the libraries of such plugins
Recommends (iproute2's tc/q_atm.so needs libatm1), which --no-install-recommends leaves out on
purpose.  A package's object whose library is in the image, outside every search path, is a note
too: its program loads that library by path first and the loader then matches the name to it (the
JVM's libjvm.so, which the JDK's own libraries need).  Everything else fails: programs, the
libraries something needs, and every file no package installed (the app, its venv, node_modules,
/opt/app, what the final stage copied).
Prints one line: what was checked, or the missing libraries (`libsqlite3.so.0 (needed by
opt/app/bin/c-hello)`); exits 1 when a library or interpreter is missing, 2 on a usage error.
Only what the dynamic loader loads at start is covered: dlopen() at run time is not.
Assumes Python 3.8+, nothing outside the standard library.
"""
import fnmatch
import json
import posixpath
import struct
import sys
import tarfile

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_SONAME, DT_RPATH, DT_RUNPATH = 0, 1, 5, 14, 15, 29
ET_EXEC, ET_DYN = 2, 3
DEFAULT_DIRS = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib", "/lib64", "/usr/lib64"]
MAX_LINKS = 40
ARCHES = {"amd64": (2, 62), "arm64": (2, 183), "386": (1, 3)}  # ELF class and e_machine
LINUX_ABIS = (0, 3)  # EI_OSABI: System V, GNU/Linux


def member_path(name):
    """An archive name (`usr/bin/x`, `./usr/bin/x`) as an absolute path."""
    return posixpath.normpath("/" + (name[2:] if name.startswith("./") else name))


class Image:
    """The files of an exported image, looked up by absolute path with symlinks followed."""

    def __init__(self, path):
        self.tar = tarfile.open(path, "r:")
        self.members = {}
        self.dirs = {"/"}  # folders, also those a tar holds no entry for
        for m in self.tar.getmembers():
            path = member_path(m.name)
            self.members[path] = m
            parent = posixpath.dirname(path)
            while parent not in self.dirs:
                self.dirs.add(parent)
                parent = posixpath.dirname(parent)
        self.elf_cache = {}

    def resolve(self, path, depth=0):
        """The member a path names after following every symlink, or None."""
        if depth > MAX_LINKS:
            return None
        parts = [p for p in path.split("/") if p and p != "."]
        cur = "/"
        for i, part in enumerate(parts):
            if part == "..":
                cur = posixpath.dirname(cur) or "/"
                continue
            nxt = posixpath.join(cur, part)
            m = self.members.get(nxt)
            if m is None:
                if nxt not in self.dirs:
                    return None
                cur = nxt
                continue
            if m.issym():
                target = m.linkname if m.linkname.startswith("/") else posixpath.join(cur, m.linkname)
                rest = "/".join(parts[i + 1:])
                return self.resolve(posixpath.join(target, rest) if rest else target, depth + 1)
            if m.islnk():
                target = member_path(m.linkname)
                rest = "/".join(parts[i + 1:])
                return self.resolve(posixpath.join(target, rest) if rest else target, depth + 1)
            cur = nxt
        return self.members.get(cur) if cur != "/" else None

    def canonical(self, path, depth=0):
        """path with every folder symlink on the way resolved (the last component kept)."""
        parent, leaf = posixpath.split(posixpath.normpath(path))
        cur = "/"
        parts = [p for p in parent.split("/") if p and p != "."]
        while parts and depth <= MAX_LINKS:
            part = parts.pop(0)
            nxt = posixpath.normpath(posixpath.join(cur, part))
            m = self.members.get(nxt)
            if m is not None and m.issym():
                target = m.linkname if m.linkname.startswith("/") else posixpath.join(cur, m.linkname)
                parts = [p for p in posixpath.normpath(target).split("/") if p] + parts
                cur = "/"
                depth += 1
                continue
            cur = nxt
        return posixpath.join(cur, leaf)

    def read(self, member, offset, size):
        f = self.tar.extractfile(member)
        if f is None:
            return b""
        f.seek(offset)
        return f.read(size)

    def elf(self, member):
        """The parsed ELF facts of a regular file, or None when it is not an ELF object."""
        if member.name in self.elf_cache:
            return self.elf_cache[member.name]
        info = None
        if member.isreg() and member.size >= 52:
            try:
                info = parse_elf(lambda off, n: self.read(member, off, n))
            except (struct.error, ValueError, IndexError):
                info = None
        self.elf_cache[member.name] = info
        return info

    def regular_files(self):
        for path, m in self.members.items():
            if m.isreg():
                yield path, m


def parse_elf(read):
    ident = read(0, 64)
    if ident[:4] != b"\x7fELF":
        return None
    cls, data = ident[4], ident[5]
    if cls not in (1, 2) or data not in (1, 2):
        return None
    e = "<" if data == 1 else ">"
    if cls == 2:
        e_type, e_machine = struct.unpack_from(e + "HH", ident, 16)
        e_phoff, = struct.unpack_from(e + "Q", ident, 32)
        e_phentsize, e_phnum = struct.unpack_from(e + "HH", ident, 54)
        ph_fmt, dyn_fmt = e + "IIQQQQQQ", e + "qQ"
    else:
        e_type, e_machine = struct.unpack_from(e + "HH", ident, 16)
        e_phoff, = struct.unpack_from(e + "I", ident, 28)
        e_phentsize, e_phnum = struct.unpack_from(e + "HH", ident, 42)
        ph_fmt, dyn_fmt = e + "IIIIIIII", e + "iI"
    info = {"class": cls, "machine": e_machine, "osabi": ident[7], "type": e_type, "interp": None,
            "needed": [], "rpath": [], "runpath": [], "dynamic": False, "soname": None}
    if e_type not in (ET_EXEC, ET_DYN) or e_phnum == 0:
        return info
    phdrs = read(e_phoff, e_phentsize * e_phnum)
    loads, dynamic = [], None
    for i in range(e_phnum):
        raw = phdrs[i * e_phentsize:(i + 1) * e_phentsize]
        if cls == 2:
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, _memsz, _align = struct.unpack_from(ph_fmt, raw)
        else:
            p_type, p_offset, p_vaddr, _paddr, p_filesz, _memsz, _flags, _align = struct.unpack_from(ph_fmt, raw)
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
        elif p_type == PT_INTERP:
            info["interp"] = read(p_offset, p_filesz).split(b"\0")[0].decode("utf-8", "replace")
    if not dynamic:
        return info
    info["dynamic"] = True
    size = struct.calcsize(dyn_fmt)
    raw = read(dynamic[0], dynamic[1])
    entries = []
    for off in range(0, len(raw) - size + 1, size):
        tag, val = struct.unpack_from(dyn_fmt, raw, off)
        if tag == DT_NULL:
            break
        entries.append((tag, val))
    strtab = next((v for t, v in entries if t == DT_STRTAB), None)
    if strtab is None:
        return info
    stroff = None
    for vaddr, offset, filesz in loads:
        if vaddr <= strtab < vaddr + filesz:
            stroff = offset + (strtab - vaddr)
    if stroff is None:
        stroff = strtab  # an object whose string table address is its file offset

    def string(idx):
        out = read(stroff + idx, 4096)
        return out.split(b"\0")[0].decode("utf-8", "replace")

    for tag, val in entries:
        if tag == DT_NEEDED:
            info["needed"].append(string(val))
        elif tag == DT_RPATH:
            info["rpath"] += [p for p in string(val).split(":") if p]
        elif tag == DT_RUNPATH:
            info["runpath"] += [p for p in string(val).split(":") if p]
        elif tag == DT_SONAME:
            info["soname"] = string(val)
    return info


def ld_so_conf(img, path="/etc/ld.so.conf", seen=None):
    """The folders /etc/ld.so.conf names, following `include GLOB` lines."""
    seen = seen if seen is not None else set()
    if path in seen:
        return []
    seen.add(path)
    m = img.resolve(path)
    if m is None or not m.isreg():
        return []
    dirs = []
    for line in img.read(m, 0, m.size).decode("utf-8", "replace").splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("include"):
            pattern = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""
            if not pattern.startswith("/"):
                pattern = posixpath.join(posixpath.dirname(path), pattern)
            for p in sorted(k for k in img.members if fnmatch.fnmatch(k, pattern)):
                dirs += ld_so_conf(img, p, seen)
        elif line.startswith("hwcap"):
            continue
        else:
            dirs.append(line.rstrip("/") or "/")
    return dirs


def expand_origin(entry, origin):
    for token in ("${ORIGIN}", "$ORIGIN"):
        entry = entry.replace(token, origin)
    for token in ("${LIB}", "$LIB"):
        entry = entry.replace(token, "lib/x86_64-linux-gnu")
    for token in ("${PLATFORM}", "$PLATFORM"):
        entry = entry.replace(token, "x86_64")
    return entry


def find_library(img, name, obj, path, env_paths, conf_dirs):
    origin = posixpath.dirname(path)
    if "/" in name:
        candidates = [name if name.startswith("/") else posixpath.join(origin, name)]
    else:
        dirs = []
        if not obj["runpath"]:
            dirs += [expand_origin(d, origin) for d in obj["rpath"]]
        dirs += env_paths
        dirs += [expand_origin(d, origin) for d in obj["runpath"]]
        dirs += conf_dirs + DEFAULT_DIRS
        candidates = [posixpath.join(d, name) for d in dirs]
    for c in candidates:
        m = img.resolve(c)
        if m is None:
            continue
        lib = img.elf(m)
        if lib and lib["class"] == obj["class"] and lib["machine"] == obj["machine"]:
            return member_path(m.name)
    return None


def image_facts(inspect):
    """LD_LIBRARY_PATH's folders and the (class, machine) of the image's architecture."""
    data = {}
    if inspect:
        with open(inspect) as f:
            data = json.load(f)
        if isinstance(data, list):
            data = data[0] if data else {}
    paths = []
    for e in (data.get("Config") or {}).get("Env") or []:
        if e.startswith("LD_LIBRARY_PATH="):
            paths = [p for p in e.split("=", 1)[1].split(":") if p]
    return paths, ARCHES.get(data.get("Architecture") or "amd64", ARCHES["amd64"])


def read_base(listing):
    out = set()
    with open(listing, errors="replace") as f:
        for line in f:
            p = line.rstrip("\n")
            if p and p not in (".", "./"):
                out.add(member_path(p))
    return out


def package_files(img):
    """The paths Debian packages installed (dpkg's file lists), with symlinked folders resolved
    (bookworm's packages list /lib/..., which the image has under /usr/lib)."""
    owned = set()
    for path, m in img.members.items():
        if not (m.isreg() and path.startswith("/var/lib/dpkg/info/") and path.endswith(".list")):
            continue
        for line in img.read(m, 0, m.size).decode("utf-8", "replace").splitlines():
            if line.startswith("/") and line != "/.":
                owned.add(img.canonical(line))
    return owned


def check(tar_path, inspect=None, base=None):
    img = Image(tar_path)
    env_paths, arch = image_facts(inspect)
    conf_dirs = ld_so_conf(img)
    base_paths = read_base(base) if base else set()
    owned = package_files(img)
    needed_paths = set()  # what some object's DT_NEEDED resolved to
    checked = dynamic = foreign = 0
    missing, notes, plugins = {}, {}, {}
    lost_by = []
    sonames = set()  # DT_SONAMEs of the image's objects
    for path, m in sorted(img.regular_files()):
        obj = img.elf(m)
        if not obj or obj["type"] not in (ET_EXEC, ET_DYN):
            continue
        if (obj["class"], obj["machine"]) != arch or obj["osabi"] not in LINUX_ABIS:
            foreign += 1  # another architecture's or system's object (test data): never loaded here
            continue
        checked += 1
        if obj["soname"]:
            sonames.add(obj["soname"])
        lost = []
        if obj["interp"] and img.resolve(obj["interp"]) is None:
            lost.append(obj["interp"])
        if obj["dynamic"]:
            dynamic += 1
            for n in obj["needed"]:
                found = find_library(img, n, obj, path, env_paths, conf_dirs)
                if found:
                    needed_paths.add(found)
                else:
                    lost.append(n)
        if lost:
            lost_by.append((path, obj, lost))
    preloaded = {}
    for path, obj, lost in lost_by:
        for lib in lost:
            if path in base_paths:
                target = notes
            elif path in owned and not obj["interp"] and path not in needed_paths:
                target = plugins
            elif path in owned and lib in sonames:
                target = preloaded
            else:
                target = missing
            target.setdefault(lib, []).append(path.lstrip("/"))

    def describe(table):
        return ", ".join("%s (needed by %s%s)" % (lib, " ".join(users[:3]),
                                                    " and %d more" % (len(users) - 3) if len(users) > 3 else "")
                         for lib, users in sorted(table.items()))

    note = "; %d objects of another architecture or system skipped" % foreign if foreign else ""
    if notes:
        note += "; the base image's own files miss %s" % describe(notes)
    if plugins:
        note += "; plugins of Debian packages (nothing links them) miss %s" % describe(plugins)
    if preloaded:
        note += "; packages' objects need libraries the image has outside the search path (loaded " \
                "by path first) %s" % describe(preloaded)
    if missing:
        print("missing: %s%s" % (describe(missing), note))
        return 1
    print("%d ELF files (%d dynamically linked), every needed library resolves%s" % (checked, dynamic, note))
    return 0


def main(argv):
    args, base = [], None
    it = iter(argv)
    for a in it:
        if a == "--base":
            base = next(it, None)
        else:
            args.append(a)
    if not args or len(args) > 2 or (base is None and "--base" in argv):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return check(args[0], args[1] if len(args) > 1 else None, base)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
