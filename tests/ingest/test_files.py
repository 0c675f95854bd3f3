"""Reading one document from a file: formats, encodings and bad input."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    TooLargeError,
)
from redline.ingest.files import document_from_bytes, read_document

PAGE = """<!doctype html>
<html><head>
<title>Ferry fares to rise in spring | The Lakeside Courier</title>
<meta name="author" content="Mirela Okonjo">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Ferry fares to rise in spring</h1>
<p>Fares on the Lakeside ferry will rise by 12% from April 1, the operator said on Monday.
The company blamed fuel costs and a new <br>maintenance contract.</p>
<h2>Commuters react</h2>
<p>Regular passengers said the increase would cost them about $9 a week. Some plan to cycle.</p>
<ul><li>Adult single: $4.50</li><li>Child single: $2.25</li></ul>
</article>
<footer>Copyright 2026 The Lakeside Courier. Subscribe to our newsletter.</footer>
</body></html>
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_plain_text_is_kept_as_written(tmp_path: Path) -> None:
    text = "First line of a story.\r\nSecond line.\r\n\r\nA new paragraph, with “curly” quotes."
    doc = read_document(write(tmp_path, "story.txt", text.encode()))
    assert doc.text == text.replace("\r\n", "\n")
    assert doc.id.endswith("story.txt")
    assert doc.title is None


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "bom.txt", b"\xef\xbb\xbfCaf\xc3\xa9 opens."))
    assert doc.text == "Café opens."


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "wide.txt", "Grüße aus Lübeck.".encode("utf-16")))
    assert doc.text == "Grüße aus Lübeck."


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_not_mistaken_for_binary(tmp_path: Path, codec: str) -> None:
    text = "Ferry fares rise by 12% — the operator said so on Monday."
    doc = read_document(write(tmp_path, "wide.txt", text.encode(codec)))
    assert doc.text == text


def test_latin1_text_is_detected_as_western(tmp_path: Path) -> None:
    data = "Le café de la gare rouvre. Très bien, dit la maire. Naïve façade.".encode("latin-1")
    doc = read_document(write(tmp_path, "old.txt", data))
    assert "café" in doc.text
    assert "Très" in doc.text
    assert "Naïve façade" in doc.text


def test_explicit_encoding_wins(tmp_path: Path) -> None:
    data = "Привет, мир. Это новость.".encode("cp1251")
    doc = read_document(write(tmp_path, "ru.txt", data), encoding="cp1251")
    assert doc.text == "Привет, мир. Это новость."


def test_html_main_text_with_title_and_byline_as_leading_paragraphs(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "page.html", PAGE.encode()))
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == "Ferry fares to rise in spring"
    assert paragraphs[1] == "By Mirela Okonjo"
    assert doc.title == "Ferry fares to rise in spring"
    assert doc.byline == "By Mirela Okonjo"
    # Headings survive as their own paragraphs; a <br> inside a paragraph does not split it.
    assert "Commuters react" in paragraphs
    assert any(p.endswith("a new maintenance contract.") for p in paragraphs)
    assert "Adult single: $4.50" in paragraphs
    # Navigation and footer are not main text.
    assert "Sport" not in doc.text
    assert "Subscribe" not in doc.text


def test_html_byline_already_in_text_is_not_repeated() -> None:
    page = PAGE.replace(
        "<h1>Ferry fares to rise in spring</h1>",
        "<h1>Ferry fares to rise in spring</h1><p>By Mirela Okonjo and staff</p>",
    )
    doc = document_from_bytes("page", page.encode(), fmt="html")
    assert doc.text.count("Mirela Okonjo") == 1
    assert doc.text.startswith("Ferry fares to rise in spring\n\nBy Mirela Okonjo and staff\n\n")
    assert doc.byline == "By Mirela Okonjo and staff"


def test_html_byline_is_kept_as_the_page_wrote_it() -> None:
    page = PAGE.replace(
        "<h1>Ferry fares to rise in spring</h1>",
        "<h1>Ferry fares to rise in spring</h1>"
        '<p class="byline">By <a href="/a/mo">Mirela Okonjo</a>, transport reporter</p>',
    )
    doc = document_from_bytes("page", page.encode(), fmt="html")
    assert doc.byline == "By Mirela Okonjo, transport reporter"
    assert doc.text.split("\n\n")[1] == "By Mirela Okonjo, transport reporter"
    assert doc.text.count("Mirela Okonjo") == 1


