"""File cases not about one reader: symlink loops, unreadable files, huge lines, deep HTML,
hostile text in every report `redline diff` and `redline find` write."""

from __future__ import annotations

import os
import re
from pathlib import Path

from reliability.common import article, redline, version


def case_symlink_loops(workdir: Path) -> str:
    """A folder holding links to itself and to each other: find and index add terminate."""
    corpus = workdir / "loops"
    (corpus / "inner").mkdir(parents=True)
    (corpus / "story.txt").write_text(article(1))
    (corpus / "inner" / "story-v2.txt").write_text(version(article(1), 3))
    (corpus / "self").symlink_to(".")
    (corpus / "inner" / "up").symlink_to("..")
    (corpus / "a").symlink_to("b")
    (corpus / "b").symlink_to("a")
    find = redline("find", corpus, "-o", workdir / "out", timeout=120)
    assert find.code == 0, f"find: {find.err[-500:]}"
    assert "Traceback" not in find.err
    add = redline("index", "add", corpus, "--db", workdir / "loops.db", timeout=120)
    assert add.code == 0, f"index add: {add.err[-500:]}"
    assert "Traceback" not in add.err
    summary = add.out.strip().splitlines()[-1] if add.out.strip() else add.err.strip()[-200:]
    return f"find and index add ended (exit 0); index add: {summary[:200]!r}"


def case_unreadable_files(workdir: Path) -> str:
    """A chmod 000 file and folder (run as a user they bind; root reads everything)."""
    corpus = workdir / "locked"
    (corpus / "shut").mkdir(parents=True)
    (corpus / "open.txt").write_text(article(2))
    (corpus / "open-v2.txt").write_text(version(article(2), 4))
    (corpus / "closed.txt").write_text(article(3))
    (corpus / "shut" / "inside.txt").write_text(article(4))
    os.chmod(corpus / "closed.txt", 0)  # noqa: PTH101  (the mode is the subject)
    os.chmod(corpus / "shut", 0)  # noqa: PTH101
    try:
        add = redline("index", "add", corpus, "--db", workdir / "locked.db", timeout=120)
    finally:
        os.chmod(corpus / "shut", 0o755)  # noqa: PTH101
        os.chmod(corpus / "closed.txt", 0o644)  # noqa: PTH101
    assert "Traceback" not in add.err, add.err[-800:]
    assert add.code == 0, f"index add stopped on unreadable files: {add.err[-500:]}"
    who = "as root (chmod binds no one)" if os.geteuid() == 0 else "as a normal user"
    last = (add.out.strip().splitlines() or [""])[-1]
    return f"{who}: exit 0, {last[:200]!r}"


def case_50_mb_line(workdir: Path) -> str:
    """One 50 MB line without a stop (a dump), through diff and index add with their limits."""
    line = ("harbour " * (50 * 2**20 // 8)).encode()
    big = workdir / "dump.txt"
    big.write_bytes(line)
    small = workdir / "small.txt"
    small.write_text(article(5))
    diff = redline("diff", small, big, "--format", "json", "-o", workdir / "d.json", timeout=600)
    assert "Traceback" not in diff.err, diff.err[-800:]
    add = redline("index", "add", big, small, "--db", workdir / "big.db", timeout=600)
    assert "Traceback" not in add.err, add.err[-800:]
    assert add.code == 0, f"index add: {add.err[-400:]}"
    said = diff.err.strip().splitlines()[-1][:160] if diff.code else "compared"
    return f"diff exit {diff.code} ({said!r}); index add exit 0: {add.out.strip()[-160:]!r}"


def case_50k_deep_html(workdir: Path) -> str:
    """HTML nested 50,000 elements deep: diff and index add answer without a crash."""
    depth = 50_000
    body = "<div>" * depth + "<p>" + article(6) + "</p>" + "</div>" * depth
    deep = workdir / "deep.html"
    deep.write_text(f"<html><head><title>Deep</title></head><body>{body}</body></html>")
    flat = workdir / "flat.txt"
    flat.write_text(article(6))
    diff = redline("diff", flat, deep, "--format", "json", "-o", workdir / "d.json", timeout=600)
    assert "Traceback" not in diff.err and "RecursionError" not in diff.err, diff.err[-800:]
    add = redline("index", "add", deep, "--db", workdir / "deep.db", timeout=600)
    assert "Traceback" not in add.err and "RecursionError" not in add.err, add.err[-800:]
    # A clean refusal passes (no crash, bounded time); whether the text was extracted is said.
    said = diff.err.strip().splitlines()[-1][:160] if diff.code else "compared"
    added = add.err.strip().splitlines()[0][:160] if add.code else "added"
    return f"no crash; diff exit {diff.code} ({said!r}); index add exit {add.code} ({added!r})"


PAYLOADS = [
    '<script>alert("rl-xss-1")</script>',
    '"><img src=x onerror=alert("rl-xss-2")>',
    "</style><svg/onload=alert('rl-xss-4')>",
    "[link](javascript:alert('rl-md'))",
    "\x1b[31mrl-ansi\x1b[0m \x07",
]


def case_hostile_text_in_reports(workdir: Path) -> str:
    """XSS, Markdown and terminal-escape payloads in texts and names: every report escapes."""
    folder = workdir / "hostile"
    folder.mkdir()
    old = article(8)
    new = version(old, 2) + "\n\n" + "\n\n".join(f"A line that says {p} here." for p in PAYLOADS)
    a = folder / '<img src=x onerror=alert("rl-name")>.txt'
    b = folder / "b.txt"
    a.write_text(old + "\n\n" + PAYLOADS[0])
    b.write_text(new)
    checked = []
    for fmt in ("html", "markdown", "json"):
        out = workdir / f"report.{fmt}"
        done = redline("diff", a, b, "--format", fmt, "-o", out, timeout=120)
        assert done.code == 0, f"diff {fmt}: {done.err[-400:]}"
        text = out.read_text()
        if fmt == "html":
            for raw in ("<script>alert(", "<img src=x", "<svg/onload"):
                assert raw not in text, f"html report carries {raw!r}"
        if fmt == "markdown":
            # Escaped brackets (\\[link\\](...)) are text; a bare ](javascript: is a link.
            assert not re.search(r"(?<!\\)\]\(javascript:", text), "markdown: javascript: link"
        checked.append(fmt)
    term = redline("diff", a, b, timeout=120)
    assert term.code == 0 and "\x1b[31mrl-ansi" not in term.out, "terminal escape passed through"
    checked.append("terminal")
    find = redline("find", folder, "-o", workdir / "site", timeout=300)
    assert find.code == 0, f"find: {find.err[-400:]}"
    pages = list((workdir / "site").rglob("*.html"))
    for page in pages:
        text = page.read_text()
        for raw in ("<script>alert(", "<img src=x", "<svg/onload"):
            assert raw not in text, f"{page.name} carries {raw!r}"
    return (
        f"{len(PAYLOADS)} payloads (and one in a file name): {', '.join(checked)} reports and"
        f" {len(pages)} find report pages escaped"
    )
