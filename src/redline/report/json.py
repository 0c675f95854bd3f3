"""The redline as `redline.diff/1` JSON: the contract other tools and our own checks read."""

from __future__ import annotations

import json
import re

from redline.models import Redline

# A list of small integers spread over lines by `indent` (spans, sentence indices). JSON strings
# cannot hold a raw newline, so this only ever matches structure, never document text.
_NUMBER_LIST = re.compile(r"\[\s*\n\s*(-?\d+(?:,\s*\n\s*-?\d+)*)\s*\n\s*\]")


def to_json(redline: Redline, *, indent: int | None = 2) -> str:
    """The redline as JSON text, keys in contract order, non-ASCII text kept as written."""
    # Key order is the contract's own (to_dict builds it in that order); sorting would scatter it.
    text = json.dumps(redline.to_dict(), ensure_ascii=False, indent=indent)
    if indent is None:
        return text
    return _NUMBER_LIST.sub(lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
