"""Read one document from a file, stdin or bytes: plain text, Markdown, HTML, PDF, DOCX or RTF.

`Document.text` is the extracted text every span refers to: paragraphs are separated by a
blank line, Markdown markup is stripped, and HTML is reduced to its main text by trafilatura
with the page's title and byline kept as their own leading paragraphs.
"""

from __future__ import annotations

import re
import sys
import zlib
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import charset_normalizer

from redline.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    TooLargeError,
)
from redline.ingest.limits import DEFAULT_MAX_BYTES
from redline.ingest.names import REPLACEMENT, display_name, log
from redline.ingest.office import office_kind, office_text
from redline.ingest.web import fetch, is_url
from redline.models import Document
from redline.text.normalize import normalize

Format = Literal["text", "markdown", "html"]

STDIN_ID = "<stdin>"

_SUFFIXES: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
GZIP_MAGIC = b"\x1f\x8b"
_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Control bytes that never occur in text (tab, newlines, form feed and escape are allowed).
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B} | {0x7F}
_CONTROL_RATIO = 0.05
_SNIFF_BYTES = 64 * 1024
# On ties charset-normalizer's first guess is often a Central European code page; Western
# text is far more common in news, so these win among equally clean candidates.
_PREFERRED = ("utf_8", "cp1252", "latin_1", "iso8859_15")

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b",
    re.IGNORECASE | re.DOTALL,
)
# A fragment is HTML when it uses two different common tags, or closes a block tag it opened.
# <body> is left out: SGML and XML records have it too (Reuters-21578 wraps text in <BODY>).
_HTML_TAG = re.compile(
    r"<(p|div|br|span|a|article|section|h[1-6]|li|ul|ol|em|strong|b|i|table)(?:\s[^>]*)?/?>",
    re.IGNORECASE,
)
_HTML_TAGS_NEEDED = 2
_HTML_BLOCK = re.compile(
    r"<(p|div|article|section|h[1-6]|li|table)(?:\s[^>]*)?>[^<]*</\1>", re.IGNORECASE
)
_HTML_ROOT = re.compile(r"<(?:html|body)\b", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_MD_SNIFF = re.compile(r"^#{1,6}\s+\S|\[[^\]\n]+\]\([^)\s]+\)|^```|^\*\*[^*\n]+\*\*", re.MULTILINE)


def read_document(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> Document:
    """Read a text, Markdown or HTML file (or stdin for "-") into a Document.

    Args:
        path: the file; ".gz" variants are decompressed; "-" reads standard input; an
            http(s) URL is fetched (bounded by `max_bytes`, with a timeout).
        max_bytes: refuse inputs larger than this (after decompression).
        encoding: the codec to decode with; detected when None.

    Returns:
        The document, its id the path as given ("<stdin>" for "-").

    Raises:
        InputError: missing path or a directory; its subclasses for binary, empty,
            undecodable or too large input.
    """
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        _check_size(STDIN_ID, len(data), max_bytes)
        return document_from_bytes(STDIN_ID, data, max_bytes=max_bytes, encoding=encoding)

    if isinstance(path, str) and is_url(path):
        data, headers = fetch(path, max_bytes=max_bytes)
        kind = headers.get_content_type()
        fmt: Format | None = (
            "html" if kind in ("text/html", "application/xhtml+xml") else format_from_name(path)
        )
        doc = document_from_bytes(
            path,
            data,
            fmt=fmt,
            max_bytes=max_bytes,
            encoding=encoding or headers.get_content_charset(),
        )
        return doc if doc.url else replace(doc, url=path)
    p = Path(path)
    name = display_name(str(path))
    if not p.exists():
        raise InputError(name, "no such file; check the path")
    if p.is_dir():
        raise InputError(name, "is a directory, not a file; pass a file (or use `redline find`)")
    try:
        _check_size(name, p.stat().st_size, max_bytes)
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError as exc:
        raise InputError(name, "permission denied") from exc
    _check_size(name, len(data), max_bytes)
    return document_from_bytes(
        name, data, fmt=format_from_name(p.name), max_bytes=max_bytes, encoding=encoding
    )


def document_from_bytes(
    doc_id: str,
    data: bytes,
    *,
    fmt: Format | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> Document:
    """Decode and extract one document from raw bytes (gzip allowed).

    Args:
        doc_id: the id of the document, also named in error messages.
        data: the raw bytes.
        fmt: "text", "markdown" or "html"; sniffed from the content when None.
        max_bytes: refuse inputs larger than this (after decompression).
        encoding: the codec to decode with; detected when None.

    Raises:
        BinaryInputError, EmptyInputError, EncodingError, TooLargeError.
    """
    _check_size(doc_id, len(data), max_bytes)
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(doc_id, data, max_bytes)
    if not data:
        raise EmptyInputError(doc_id, "the file is empty")
    office = office_kind(data)
    if office is not None:
        text, title = office_text(doc_id, data, office)
        return Document(id=doc_id, text=_clean_text(text), title=title)
    raw = _decode(doc_id, data, encoding)
    if fmt is None:
        fmt = _sniff(raw)
    if fmt == "html":
        doc = _from_html(doc_id, raw)
    else:
        text = _clean_text(raw)
        title = None
        byline = None
        if fmt == "markdown":
            text, title = _markdown_to_text(text)
            byline = _leading_byline(text)
        doc = Document(id=doc_id, text=text, title=title, byline=byline)
    if not doc.text.strip():
        raise EmptyInputError(doc_id, "holds only whitespace, no text")
    return doc


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise TooLargeError(
            name,
            f"larger than the limit of {max_bytes:,} bytes; pass --max-bytes to raise it",
        )


def format_from_name(name: str) -> Format | None:
    """The document format a file name promises (`.gz` looked through), if any."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    return _SUFFIXES.get(Path(lowered).suffix)


def _gunzip(name: str, data: bytes, max_bytes: int) -> bytes:
    """Decompress every gzip member, stopping as soon as the output passes the size limit."""
    out = bytearray()
    rest = data
    # A member at a time, each told how much room is left: a small file that inflates to
    # gigabytes (a gzip bomb) is refused after max_bytes, never held in memory.
    while rest.strip(b"\x00"):
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += member.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise BinaryInputError(name, f"corrupt gzip data ({exc})") from exc
        _check_size(name, len(out), max_bytes)
        if not member.eof:
            raise BinaryInputError(name, "truncated gzip data")
        rest = member.unused_data
    return bytes(out)


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL)
    return controls > _CONTROL_RATIO * len(sample)


def _decode(name: str, data: bytes, encoding: str | None) -> str:
    """Decode with the given codec, a BOM, UTF-8, a declared charset, or a detected one."""
    if encoding is not None:
        try:
            return data.decode(encoding)
        except LookupError as exc:
            raise EncodingError(
                name, f"unknown encoding {encoding!r}; pass a codec name such as utf-8 or cp1252"
            ) from exc
        except UnicodeDecodeError as exc:
            raise EncodingError(
                name,
                f"not valid {encoding} at byte {exc.start}; pass the right --encoding",
                position=exc.start,
            ) from exc
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    name, f"starts with a {codec} byte-order mark but is not valid {codec}"
                ) from exc
    wide = _utf16_without_bom(data)
    if wide is not None:
        return wide
    if _looks_binary(data):
        raise BinaryInputError(name, "binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(name, data)
    if mostly is not None:
        return mostly
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall through to detection
    detected = _detect(data)
    if detected is None:
        raise EncodingError(name, "not UTF-8 and no charset could be detected; pass --encoding")
    return detected


def _mostly_utf8(name: str, data: bytes) -> str | None:
    """UTF-8 with a few stray bytes, decoded with U+FFFD for them (and a warning), or None.

    Mostly UTF-8: at least as many valid multi-byte characters as invalid bytes. Text in a
    legacy code page has no valid multi-byte UTF-8 sequence at all: of the 392 files in
    /work/shared/data that are not valid UTF-8 (meter_pa_newspapers, reuters21578 and others,
    cp1252 or Latin-1), none has one, so every one still goes to charset detection. Guessing
    a code page for mostly-UTF-8 text turns every "—" into "ŌĆö" and shows false rewordings.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count(REPLACEMENT) - data.decode("utf-8", "ignore").count(REPLACEMENT)
    good = sum(1 for c in text if c > "\x7f") - text.count(REPLACEMENT)
    if bad == 0 or good < bad:
        return None
    log.warning(
        "%s: not valid UTF-8: %d stray byte sequence%s replaced with U+FFFD (the rest is UTF-8)",
        name,
        bad,
        "" if bad == 1 else "s",
    )
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: mostly-ASCII text has NULs every other byte."""
    sample = data[: _SNIFF_BYTES - _SNIFF_BYTES % 2]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for codec, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros > 0.6 * half and others < 0.05 * half:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            # Arrays of small 16-bit numbers have the same NUL pattern; text has few controls.
            controls = sum(1 for ch in text[:_SNIFF_BYTES] if ord(ch) in _CONTROL)
            return text if controls <= _CONTROL_RATIO * min(len(text), _SNIFF_BYTES) else None
    return None


def _detect(data: bytes) -> str | None:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    clean = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence]
    for codec in _PREFERRED:
        for match in clean:
            if match.encoding == codec:
                return str(match)
    return str(best)


def _sniff(text: str) -> Format:
    head = text[:_SNIFF_BYTES]
    if _HTML_START.search(head):
        return "html"
    tags = {m.group(1).lower() for m in _HTML_TAG.finditer(head)}
    if len(tags) >= _HTML_TAGS_NEEDED or _HTML_BLOCK.search(head):
        return "html"
    if _MD_SNIFF.search(head):
        return "markdown"
    return "text"


def _clean_text(text: str) -> str:
    """Unify line endings and drop a stray BOM; every other character is kept as written."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


# --- HTML --------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
# "By Jane Roe", "Written by Jane Roe, 4 May", "By Jane Roe · The Courier": one short line.
_BYLINE = re.compile(r"(?:(?:Written|Words|Story|Text|Reporting) [Bb]y|By)\s+[A-Z][^\n]{1,150}$")


def _from_html(name: str, html: str) -> Document:
    result = _extract(html, favor_recall=False)
    blocks = _blocks(result.body) if result is not None and result.body is not None else []
    if not blocks:
        # Short pages fall under trafilatura's precision thresholds; recall mode keeps them.
        result = _extract(html, favor_recall=True)
        blocks = _blocks(result.body) if result is not None and result.body is not None else []
    if not blocks:
        raise EmptyInputError(name, "no main text found in the HTML page")
    meta_title = _one_line(result.title) if result is not None and result.title else None
    author = _one_line(result.author) if result is not None and result.author else None
    title = None
    if meta_title:
        first = normalize(blocks[0]).casefold()
        wanted = normalize(meta_title).casefold()
        if first == wanted or (first and wanted.startswith(first)):
            title = blocks[0]  # the headline is already the first paragraph
        else:
            title = meta_title
            blocks.insert(0, meta_title)
    byline = None
    if author:
        names = [n.strip() for n in author.split(";") if n.strip()]
        byline = _existing_byline(blocks[:4], names)
        if byline is None:
            byline = _page_byline(html, names[0]) or "By " + " and ".join(names)
            blocks.insert(1 if title else 0, byline)
    date = result.date if result is not None else None
    url = result.url if result is not None else None
    return Document(
        id=name, text="\n\n".join(blocks), title=title, url=url, date=date, byline=byline
    )


@cache
def _trafilatura_config(*, short_pages: bool) -> Any:
    from trafilatura.settings import use_config  # noqa: PLC0415

    config = use_config()
    # Our own size limit applies; trafilatura's (20,000,000 bytes) would drop pages silently.
    config.set("DEFAULT", "MAX_FILE_SIZE", str(1 << 40))
    config.set("DEFAULT", "MIN_FILE_SIZE", "1")
    if short_pages:
        config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def _extract(html: str, *, favor_recall: bool) -> Any:
    """Trafilatura's main text and metadata, or None when it finds nothing."""
    # Imported here: trafilatura pulls in lxml and more, which plain-text reads do not need.
    import trafilatura  # noqa: PLC0415

    if not _HTML_ROOT.search(html[:_SNIFF_BYTES]):
        html = f"<html><body>{html}</body></html>"  # fragments are otherwise parsed as empty
    return trafilatura.bare_extraction(
        html,
        config=_trafilatura_config(short_pages=favor_recall),
        include_comments=False,
        with_metadata=True,
        favor_recall=favor_recall,
        # Extensive date search reads "Copyright 2024" footers as publication dates.
        date_extraction_params={"extensive_search": False},
    )


def _leading_byline(text: str) -> str | None:
    """A "By ..." line among the first three paragraphs, as Markdown articles put it."""
    for block in text.split("\n\n", 3)[:3]:
        if _BYLINE.match(block):
            return block
    return None


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _existing_byline(blocks: list[str], names: list[str]) -> str | None:
    for block in blocks:
        folded = normalize(block).casefold()
        if folded.startswith("by ") and all(normalize(n).casefold() in folded for n in names):
            return block
    return None


# Elements a byline sits in; checking only these keeps the search linear in the page size.
_BYLINE_TAGS = frozenset(
    {"p", "div", "span", "address", "li", "small", "strong", "em", "b", "i", "td", "h4", "h5", "h6"}
)


def _page_byline(html: str, author: str) -> str | None:
    """The page's own "By ..." line naming `author` (trafilatura drops it from the main text).

    Kept as written ("By Jane Roe, transport correspondent") so that a changed byline reads as
    a reworded byline rather than as a byline rebuilt from metadata.
    """
    # lxml comes with trafilatura and has no type stubs; only HTML input needs it.
    import lxml.html  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    wanted = normalize(author).casefold()
    for element in tree.iter(*_BYLINE_TAGS):
        if len(element) > 8:
            continue  # a container of many elements is not a byline
        text = _one_line(element.text_content())
        if len(text) <= 200 and _BYLINE.match(text) and wanted in normalize(text).casefold():
            return text
    return None


def _blocks(body: Any) -> list[str]:
    """Paragraph texts from trafilatura's XML body: headings, paragraphs, items, quotes, rows."""
    out: list[str] = []
    for element in body:
        tag = element.tag
        if tag == "list":
            out.extend(t for item in element.iter("item") if (t := _element_text(item)))
        elif tag == "table":
            for row in element.iter("row"):
                cells = [c for cell in row if (c := _element_text(cell))]
                if cells:
                    out.append(" ".join(cells))
        elif (text := _element_text(element)) is not None:
            out.append(text)
    return out


def _element_text(element: Any) -> str | None:
    # A <lb/> inside a paragraph is a visual break, not a new paragraph: it becomes a space.
    text = _one_line(" ".join(element.itertext()))
    return text or None


# --- Markdown ----------------------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}(?:[-*_=]\s*){3,}$")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    # Images go, alt text and all: like trafilatura on HTML, only the text of the story stays.
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),
)


def _inline(line: str) -> str:
    for pattern, repl in _INLINE:
        line = pattern.sub(repl, line)
    return line.rstrip()


def _markdown_to_text(src: str) -> tuple[str, str | None]:
    """Strip Markdown markup; headings and list items become paragraphs of their own.

    Returns the text and the leading level-one heading (ATX or setext) as the title, if any.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    in_fence = False
    title: str | None = None

    def flush() -> None:
        nonlocal current
        if current:
            blocks.append(current)
        current = []

    for line in src.split("\n"):
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            current.append(line.rstrip())
            continue
        if not line.strip() or _RULE.match(line) or _TABLE_RULE.match(line):
            # A setext "===" under the first line of the text makes it the title.
            if line.strip().startswith("=") and not blocks and len(current) == 1:
                title = current[0]
            # A rule or setext underline ends the block above (which then stands alone).
            flush()
            continue
        row = _TABLE_ROW.match(line)
        if row:
            # Each table row is a paragraph of its cells, as in HTML input.
            flush()
            cells = [c for cell in row.group(1).split("|") if (c := _inline(cell.strip()))]
            if cells:
                blocks.append([" ".join(cells)])
            continue
        if _REF_DEF.match(line):
            continue
        quote = _QUOTE.match(line)
        if quote:
            line = quote.group(1)  # noqa: PLW2901 (a quoted line is read as its content)
            if not line.strip():
                flush()
                continue
        heading = _ATX.match(line)
        if heading:
            flush()
            text = _inline(heading.group(1) or "")
            if text:
                if not blocks and line.lstrip().startswith("# "):
                    title = text
                blocks.append([text])
            continue
        item = _ITEM.match(line)
        if item:
            flush()
            current = [_inline(item.group(1))]
            continue
        text = _inline(line.strip())
        if text.strip():
            current.append(text)
    flush()
    paragraphs = ["\n".join(b) for b in blocks if any(s.strip() for s in b)]
    return "\n\n".join(paragraphs), title
