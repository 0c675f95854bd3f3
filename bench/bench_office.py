"""PDF and DOCX text extraction candidates, measured on documents made here (invented text).

    .venv/bin/python bench/bench_office.py

For each candidate: word accuracy against the text the document was made from (share of the
source's words recovered in order, difflib on word lists), paragraphs recovered, and median time
per document. Documents are written with reportlab (PDF) and python-docx (DOCX), so the truth
is known exactly; real PDFs are messier (columns, hyphenation), which this does not measure.
"""

from __future__ import annotations

import difflib
import io
import random
import statistics
import time
from collections.abc import Callable

WORDS = [
    "harbour",
    "council",
    "ferry",
    "island",
    "bridge",
    "cables",
    "repairs",
    "vehicles",
    "tender",
    "contract",
    "mayor",
    "residents",
    "winter",
    "storm",
    "festival",
    "library",
    "flood",
    "orchard",
    "frost",
    "marathon",
    "heat",
    "fares",
    "spring",
    "engineers",
    "inspection",
    "report",
    "budget",
    "crowns",
    "million",
    "traders",
    "street",
    "closure",
    "ring",
    "road",
]


def article(seed: int) -> list[str]:
    rng = random.Random(seed)
    paras = []
    for _ in range(rng.randint(6, 12)):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
            sentences.append(" ".join(words).capitalize() + ".")
        paras.append(" ".join(sentences))
    return paras


def make_pdf(paras: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buf = io.BytesIO()
    style = getSampleStyleSheet()["BodyText"]
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph(p, style) for p in paras])
    return buf.getvalue()


def make_docx(paras: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paras:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pypdf_text(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return str(extract_text(io.BytesIO(data)))


def python_docx_text(data: bytes) -> str:
    import docx

    return "\n\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def mammoth_text(data: bytes) -> str:
    import mammoth

    return str(mammoth.extract_raw_text(io.BytesIO(data)).value)


def score(paras: list[str], text: str) -> tuple[float, float]:
    truth = " ".join(paras).split()
    got = text.split()
    matcher = difflib.SequenceMatcher(None, truth, got, autojunk=False)
    words = sum(b.size for b in matcher.get_matching_blocks()) / len(truth)
    blocks = [b for b in text.replace("\r", "").split("\n\n") if b.strip()]
    return words, min(len(blocks), len(paras)) / len(paras)


def main() -> None:
    docs = [article(seed) for seed in range(30)]
    kinds: dict[str, tuple[Callable[[list[str]], bytes], dict[str, Callable[[bytes], str]]]] = {
        "pdf": (make_pdf, {"pypdf": pypdf_text, "pdfminer.six": pdfminer_text}),
        "docx": (make_docx, {"python-docx": python_docx_text, "mammoth": mammoth_text}),
    }
    print("| format | library | word accuracy | paragraphs kept | median ms/doc |")
    print("|---|---|---|---|---|")
    for kind, (make, readers) in kinds.items():
        files = [make(p) for p in docs]
        for name, read in readers.items():
            accs, paras_kept, times = [], [], []
            for paras, data in zip(docs, files, strict=True):
                start = time.perf_counter()
                text = read(data)
                times.append((time.perf_counter() - start) * 1000)
                acc, kept = score(paras, text)
                accs.append(acc)
                paras_kept.append(kept)
            print(
                f"| {kind} | {name} | {statistics.mean(accs):.4f} |"
                f" {statistics.mean(paras_kept):.2f} | {statistics.median(times):.1f} |"
            )


if __name__ == "__main__":
    main()
