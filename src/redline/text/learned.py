"""A learned `Furniture`: a small logistic regression over page evidence.

Every sentence gets a vector of evidence (where it stands against the story's run of prose,
whether it is a line of its own, its length, whether it holds a finite verb, its shape:
dateline, name alone, credit, timestamp, byline lead, bio, and what the hand rules of
`redline.text.furniture` say about it). A softmax over four classes (content, title, byline,
furniture) weighs that evidence; the weights are data (`data/furniture_model.json`), trained by
`eval/train_furniture.py` on the development half of news_pages_fundus and
news_pages_zyte_benchmark. A sentence leaves the story only when the model's probability of
content falls under the model's `content_threshold`, chosen on the same half so that story
sentences stay story.

This module must not import numpy: inference is a few dozen multiplications per sentence.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from redline.models import Document, Role, Sentence
from redline.text.furniture import (
    _AGENCY_CREDIT,
    _BIO,
    _CREDIT,
    _DATELINE,
    _NUMBERS_ONLY,
    _TIMESTAMP,
    _byline_lead,
    _headline,
    _is_byline,
    _is_prose,
    _key,
    _name_line,
    _own_line,
    _story_run,
    _with_closing_list,
    assign_roles,
)
from redline.text.lexicon import entries
from redline.text.normalize import normalize

CLASSES = ("content", "title", "byline", "furniture")
_RULE_ROLES: tuple[Role, ...] = ("title", "byline", "dateline", "credit", "bio", "promo", "other")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# "X is/was/has ...", "He is also the author of ...": a sentence about a person.
_ABOUT_PERSON = re.compile(
    r"^(?:(?:He|She|They)\s+(?:is|was|has|also|lives|teaches|holds)\b"
    r"|(?-i:[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){1,3})\s+(?:is|was|has|had|holds)\s"
    r"[^.]{0,60}\b(?:author|professor|founder|co-founder|director|fellow|editor|president"
    r"|columnist|correspondent|reporter|writer|journalist)\b)"
)
_CREDIT_COLON = re.compile(r"\b(?:credit|foto|bild|photo|quelle|source)\s*:", re.IGNORECASE)
# PLACE (OUTLET) - DATE: "EDINBURGH (The Harbour Gazette) - 2 March 2005".
_WIRE_DATELINE = re.compile(r"^[A-Z][\w .'\u2019-]{1,40}\s*\([^)]{1,40}\)\s*[-\u2013\u2014:]")


def _log1p(n: int) -> float:
    return math.log1p(n)


def features(document: Document, sentences: Sequence[Sentence]) -> list[dict[str, float]]:
    """The evidence of every sentence, as named values (absent names are 0)."""
    sents = list(sentences)
    text = document.text
    n = len(sents)
    if n == 0:
        return []
    rules = [
        s.role for s in assign_roles(sents, text, title=document.title, byline=document.byline)
    ]
    zoned = [
        s.role
        for s in assign_roles(sents, text, title=document.title, byline=document.byline, zones=True)
    ]
    run = _story_run(sents)
    start, end = _with_closing_list(sents, text, *run) if run else (0, n)
    head = _headline(sents, text, [None] * n, start) if run else None
    verbs = frozenset(entries("finite_verbs"))
    author_words = {w for w in _key(document.byline or "").split() if len(w) > 2} - {"by"}
    seen: dict[str, int] = {}
    keys = [_key(s.text) for s in sents]
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
    prose = [_is_prose(s) for s in sents]
    own = [_own_line(s, text) for s in sents]
    out = []
    for i, sent in enumerate(sents):
        raw = normalize(sent.text)
        tokens = raw.split()
        n_words = len(tokens)
        letters = _WORD.findall(raw)
        lower = [w for w in letters if w.islower()]
        f: dict[str, float] = {"bias": 1.0}
        f["before_run"] = float(i < start)
        f["after_run"] = float(i >= end)
        f["in_run"] = float(start <= i < end)
        f["log_before"] = _log1p(start - i) if i < start else 0.0
        f["log_after"] = _log1p(i - end + 1) if i >= end else 0.0
        f["just_before_run"] = float(start - 3 <= i < start)
        f["just_after_run"] = float(end <= i < end + 3)
        f["first"] = float(i == 0)
        f["last"] = float(i == n - 1)
        f["own_line"] = float(own[i])
        f["log_words"] = _log1p(n_words)
        f["words_le3"] = float(n_words <= 3)
        f["words_le8"] = float(n_words <= 8)
        f["words_gt25"] = float(n_words > 25)
        f["prose"] = float(prose[i])
        f["ends_stop"] = float(raw.rstrip("\"'\u2019\u201d)]")[-1:] in ".!?\u2026")
        f["ends_colon"] = float(raw[-1:] in ":|")
        f["finite_verb"] = float(any(w.casefold() in verbs for w in lower))
        f["lower_share"] = len(lower) / len(letters) if letters else 0.0
        f["caps_share"] = (
            sum(1 for w in letters if w[:1].isupper()) / len(letters) if letters else 0.0
        )
        f["no_letters"] = float(not letters)
        f["digit_share"] = sum(c.isdigit() for c in raw) / len(raw) if raw else 0.0
        f["dateline_shape"] = float(bool(_DATELINE.match(raw)))
        f["wire_dateline"] = float(bool(_WIRE_DATELINE.match(raw)))
        f["name_alone"] = float(_name_line(raw))
        f["credit_colon"] = float(bool(_CREDIT_COLON.search(raw)))
        f["credit_shape"] = float(bool(_CREDIT.match(raw) or _AGENCY_CREDIT.match(raw)))
        f["copyright"] = float("\u00a9" in raw)
        f["timestamp"] = float(bool(_TIMESTAMP.search(raw)))
        f["numbers_only"] = float(bool(_NUMBERS_ONLY.match(raw)))
        f["by_line"] = float(_is_byline(raw) or _byline_lead(raw))
        f["bio_shape"] = float(bool(_BIO.match(raw) or _ABOUT_PERSON.match(raw)))
        f["author_match"] = float(bool(author_words) and bool(author_words & set(keys[i].split())))
        f["repeated"] = float(seen[keys[i]] > 1)
        f["headline"] = float(i == head)
        f["prev_prose"] = float(i > 0 and prose[i - 1])
        f["next_prose"] = float(i + 1 < n and prose[i + 1])
        f["same_para_prose"] = float(
            (i > 0 and prose[i - 1] and sents[i - 1].paragraph == sent.paragraph)
            or (i + 1 < n and prose[i + 1] and sents[i + 1].paragraph == sent.paragraph)
        )
        for role in _RULE_ROLES:
            if rules[i] == role:
                f[f"rule_{role}"] = 1.0
            if zoned[i] == role:
                f[f"zone_{role}"] = 1.0
        # Interactions the linear model cannot form: a short verbless line of its own.
        f["own_short_verbless"] = float(own[i] and n_words <= 8 and not f["finite_verb"])
        f["own_line_out_of_run"] = float(own[i] and not start <= i < end)
        out.append(f)
    return out


@dataclass(frozen=True)
class Model:
    """Weights per class and feature, and the content threshold."""

    weights: dict[str, dict[str, float]]
    content_threshold: float
    trained_on: str = ""

    def probabilities(self, f: dict[str, float]) -> list[float]:
        scores = [sum(w * f.get(name, 0.0) for name, w in self.weights[c].items()) for c in CLASSES]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]


@cache
def shipped_model() -> Model:
    """The model in `data/furniture_model.json`."""
    data: dict[str, Any] = json.loads(
        files("redline.text").joinpath("data", "furniture_model.json").read_text("utf-8")
    )
    return Model(data["weights"], float(data["content_threshold"]), data.get("trained_on", ""))


@dataclass(frozen=True)
class LearnedFurniture:
    """Furniture from the shipped logistic regression over page evidence (module docstring)."""

    model: Model | None = field(default=None, repr=False)

    def roles(self, document: Document, sentences: Sequence[Sentence]) -> list[Role | None]:
        model = self.model or shipped_model()
        out: list[Role | None] = []
        for f in features(document, sentences):
            rule = next((r for r in _RULE_ROLES if f.get(f"rule_{r}")), None)
            p = model.probabilities(f)
            if p[0] >= model.content_threshold:
                out.append(None)
                continue
            best = max(range(1, len(CLASSES)), key=lambda k: p[k])
            if CLASSES[best] == "title":
                out.append("title")
            elif CLASSES[best] == "byline":
                out.append("byline")
            else:
                # Keep the rules' finer role (dateline, credit, bio, promo) where they gave one.
                out.append(rule if rule not in (None, "title", "byline") else "other")
        return out
