#!/usr/bin/env python3
"""md2scd.py - the man page stagec-spec(5) from specs/schema.md, so that the
spec format is written once: converts the subset of Markdown that file uses
to scdoc (scdoc(5)), which meson then turns into roff.

  md2scd.py IN.md OUT.scd NAME(SECTION) "SUMMARY"

The subset: "#" (the title, replaced by NAME and SUMMARY), "##" and "###"
headings (scdoc sections and subsections), paragraphs, "-" and "1." lists
(continuation lines joined; nesting flattened), pipe tables (a bordered
table, the last column expanding), fenced code (a literal block), and
inline `code` (bold), **strong** (bold) and [links](target) (the text, and
an absolute URL after it).  Anything else is text, with scdoc's special
characters escaped.  An unclosed fence or a table row whose cells do not
match its header is an error, not a silently wrong page.
"""
import re
import sys

LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


def escape(text):
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def strong(text):
    parts = text.split("**")
    if len(parts) % 2 == 0:  # an odd number of **: take them literally
        return escape(text)
    return "".join(escape(p) if i % 2 == 0 else "*" + escape(p) + "*" for i, p in enumerate(parts))


def inline(text):
    """A line's inline markup: [links](target) first (their text may hold
    code), then `code` in bold and **strong** in bold, the rest escaped."""
    pieces = []
    pos = 0
    for m in LINK.finditer(text):
        pieces.append(inline_nolink(text[pos:m.start()]))
        pieces.append(inline_nolink(m.group(1)))
        if re.match(r"https?://", m.group(2)):
            pieces.append(" (" + escape(m.group(2)) + ")")
        pos = m.end()
    pieces.append(inline_nolink(text[pos:]))
    return "".join(pieces)


def inline_nolink(text):
    out = []
    for part in re.split(r"(`[^`]*`)", text):
        if len(part) >= 2 and part.startswith("`") and part.endswith("`"):
            out.append("*" + escape(part[1:-1]) + "*" if part[1:-1] else "")
        else:
            out.append(strong(part))
    return "".join(out)


def cells(line):
    """A table row's cells; a | inside a code span does not split."""
    row, cur, code = [], "", False
    for ch in line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]:
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            row.append(cur.strip())
            cur = ""
        else:
            cur += ch
    row.append(cur.strip())
    return row


def convert(lines, src):
    out = []
    i = 0
    para = []

    def flush():
        if para:
            out.append(inline(" ".join(para)))
            out.append("")
            para.clear()

    while i < len(lines):
        line = lines[i]
        where = "%s:%d" % (src, i + 1)
        if line.startswith("```"):
            flush()
            end = i + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            if end == len(lines):
                sys.exit("md2scd.py: %s: a code block that is not closed" % where)
            out.append("```")
            out.extend(lines[i + 1:end])
            out.append("```")
            out.append("")
            i = end + 1
            continue
        if line.startswith("<!--") and line.rstrip().endswith("-->"):
            i += 1  # a comment (the docs' test markers)
            continue
        if line.startswith("# "):
            flush()  # the title: the NAME section stands for it
            i += 1
            continue
        m = re.match(r"(#{2,3}) (.*)", line)
        if m:
            flush()
            out.append("#" * (len(m.group(1)) - 1) + " " + m.group(2).replace("`", ""))  # literal in scdoc
            out.append("")
            i += 1
            continue
        if line.startswith("|"):
            flush()
            head = cells(line)
            if i + 1 >= len(lines) or not re.match(r"\|[-:| ]+\|?\s*$", lines[i + 1]):
                sys.exit("md2scd.py: %s: a table without its |---| line" % where)
            rows = [head]
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                row = cells(lines[i])
                if len(row) != len(head):
                    sys.exit("md2scd.py: %s:%d: %d cells, the header has %d" % (src, i + 1, len(row), len(head)))
                rows.append(row)
                i += 1
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    text = inline(cell) or " "
                    if r == 0:
                        text = "*" + text + "*" if not text.startswith("*") else text
                        lead = ("[" if c == 0 else ":") + ("<" if c == len(row) - 1 else "[")
                    else:
                        lead = ("|" if c == 0 else ":") + " "
                    out.append(lead + " " + text)
            out.append("")
            continue
        m = re.match(r"\s*(-|\d+\.) (.*)", line)
        if m:
            flush()
            item = [m.group(2)]
            i += 1
            while i < len(lines) and lines[i].startswith("  ") and not re.match(r"\s*(-|\d+\.) ", lines[i]):
                item.append(lines[i].strip())
                i += 1
            out.append(("- " if m.group(1) == "-" else ". ") + inline(" ".join(item)))
            if i >= len(lines) or not re.match(r"\s*(-|\d+\.) ", lines[i]):
                out.append("")
            continue
        if not line.strip():
            flush()
            i += 1
            continue
        para.append(line.strip())
        i += 1
    flush()
    while out and not out[-1]:
        out.pop()
    return out


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: md2scd.py IN.md OUT.scd NAME(SECTION) SUMMARY")
    src, dst, title, summary = sys.argv[1:]
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    name = title.split("(")[0]
    body = convert(lines, src)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("%s\n\n# NAME\n\n%s - %s\n\n# DESCRIPTION\n\n" % (title, name, escape(summary)))
        f.write("\n".join(body) + "\n")


if __name__ == "__main__":
    main()
