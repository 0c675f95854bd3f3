"""Text of office documents: PDF (pdfminer.six), DOCX (python-docx) and RTF (striprtf).

Chosen by `bench/bench_office.py` (30 invented articles per format, made with reportlab and
python-docx so the truth is known): pdfminer.six and pypdf both recover every word, but only
pdfminer.six's layout analysis keeps paragraphs apart (1.00 of paragraphs against 0.12), which
the redline's "moved from ¶N" needs, at about 0.3 s a document against 0.03 s. python-docx and
mammoth both keep every word and paragraph; python-docx is about 30 times faster.

Each reader returns paragraphs separated by blank lines, like every other reader, and raises an
`InputError` that says what to do when a file holds no text (a scanned PDF, an encrypted one).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal

from redline.errors import EmptyInputError, InputError

Office = Literal["pdf", "docx", "rtf"]

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_RTF_MAGIC = b"{\\rtf"
# pdfminer ends every text box with a newline and separates boxes by a blank line; lines that
# break inside a paragraph are joined back by the segmenter (hard-wrapped text reads as one).
_BLANKS = re.compile(r"\n\s*\n\s*")


def office_kind(data: bytes) -> Office | None:
    """Which office format the bytes are, by their magic numbers (None for anything else)."""
    if data.startswith(_PDF_MAGIC):
        return "pdf"
    if data.lstrip()[:5] == _RTF_MAGIC:
        return "rtf"
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
    return None


def office_text(name: str, data: bytes, kind: Office) -> tuple[str, str | None]:
    """(text, title) of an office document; the title from its metadata, when it has one.

    Raises:
        InputError: the file is encrypted or damaged; EmptyInputError: it holds no text.
    """
    if kind == "pdf":
        text, title = _pdf(name, data)
    elif kind == "docx":
        text, title = _docx(name, data)
    else:
        text, title = _rtf(name, data), None
    text = _BLANKS.sub("\n\n", text).strip()
    if not text:
        hint = (
            "; it may be a scanned image: run OCR first (for example ocrmypdf)"
            if kind == "pdf"
            else ""
        )
        raise EmptyInputError(name, f"this {kind.upper()} file holds no text{hint}")
    return text, title


def _pdf(name: str, data: bytes) -> tuple[str, str | None]:
    from pdfminer.high_level import extract_text  # noqa: PLC0415 - only PDFs pay for it
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect  # noqa: PLC0415

    try:
        text = extract_text(io.BytesIO(data))
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise InputError(name, "an encrypted PDF; save an unprotected copy first") from exc
    # pdfminer raises many unrelated exception types for a truncated or hostile file (its own
    # PSEOF, IndexError, AssertionError, RecursionError ...): every one means the same to a user.
    except Exception as exc:
        raise InputError(
            name, f"a damaged PDF ({exc or type(exc).__name__}); re-save or re-export it"
        ) from exc
    return text, _pdf_title(data)


def _pdf_title(data: bytes) -> str | None:
    from pdfminer.pdfdocument import PDFDocument  # noqa: PLC0415
    from pdfminer.pdfparser import PDFParser  # noqa: PLC0415

    try:
        info = PDFDocument(PDFParser(io.BytesIO(data))).info
    except Exception:  # metadata is optional; the text was read already
        return None
    for entry in info:
        title = entry.get("Title")
        if isinstance(title, bytes):
            wide = title[:2] == b"\xfe\xff"
            return (title.decode("utf-16") if wide else title.decode("latin-1")).strip() or None
        if isinstance(title, str):
            return title.strip() or None
    return None


def _docx(name: str, data: bytes) -> tuple[str, str | None]:
    import docx  # noqa: PLC0415 - only DOCX files pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(name, f"a damaged DOCX file ({exc}); re-save it") from exc
    paragraphs = [p.text.strip() for p in document.paragraphs]
    title = (document.core_properties.title or "").strip() or None
    if title is None:
        # A paragraph in the Title style is the document's title, as Word shows it.
        for p in document.paragraphs:
            if p.style is not None and p.style.name == "Title" and p.text.strip():
                title = p.text.strip()
                break
    return "\n\n".join(p for p in paragraphs if p), title


def _rtf(name: str, data: bytes) -> str:
    from striprtf.striprtf import rtf_to_text  # noqa: PLC0415

    # RTF is 7-bit: other characters are escapes that striprtf decodes.
    try:
        text = str(rtf_to_text(data.decode("latin-1"), errors="replace"))  # type: ignore[no-untyped-call]
    except (ValueError, IndexError) as exc:
        raise InputError(name, f"a damaged RTF file ({exc}); re-save it") from exc
    return text.replace("\r\n", "\n")