def test_html_title_from_metadata_when_the_page_has_no_headline() -> None:
    page = PAGE.replace("<h1>Ferry fares to rise in spring</h1>", "")
    doc = document_from_bytes("page", page.encode(), fmt="html")
    assert doc.text.startswith("Ferry fares to rise in spring\n\nBy Mirela Okonjo\n\nFares on")
    assert doc.title == "Ferry fares to rise in spring"


def test_html_fragment_and_short_page_still_give_text() -> None:
    assert document_from_bytes("f", b"<p>Only one short line.</p>").text == "Only one short line."


def test_html_entities_are_text_not_markup() -> None:
    page = (
        b"<html><head><title>A &lt;b&gt; title</title></head>"
        b"<body><p>5 &lt; 6 &amp; 7.</p></body></html>"
    )
    doc = document_from_bytes("p", page)
    assert doc.title == "A <b> title"
    assert doc.text.endswith("5 < 6 & 7.")


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head>'
        "<body><p>Déjà vu — “twice”.</p></body></html>"
    )
    doc = read_document(write(tmp_path, "old.htm", page.encode("cp1252")))
    assert doc.text == "Déjà vu — “twice”."


def test_markdown_markup_is_stripped(tmp_path: Path) -> None:
    md = (
        "# Library wins **award**\n\n"
        "*By Ola Brandt · Northfield Daily*\n\n"
        "![Readers in the new wing](/img/wing.jpg)\n"
        "*Readers in the new wing.*\n\n"
        "The [Northfield library](https://example.org/lib) won a *national* prize.\n"
        "Staff were `delighted`.\n\n"
        "## Reaction\n"
        "- Readers cheered\n"
        "- The mayor spoke\n\n"
        "> It is a proud day.\n"
    )
    doc = read_document(write(tmp_path, "story.md", md.encode()))
    assert doc.title == "Library wins award"
    assert doc.byline == "By Ola Brandt · Northfield Daily"
    # Images go entirely (alt text is not story text); their captions stay.
    assert doc.text.split("\n\n") == [
        "Library wins award",
        "By Ola Brandt · Northfield Daily",
        "Readers in the new wing.",
        "The Northfield library won a national prize.\nStaff were delighted.",
        "Reaction",
        "Readers cheered",
        "The mayor spoke",
        "It is a proud day.",
    ]


def test_markdown_setext_title_and_tables() -> None:
    md = (
        "Harbour bridge reopens\n"
        "======================\n\n"
        "Traffic is back.\n\n"
        "| Route | Minutes |\n"
        "|:------|--------:|\n"
        "| Ring road | 35 |\n"
    )
    doc = document_from_bytes("story.md", md.encode(), fmt="markdown")
    assert doc.title == "Harbour bridge reopens"
    assert doc.text.split("\n\n") == [
        "Harbour bridge reopens",
        "Traffic is back.",
        "Route Minutes",
        "Ring road 35",
    ]


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"<!DOCTYPE html><html><body><p>Hello there, reader.</p></body></html>", "html"),
        (b"# A heading\n\nSome text with a [link](http://example.org).", "markdown"),
        (b"Just words. Nothing else * here # at all.", "text"),
        (b'<REUTERS NEWID="1">\n<TITLE>A wire item</TITLE>\n<BODY>Words. More.</BODY>', "text"),
        (b"<p>A fragment</p><p>with <em>two</em> tags.</p>", "html"),
    ],
)
def test_format_is_sniffed_without_a_suffix(tmp_path: Path, data: bytes, fmt: str) -> None:
    doc = read_document(write(tmp_path, "noext", data))
    if fmt == "html" and data.startswith(b"<p>"):
        assert doc.text == "A fragment\n\nwith two tags."
    elif fmt == "html":
        assert doc.text == "Hello there, reader."
    elif fmt == "markdown":
        assert doc.text == "A heading\n\nSome text with a link."
    else:
        assert doc.text == data.decode()


