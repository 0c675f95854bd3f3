"""PDF, DOCX and RTF files read as documents, made here from invented text."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from redline.errors import EmptyInputError, InputError
from redline.ingest.files import read_document

REDLINE = Path(sys.executable).parent / "redline"
TITLE = "Skerrin ferry fares to rise in spring"
PARAGRAPHS = [
    "Fares on the Skerrin ferry will rise by 12 percent in April, the island council said on "
    "Tuesday, the first increase in four years.",
    "The council blamed higher fuel prices and the cost of repairing the slipway at Port Ardle, "
    "which was damaged in the January storms.",
    "Islanders with a resident card will pay the old fare until the end of the summer.",
]


def make_pdf(path: Path, paragraphs: list[str], title: str | None = TITLE) -> None:
    style = getSampleStyleSheet()["BodyText"]
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=title or "")
    doc.build([Paragraph(p, style) for p in paragraphs])


def make_docx(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    for p in PARAGRAPHS:
        document.add_paragraph(p)
    document.save(str(path))


def test_a_pdf_reads_as_its_paragraphs_with_its_title(tmp_path: Path) -> None:
    path = tmp_path / "fares.pdf"
    make_pdf(path, PARAGRAPHS)
    doc = read_document(path)
    assert doc.title == TITLE
    blocks = doc.text.split("\n\n")
    assert len(blocks) == len(PARAGRAPHS)
    for block, expected in zip(blocks, PARAGRAPHS, strict=True):
        assert " ".join(block.split()) == expected


def test_a_docx_reads_as_its_paragraphs_with_its_title(tmp_path: Path) -> None:
    path = tmp_path / "fares.docx"
    make_docx(path)
    doc = read_document(path)
    assert doc.title == TITLE
    assert doc.text.split("\n\n")[1:] == PARAGRAPHS


def test_an_rtf_file_reads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "fares.rtf"
    body = "\\par\n".join(PARAGRAPHS).replace("percent", "per\\'e7ent")
    path.write_bytes(("{\\rtf1\\ansi\\deff0 " + body + "}").encode("ascii"))
    doc = read_document(path)
    assert "Fares on the Skerrin ferry will rise by 12 perçent in April" in doc.text
    assert "resident card" in doc.text


def test_a_pdf_without_text_says_to_run_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    make_pdf(path, [], title=None)
    with pytest.raises(EmptyInputError, match="OCR"):
        read_document(path)


@pytest.mark.parametrize("cut", [9, 20, 200, 600, -300, -40])
def test_a_damaged_pdf_is_a_clear_error(tmp_path: Path, cut: int) -> None:
    # Cut at the header, inside the first object, mid-file and in the cross-reference table:
    # pdfminer fails differently at each; the user reads the same message every time.
    path = tmp_path / "broken.pdf"
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(
        [Paragraph(PARAGRAPHS[0], getSampleStyleSheet()["BodyText"])]
    )
    path.write_bytes(buffer.getvalue()[:cut])
    with pytest.raises(InputError, match="damaged PDF"):
        read_document(path)


def test_diff_of_a_truncated_pdf_exits_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    broken, other = tmp_path / "broken.pdf", tmp_path / "other.txt"
    broken.write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")
    other.write_text(PARAGRAPHS[0], encoding="utf-8")
    run = subprocess.run(
        [str(REDLINE), "diff", str(broken), str(other)], capture_output=True, text=True, check=False
    )
    assert run.returncode != 0
    assert "broken.pdf" in run.stderr and "damaged PDF" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_diff_of_a_pdf_against_its_docx_shows_only_the_edit(tmp_path: Path) -> None:
    old, new = tmp_path / "old.pdf", tmp_path / "new.docx"
    make_pdf(old, PARAGRAPHS)
    document = docx.Document()
    for p in PARAGRAPHS:
        document.add_paragraph(p.replace("12 percent", "14 percent"))
    document.save(str(new))
    result = subprocess.run(
        [str(REDLINE), "diff", str(old), str(new), "--no-color", "--width", "200"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "[-12-]{+14+}" in result.stdout
    assert "~ 1 reworded · > 0 moved · + 0 added · - 0 removed · 2 unchanged" in result.stdout
