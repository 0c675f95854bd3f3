"""`redline diff --format json` on invented pages: furniture keeps its role, facts stay story.

The Ellwood Lantern, the Norland Photo Agency and everyone named here are invented.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REDLINE = Path(sys.executable).parent / "redline"

LEAD = (
    "The Ellwood footbridge will close for repairs on April 2 after engineers found rust in "
    "four of its cables, the town said on Tuesday."
)
STORY = (
    "About 3,000 people cross the bridge each day, most of them on their way to the station. "
    "The repairs will cost 2.4 million crowns and take six weeks.\n\n"
    '"We cannot wait for the summer," said Lia Brandvold, who chairs the works committee.'
)


def diff(tmp_path: Path, old: str, new: str) -> dict[str, Any]:
    (tmp_path / "old.txt").write_text(old, encoding="utf-8")
    (tmp_path / "new.txt").write_text(new, encoding="utf-8")
    result = subprocess.run(
        [str(REDLINE), "diff", "old.txt", "new.txt", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def listed_facts(data: dict[str, Any]) -> list[str]:
    facts = data["facts"]
    return [
        *facts["added"],
        *facts["removed"],
        *(f"{c['old']} -> {c['new']}" for c in facts["changed"]),
    ]


def test_a_glued_dateline_is_its_own_furniture_and_its_date_no_fact(tmp_path: Path) -> None:
    old = f"Footbridge to close\n\nPORT ELLWOOD, March 14 \u2014 {LEAD}\n\n{STORY}\n"
    lead = LEAD.replace("four", "five")
    new = f"Footbridge to close\n\nPORT ELLWOOD, March 15 \u2014 {lead}\n\n{STORY}\n"
    data = diff(tmp_path, old, new)
    datelines = [s for s in data["segments"] if s["boilerplate"] == "dateline"]
    assert [(s["a"], s["b"]) for s in datelines] == [
        ("PORT ELLWOOD, March 14 \u2014", "PORT ELLWOOD, March 15 \u2014")
    ]
    old_lead = next(s for s in data["segments"] if s["a"] and s["a"].startswith("The Ellwood"))
    # The story sentence is whole and exact: the old text quoted at its span is its text.
    assert old_lead["a"] == LEAD
    assert old[old_lead["a_span"][0] : old_lead["a_span"][1]] == LEAD
    assert old_lead["boilerplate"] is None
    assert listed_facts(data) == ["four -> five"]


OPED_WEB = (
    "Why Ellwood needs its footbridge\n\n"
    "by Orla Vane and Dmitri Holm\nFebruary 2026\n\n"
    "credit : Petra Ilves via Norland Photo Agency\n\n"
    f"{LEAD}\n\n{STORY}\n\n"
    "Orla Vane is co-founder and co-president of the Fenmoor Walking Center. Dmitri Holm is a "
    "professor of sociology at Ashgrove College and the founding co-chair of the Valley "
    'Transport Forum.\n\nHe is also the author of "Quiet Bridges" and "The Long Crossing."\n\n'
    "Read more Orla Vane articles. \u2014 Click Here Now.\n"
)
OPED_SYNDICATED = (
    "Why Ellwood needs its footbridge\n\n"
    "By Orla Vane and Dmitri Holm\n\n"
    f"{LEAD.replace('four', 'five')}\n\n{STORY}\n\n"
    "Orla Vane is a founder of the Fenmoor Walking Center. Dmitri Holm teaches at Ashgrove "
    "College and wrote \u201cRiver Towns\u201d.\n"
)


def test_an_op_eds_bios_credit_and_trailer_are_furniture_and_give_no_facts(
    tmp_path: Path,
) -> None:
    data = diff(tmp_path, OPED_WEB, OPED_SYNDICATED)
    roles = {s["a"]: s["boilerplate"] for s in data["segments"] if s["a"]}
    assert roles["credit : Petra Ilves via Norland Photo Agency"] == "credit"
    assert roles['He is also the author of "Quiet Bridges" and "The Long Crossing."'] == "bio"
    assert roles["\u2014 Click Here Now."] == "promo"
    bios = [s for s in data["segments"] if s["b"] and "Ashgrove" in s["b"]]
    assert [s["boilerplate"] for s in bios] == ["bio"]
    # Story sentences stay story on both sides.
    assert all(
        s["boilerplate"] is None
        for s in data["segments"]
        if (s["a"] or s["b"] or "").startswith(("The Ellwood", "About 3,000", '"We cannot'))
    )
    # The story's own change is the only fact: none from the credit, the bios or the dates.
    assert listed_facts(data) == ["four -> five"]
