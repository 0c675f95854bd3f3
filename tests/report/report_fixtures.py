"""Hand-made redlines for report tests: they pin what reports draw, whatever the aligner does."""

from __future__ import annotations

from collections.abc import Sequence

from redline.models import (
    Change,
    Facts,
    Kind,
    Redline,
    Role,
    Segment,
    Side,
    Similarity,
    Span,
)

Row = tuple[Kind, str | None, str | None, Role | None]


def build(
    old: str,
    new: str,
    rows: Sequence[Row],
    *,
    changes: dict[int, tuple[Change, ...]] | None = None,
    titles: tuple[str | None, str | None] = (None, None),
    facts: Facts | None = None,
) -> Redline:
    """A Redline whose segments quote `old` and `new` at the positions the sentences occur."""
    spans_a: list[Span | None] = []
    spans_b: list[Span | None] = []
    cursor_a = cursor_b = 0
    for kind, a, b, _ in rows:
        span_a = span_b = None
        if a is not None:
            # A moved sentence stood earlier in the old text than the cursor.
            at = old.index(a, 0 if kind == "moved" else cursor_a)
            span_a = Span(at, at + len(a))
            cursor_a = span_a.end if kind != "moved" else cursor_a
        if b is not None:
            at = new.index(b, cursor_b)
            span_b = Span(at, at + len(b))
            cursor_b = span_b.end
        spans_a.append(span_a)
        spans_b.append(span_b)
    order_a = sorted(s.start for s in spans_a if s)
    order_b = sorted(s.start for s in spans_b if s)
    segments = [
        Segment(
            kind=kind,
            a=a,
            b=b,
            a_span=sa,
            b_span=sb,
            boilerplate=role,
            changes=(changes or {}).get(i, ()),
            a_sentences=(order_a.index(sa.start),) if sa else (),
            b_sentences=(order_b.index(sb.start),) if sb else (),
        )
        for i, ((kind, a, b, role), sa, sb) in enumerate(zip(rows, spans_a, spans_b, strict=True))
    ]
    n_a, n_b = len(order_a), len(order_b)
    return Redline(
        a=Side("old.txt", titles[0], n_a, old),
        b=Side("new.txt", titles[1], n_b, new),
        similarity=Similarity(0.5, 0.8, 0.65),
        segments=tuple(segments),
        facts=facts or Facts(added=("12%", "Blue Water Lines"), removed=("10%",)),
    )


OLD = (
    "Ferry fares to rise\n\nBy Ana Reyes\n\n"
    "Fares will rise by 10% from April 1. The company blamed fuel costs. "
    "Staff were told on Friday. Unions were not consulted. Talks went on late. "
    "A strike is possible.\n\n"
    "Regular passengers were angry. Others will drive.\n\n"
    "Ana Reyes covers transport."
)
NEW = (
    "Ferry fares to rise\n\nBy Ana Reyes\n\n"
    "Regular passengers were angry.\n\n"
    "Fares will rise by 12% from April 1, the operator Blue Water Lines said. "
    "The company blamed fuel costs. Staff were told on Friday. Unions were not consulted. "
    "Talks went on late. A strike is possible.\n\n"
    "A petition has 2,000 signatures.\n\n"
    "Read more: transport news."
)
ROWS: list[Row] = [
    ("same", "Ferry fares to rise", "Ferry fares to rise", "title"),
    ("same", "By Ana Reyes", "By Ana Reyes", "byline"),
    ("moved", "Regular passengers were angry.", "Regular passengers were angry.", None),
    (
        "reworded",
        "Fares will rise by 10% from April 1.",
        "Fares will rise by 12% from April 1, the operator Blue Water Lines said.",
        None,
    ),
    ("same", "The company blamed fuel costs.", "The company blamed fuel costs.", None),
    ("same", "Staff were told on Friday.", "Staff were told on Friday.", None),
    ("same", "Unions were not consulted.", "Unions were not consulted.", None),
    ("same", "Talks went on late.", "Talks went on late.", None),
    ("same", "A strike is possible.", "A strike is possible.", None),
    ("removed", "Others will drive.", None, None),
    ("added", None, "A petition has 2,000 signatures.", None),
    ("removed", "Ana Reyes covers transport.", None, "bio"),
    ("added", None, "Read more: transport news.", "promo"),
]