def test_gzip_files_are_decompressed(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "page.html.gz", gzip.compress(PAGE.encode())))
    assert doc.title == "Ferry fares to rise in spring"


def test_stdin_is_read_for_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b"From a pipe."))
    monkeypatch.setattr(sys, "stdin", fake)
    doc = read_document("-")
    assert doc.text == "From a pipe."
    assert doc.id == "<stdin>"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_document(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20 + b"some text",
        bytes([1, 0, 2, 0, 3, 0, 4, 0, 5, 0]) * 50,  # 16-bit integers, NULs like UTF-16
    ],
)
def test_binary(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(BinaryInputError, match=r"image\.txt: binary data"):
        read_document(write(tmp_path, "image.txt", data))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("blank.txt", b""),
        ("blank.txt", b"  \n\t\n  "),
        ("blank.md", b"\n---\n\n"),
        ("blank.html", b"<html><body><nav></nav></body></html>"),
    ],
)
def test_empty(tmp_path: Path, name: str, data: bytes) -> None:
    with pytest.raises(EmptyInputError, match=name.replace(".", r"\.")):
        read_document(write(tmp_path, name, data))


def test_undecodable_bytes_say_pass_encoding(tmp_path: Path) -> None:
    with pytest.raises(EncodingError, match=r"garbled\.txt: .*pass --encoding"):
        read_document(write(tmp_path, "garbled.txt", bytes(range(128, 256)) * 3))


def test_wrong_explicit_encoding_is_reported(tmp_path: Path) -> None:
    with pytest.raises(EncodingError, match=r"not valid utf-8 at byte 3"):
        read_document(write(tmp_path, "x.txt", b"abc\xff"), encoding="utf-8")
    with pytest.raises(EncodingError, match="unknown encoding"):
        read_document(write(tmp_path, "y.txt", b"abc"), encoding="no-such-codec")


def test_over_max_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"word " * 100)
    with pytest.raises(TooLargeError, match=r"big\.txt: .*limit of 100 bytes.*--max-bytes"):
        read_document(path, max_bytes=100)
    assert read_document(path, max_bytes=500).text.startswith("word word")


def test_gzip_bomb_is_stopped_at_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.txt.gz", gzip.compress(b"a" * 1_000_000))
    with pytest.raises(TooLargeError):
        read_document(path, max_bytes=10_000)
    # The same in a second member, behind a harmless first one.
    two = gzip.compress(b"small. ") + gzip.compress(b"a" * 1_000_000)
    with pytest.raises(TooLargeError):
        read_document(write(tmp_path, "two.txt.gz", two), max_bytes=10_000)


def test_gzip_members_are_all_read_and_corrupt_data_is_refused(tmp_path: Path) -> None:
    two = gzip.compress(b"First part. ") + gzip.compress(b"Second part.")
    assert read_document(write(tmp_path, "two.txt.gz", two)).text == "First part. Second part."
    with pytest.raises(BinaryInputError, match="gzip"):
        read_document(write(tmp_path, "cut.txt.gz", gzip.compress(b"x" * 5000)[:30]))


WORDS = ["Fähre", "fares", "rise", "12%", "“quoted”", "naïve", "Zürich", "—", "déjà", "Ødegaard"]


@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
    st.booleans(),
)
def test_the_same_text_however_it_is_stored(words: list[str], codec: str, zipped: bool) -> None:
    text = " ".join(words)
    data = text.encode(codec)
    if zipped:
        data = gzip.compress(data)
    assert document_from_bytes("x", data, fmt="text").text == text


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("Written by Ola Brandt, 4 May", "Written by Ola Brandt, 4 May"),
        ("By Ola Brandt | Farm Weekly", "By Ola Brandt | Farm Weekly"),
        ("by the way, nothing here is a byline", None),
    ],
)
def test_markdown_byline_forms(line: str, byline: str | None) -> None:
    doc = document_from_bytes("s.md", f"# Title\n\n{line}\n\nText.".encode(), fmt="markdown")
    assert doc.byline == byline
