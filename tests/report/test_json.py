"""The JSON report is the redline.diff/1 contract, byte for byte what to_dict says."""

from __future__ import annotations

import json

from redline.models import Redline
from redline.report.json import to_json


def test_json_is_the_contract_in_contract_order(redline: Redline) -> None:
    data = json.loads(to_json(redline))
    assert data == redline.to_dict()
    assert list(data) == ["schema", "a", "b", "similarity", "segments", "facts", "verdict"]
    assert data["schema"] == "redline.diff/1"
    assert list(data["segments"][0])[:7] == [
        "kind",
        "a",
        "b",
        "a_span",
        "b_span",
        "boilerplate",
        "changes",
    ]


def test_spans_quote_the_documents(redline: Redline) -> None:
    data = json.loads(to_json(redline))
    for seg in data["segments"]:
        if seg["a_span"] is not None:
            start, end = seg["a_span"]
            assert redline.a.text[start:end] == seg["a"]
        if seg["b_span"] is not None:
            start, end = seg["b_span"]
            assert redline.b.text[start:end] == seg["b"]


def test_non_ascii_text_is_kept_readable_and_spans_stay_on_one_line(redline: Redline) -> None:
    text = to_json(redline)
    assert '"b_span": [0, 19]' in text
    compact = to_json(redline, indent=None)
    assert json.loads(compact) == json.loads(text)


def test_non_ascii_is_not_escaped() -> None:
    from report_fixtures import build

    text = "Café “Zur Post” öffnet – endlich."
    out = to_json(build(text, text, [("same", text, text, None)]))
    assert "Café “Zur Post” öffnet – endlich." in out


def test_a_real_comparison_meets_every_field_of_the_contract() -> None:
    from pathlib import Path

    from redline.diff.redline import compare
    from redline.ingest.files import read_document
    from redline.models import KINDS, ROLES

    fixtures = Path(__file__).parent.parent / "fixtures"
    old = read_document(fixtures / "ferry-old.txt")
    new = read_document(fixtures / "ferry-new.html")
    data = json.loads(to_json(compare(old, new)))
    for side in ("a", "b"):
        assert set(data[side]) == {"source", "title", "sentences"}
        assert isinstance(data[side]["sentences"], int)
    assert set(data["similarity"]) == {"jaccard", "a_in_b", "b_in_a"}
    assert all(0.0 <= v <= 1.0 for v in data["similarity"].values())
    for seg in data["segments"]:
        assert seg["kind"] in KINDS
        assert seg["boilerplate"] is None or seg["boilerplate"] in ROLES
        for side, doc in (("a", old), ("b", new)):
            span = seg[f"{side}_span"]
            if span is None:
                assert seg[side] is None
            else:
                assert doc.text[span[0] : span[1]] == seg[side]
        assert all(c["op"] in ("insert", "delete", "replace") for c in seg["changes"])
        if seg["kind"] == "same":
            assert seg["changes"] == []
    # redline.diff/1 only ever gains fields: "added" and "removed" keep their meaning.
    assert set(data["facts"]) == {"added", "removed", "changed", "counts"}
    assert all(isinstance(f, str) for f in data["facts"]["added"] + data["facts"]["removed"])
    for pair in data["facts"]["changed"]:
        assert set(pair) == {"old", "new", "context", "count"} and pair["count"] >= 1
    for count in data["facts"]["counts"]:
        assert set(count) == {"fact", "old", "new"} and count["old"] != count["new"]
