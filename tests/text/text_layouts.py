"""Invented sentences and the layouts a story can arrive in, shared by the text tests.

Every sentence here is made up for redline's tests. Each is written so that its correct
segmentation is not in doubt (it ends in a plain word and a stop), while its inside carries the
traps: abbreviations, initials, decimals, quotes, dates.
"""

from __future__ import annotations

import itertools
import textwrap
import unicodedata

from hypothesis import strategies as st

SENTENCES = [
    "The Harbour Authority met on Tuesday to weigh the plan.",
    "Mr. Okafor said the U.S. Coast Guard would inspect the pier in Jan. 2027 at the latest.",
    "Dr. Lena Varga, who chairs the board, called it \u201ca careful compromise.\u201d",
    "Costs rose 3.5 percent, to $4.2 million, the council said.",
    "J. R. Mbeki of Northgate Ltd. told reporters the work was on schedule.",
    'He said "no." ',
    "Then the ferry left at 5 p.m. without its usual cargo.",
    "Was the vote fair?",
    "Residents, e.g. fishermen and shop owners, were not consulted, i.e. nobody asked them.",
    "Inspectors found 12 cracks in the north wall.",
    "The report, published by Acme Corp. on March 3, runs to 140 pages.",
    "\u201cWe will appeal,\u201d said Ana Sousa, a lawyer for the group.",
    "A vote is expected in the spring.",
    "Prices at St. Aldric market fell by 1,000 euros a tonne.",
    "Wait for it...",
    "The ship was built in 1998 and refitted twice since.",
    "Officials declined to say how much the repairs would cost the city!",
    "The mayor, Ms. Ito, backed the idea in a well-known speech.",
]
HEADINGS = ["Harbour Plan Wins Approval", "What Happens Next", "Costs and Timetable"]


def paragraphs_layout(paras: list[list[str]]) -> str:
    """Paragraphs separated by blank lines, sentences by single spaces."""
    return "\n\n".join(" ".join(s.strip() for s in p) for p in paras)


def line_per_sentence_layout(paras: list[list[str]]) -> str:
    """One sentence per line, blank lines between paragraphs."""
    return "\n\n".join("\n".join(s.strip() for s in p) for p in paras)


def lines_no_blanks_layout(paras: list[list[str]]) -> str:
    """One paragraph per line, no blank lines (what HTML extraction produces)."""
    return "\n".join(" ".join(s.strip() for s in p) for p in paras)


def wrapped_layout(paras: list[list[str]], width: int = 70) -> str:
    """Paragraphs hard-wrapped at `width` columns."""
    return "\n\n".join(
        textwrap.fill(" ".join(s.strip() for s in p), width=width, break_long_words=False)
        for p in paras
    )


def crlf(text: str) -> str:
    """Windows line ends."""
    return text.replace("\n", "\r\n")


def nbsp(text: str) -> str:
    """Non-breaking spaces after abbreviations and between figures and units."""
    for a, b in (
        ("Mr. ", "Mr.\u00a0"),
        ("Dr. ", "Dr.\u00a0"),
        ("3.5 ", "3.5\u00a0"),
        ("12 ", "12\u00a0"),
    ):
        text = text.replace(a, b)
    return text


def curly(text: str) -> str:
    """Straight quotes made typographic, alternating open and close."""
    out: list[str] = []
    opened = False
    for ch in text:
        if ch == '"':
            out.append("\u201d" if opened else "\u201c")
            opened = not opened
        else:
            out.append(ch)
    return "".join(out)


def soft_hyphens(text: str) -> str:
    """Soft hyphens inside long words, as a hyphenating editor leaves them."""
    return text.replace("Authority", "Autho\u00adrity").replace("inspect", "in\u00adspect")


def nfd(text: str) -> str:
    """Decomposed Unicode form."""
    return unicodedata.normalize("NFD", text)


LAYOUTS = {
    "paragraphs": paragraphs_layout,
    "line_per_sentence": line_per_sentence_layout,
    "lines_no_blanks": lines_no_blanks_layout,
    "wrapped70": wrapped_layout,
    "wrapped52": lambda p: wrapped_layout(p, 52),
}
TRANSFORMS = {
    "none": lambda t: t,
    "crlf": crlf,
    "nbsp": nbsp,
    "curly": curly,
    "soft_hyphens": soft_hyphens,
    "nfd": nfd,
}

# A story: paragraphs of sentences; a paragraph may instead be a heading on its own. A story
# has some text besides headings, and no two headings in a row: two title-case lines in a
# block that reads as wrapped are one title wrapped over two lines, which they could be.
stories = st.lists(
    st.one_of(
        st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5),
        st.sampled_from(HEADINGS).map(lambda h: [h]),
    ),
    min_size=1,
    max_size=6,
).filter(
    lambda paras: (
        any(p[0] not in HEADINGS for p in paras)
        and not any(a[0] in HEADINGS and b[0] in HEADINGS for a, b in itertools.pairwise(paras))
    )
)
