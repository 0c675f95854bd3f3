"""The redline as CSV, for a spreadsheet: one row per segment, in reading order.

Columns: kind, role (empty for story sentences), old, new, facts, verdict. `facts` names what
changed in that segment's facts ("four → five (suspension cables)", "+ 2,000", "− 10%"), read from
the two sentences alone; the whole story's fact summary is the report's "What changed". `verdict`
is the pair's ("rewritten" or "edited", empty for a redline without one), on every row, so rows
of several reports pasted into one sheet still say which pair was substantially rewritten.
"""

from __future__ import annotations

import csv
import io

from redline.models import Redline, Segment
from redline.report.pieces import fact_change, flat
from redline.text.facts import story_facts

COLUMNS = ("kind", "role", "old", "new", "facts", "verdict")


def to_csv(redline: Redline) -> str:
    """Every segment as a CSV row (RFC 4180, header first, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    verdict = redline.verdict.kind if redline.verdict else ""
    for seg in redline.segments:
        writer.writerow(
            (
                seg.kind,
                seg.boilerplate or "",
                flat(seg.a or "").strip(),
                flat(seg.b or "").strip(),
                _facts(seg),
                verdict,
            )
        )
    return buffer.getvalue()


def _facts(seg: Segment) -> str:
    """The fact changes of one segment, "; "-separated; none for unchanged or furniture."""
    if seg.kind == "same" or seg.boilerplate is not None:
        return ""
    a, b = seg.a or "", seg.b or ""
    facts = story_facts(a, a, b, b, [(a, b)] if a and b else [])
    parts = [fact_change(c) for c in facts.changed]
    parts += [f"+ {flat(f).strip()}" for f in facts.added]
    parts += [f"− {flat(f).strip()}" for f in facts.removed]
    return "; ".join(parts)
