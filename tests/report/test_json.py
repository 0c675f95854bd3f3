"""The JSON report is the redline.diff/1 contract, byte for byte what to_dict says."""

from __future__ import annotations

import json

from redline.models import Redline
from redline.report.json import to_json


def test_json_is_the_contract_in_contract_order(redline: Redline) -> None:
    data = json.loads(to_json(redline))
    assert data == redline.to_dict()
    assert list(data) == ["schema", "a", "b", "similarity", "segments", "facts"]
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
