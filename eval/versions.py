"""Versions of real articles with known truth, for the diff and find evaluations.

`make_version(text, rng)` rewrites an article the way a newsroom does: new layout, page furniture
(title, byline, dateline, photo credit, author bio, promo trailer), cut sentences and paragraphs,
sentences from another article, rewording (words replaced, inserted and dropped, numbers
changed), splits and merges, moved paragraphs and sentences, truncation. It returns the new text
and its `Truth`: for every sentence of the new text, which source sentences it came from, what
was done to it and, for furniture, its role.

Truth is held as sentence *texts*, never as offsets, so it survives any segmentation and any
reader: `piece_of_words` maps the words of whatever text a tool sees back to the pieces by
word sequence. `pair_truth(a, b)` turns the truths of two versions of one source into the true
sentence alignment between them (units, kinds, the moves a minimal reading implies).

Every random choice comes from the `random.Random` passed in, so a seed fixes the corpus.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from redline.models import Kind, Role
from redline.text.normalize import keys, words
from redline.text.segment import segment

LAYOUTS = ("paragraphs", "lines", "lines-compact", "wrap")
# A whole web page (cookie banner, navigation, adverts, footer around an <article>); read it with
# `redline.ingest.files.document_from_bytes(..., fmt="html")`. Not in LAYOUTS: callers that
# want plain text never get a page.
HTML = "html"


@dataclass(frozen=True, slots=True)
class Piece:
    """One sentence of a generated version."""

    text: str
    # Indices of the source sentences it was made from; empty for inserted text and furniture.
    sources: tuple[int, ...] = ()
    role: Role | None = None
    # What was done to it: "reword", "number", "split", "merge", "insert", "move-paragraph", ...
    edits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Truth:
    """What a generated version is made of."""

    sources: tuple[str, ...]
    source_roles: tuple[Role | None, ...]
    pieces: tuple[Piece, ...]
    paragraphs: tuple[int, ...]
    ops: tuple[str, ...]
    layout: str
    # Source sentences that are in no piece, with the operation that dropped them.
    dropped: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Profile:
    """How likely each transformation is; each applies at most once per version."""

    layouts: tuple[str, ...] = LAYOUTS
    furniture: float = 0.9
    delete: float = 0.5
    insert: float = 0.5
    reword: float = 0.8
    numbers: float = 0.4
    split: float = 0.6
    merge: float = 0.4
    move_paragraph: float = 0.4
    move_sentence: float = 0.3
    truncate: float = 0.2
    excerpt: float = 0.0
    typography: float = 0.3
    # Share of the content sentences reworded, and share of a sentence's words touched.
    reword_share: tuple[float, float] = (0.1, 0.3)
    reword_strength: tuple[float, float] = (0.05, 0.35)
    # Share of the reworded sentences whose clauses are reordered instead.
    reorder: float = 0.15


FULL = Profile()
# An "original" as a site would show it: its own furniture, no edits, plain paragraphs.
ORIGINAL = Profile(
    layouts=("paragraphs",),
    furniture=0.6,
    delete=0,
    insert=0,
    reword=0,
    numbers=0,
    split=0,
    merge=0,
    move_paragraph=0,
    move_sentence=0,
    truncate=0,
    typography=0,
)
# Heavier than most newsroom edits: half the sentences reworded, up to half their words touched,
# several moves. Finds where rewording stops being recognisable.
STRESS = Profile(
    delete=0.7,
    insert=0.7,
    reword=1.0,
    numbers=0.6,
    split=0.7,
    merge=0.7,
    move_paragraph=0.8,
    move_sentence=0.8,
    reword_share=(0.3, 0.6),
    reword_strength=(0.2, 0.5),
    reorder=0.3,
)
# Layout and typography only: the redline must be all `same`.
LAYOUT_ONLY = Profile(
    furniture=0,
    delete=0,
    insert=0,
    reword=0,
    numbers=0,
    split=0,
    merge=0,
    move_paragraph=0,
    move_sentence=0,
    truncate=0,
    typography=0.5,
)


@dataclass(slots=True)
class _Draft:
    """The version being built: furniture above, body paragraphs, furniture below."""

    head: list[Piece]
    body: list[list[Piece]]
    tail: list[Piece]
    ops: list[str] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)

    def content(self) -> list[tuple[int, int]]:
        """(paragraph, position) of every body piece that is not furniture."""
        return [
            (p, k)
            for p, para in enumerate(self.body)
            for k, piece in enumerate(para)
            if piece.role is None
        ]

    def drop(self, piece: Piece, why: str) -> None:
        self.dropped.extend((s, why) for s in piece.sources)


# ---------------------------------------------------------------------------------------------
# Invented names for furniture: no real people or outlets.


def _listed(text: str, sep: str | None = None) -> list[str]:
    """The items of a literal list written as one string (keeps long lists readable)."""
    return [item.strip() for item in text.split(sep) if item.strip()]


_FIRST = _listed(
    """Anna Tomas Greta Idris Leona Matteo Saoirse Kwame Ilse Rafael Noor Bram Yara Emil Dalia
    Oskar Priya Jonah Mireille Teodor Amara Lukas Ines Ciaran Hana Felix Zofia Ruben Talia"""
)
_LAST = _listed(
    """Varga Lindqvist Okonkwo Brannigan Castell Moreau Haldane Petrossian Achebe Norlund
    Falkner Sørby Quintero Ashdown Mbeki Kowal Restrepo Thorne Vasquez Elling Marchetti Oduya
    Wrenfield Calder Abernathy Ylvis Roszak Delacroix Pemberton Nakagawa"""
)
_OUTLETS = _listed(
    """Northwind Herald|Tidewater Courier|Meridian Post|Ashford Chronicle|Greyhaven Times
    |Lantern Daily|Riverbend Gazette|Compass Wire|Harbourlight News|Eastgate Observer""",
    "|",
)
_AGENCIES = _listed(
    "Kestrel Images|Northlight Photo|Fieldglass Pictures|Aperture Wire|Lumen Press Photos", "|"
)
_CITIES = _listed("HARWICK|PORT ELLIS|NEW BALLARD|KINGSMERE|SALT RIVER|AVONDEL|MARROW BAY", "|")
_MONTHS = _listed(
    """January February March April May June July August September October November
    December"""
)
_BEATS = _listed(
    "business|energy|markets|technology|politics|sports|arts|health|science|transport", "|"
)

_SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "company": "firm",
    "companies": "firms", "expected": "forecast", "increase": "rise", "increased": "rose",
    "big": "large", "large": "major", "major": "leading", "announced": "unveiled",
    "government": "administration", "officials": "authorities", "about": "around",
    "but": "however", "also": "additionally", "show": "indicate", "showed": "indicated",
    "new": "fresh", "help": "assist", "buy": "purchase", "bought": "acquired",
    "start": "begin", "started": "began", "end": "close", "ended": "closed", "plan": "proposal",
    "plans": "proposals", "month": "period", "deal": "agreement", "talks": "negotiations",
    "key": "crucial", "cut": "reduce", "cuts": "reductions", "strong": "robust",
    "weak": "soft", "hit": "struck", "quickly": "rapidly", "people": "individuals",
    "including": "among them", "because": "as", "however": "but", "problem": "issue",
    "problems": "issues", "market": "sector", "win": "victory", "won": "secured",
    "want": "wish", "wants": "wishes", "think": "believe", "thinks": "believes",
}  # fmt: skip
_FILLERS = _listed(
    """also now still recently reportedly largely already further widely officially
just currently"""
)
# Sentence openers that are lower-cased when a merge puts them mid-sentence.
_STARTERS = frozenset(
    _listed(
        """The A An It He She They This That These Those We Its Their His Her There On In At
        For But And However As If When After Before While Since Some Many Most Analysts
        Officials Shares Prices Sales Profits Other Another Both Each Such Under Over With
        During Late Earlier Last Next Despite Although Meanwhile Elsewhere Still Yet So Then Now
        Also Even Only Just Analysts Investors Traders Experts Critics"""
    )
)


# ---------------------------------------------------------------------------------------------
# Sentence-level edits. Each takes and returns plain text; the draft records what was done.


def _split_tokens(text: str) -> list[str]:
    return text.split()


def _core(token: str) -> tuple[str, str, str]:
    """Split a token into leading punctuation, the word, trailing punctuation."""
    m = re.match(r"^(\W*)(.*?)(\W*)$", token)
    assert m is not None
    return m.group(1), m.group(2), m.group(3)


def reword(text: str, rng: random.Random, strength: float, vocabulary: Sequence[str]) -> str:
    """Replace, insert and drop about `strength` of the words of a sentence.

    Replacements prefer a synonym; otherwise a lower-case word becomes a word of `vocabulary`
    (names and numbers are left alone: changing them is `change_numbers`' job, or a new fact).
    """
    tokens = _split_tokens(text)
    edits = max(1, round(strength * len(tokens)))
    for _ in range(edits):
        op = rng.random()
        inner = list(range(1, len(tokens) - 1))
        if not inner:
            break
        if op < 0.55:
            plain = [k for k in inner if _core(tokens[k])[1].isalpha() and tokens[k].islower()]
            nice = [k for k in plain if _core(tokens[k])[1] in _SYNONYMS]
            if nice and (rng.random() < 0.8 or not vocabulary):
                k = rng.choice(nice)
                lead, word, trail = _core(tokens[k])
                tokens[k] = lead + _SYNONYMS[word] + trail
            elif plain and vocabulary:
                k = rng.choice(plain)
                lead, word, trail = _core(tokens[k])
                tokens[k] = lead + rng.choice(vocabulary) + trail
        elif op < 0.8:
            tokens.insert(rng.choice(inner), rng.choice(_FILLERS))
        elif len(tokens) > 6:
            # Dropping a word that carries punctuation would glue clauses together.
            bare = [k for k in inner if _core(tokens[k])[2] == "" and _core(tokens[k])[0] == ""]
            if bare:
                del tokens[rng.choice(bare)]
    return " ".join(tokens)


_SAID_THAT = re.compile(
    r"^(?P<who>[^,;\"]{3,60}?) (?P<verb>said|says|told \w+)(?P<when> on \w+)?"
    r" that (?P<what>.{20,})\.$"
)


def reorder(text: str, rng: random.Random) -> str | None:
    """Move a clause: "X said that Y." -> "Y, X said."; "A, B." -> "B, a."; None if no clause."""
    m = _SAID_THAT.match(text)
    if m is not None:
        what = m.group("what")
        who = m.group("who")
        if who.split()[0] in _STARTERS:
            who = who[:1].lower() + who[1:]
        return f"{what[:1].upper()}{what[1:]}, {who} {m.group('verb')}{m.group('when') or ''}."
    tokens = _split_tokens(text)
    # Rotating clauses across a quotation would tear the quotation apart.
    if not tokens or not tokens[-1].endswith(".") or re.search('["\u201c\u201d]', text):
        return None
    cuts = [k for k in range(4, len(tokens) - 3) if tokens[k - 1].endswith(",")]
    # Exactly one comma: with more, the rotated clauses no longer read as a sentence.
    if len(cuts) != 1 or text.count(",") != 1:
        return None
    k = cuts[0]
    first = [*tokens[: k - 1], tokens[k - 1][:-1]]
    second = [*tokens[k:-1], tokens[-1][:-1]]
    if first[0] in _STARTERS:
        first[0] = first[0].lower()
    second[0] = second[0][:1].upper() + second[0][1:]
    return " ".join(second) + ", " + " ".join(first) + "."


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def change_numbers(text: str, rng: random.Random) -> str | None:
    """Change one number in the sentence (a year by one, others by a few units); None if none."""
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    digits = m.group()
    if re.fullmatch(r"(?:19|20)\d\d", digits):
        new = str(int(digits) + rng.choice((-1, 1)))
    else:
        # Change the last digit so the number keeps its shape (1,250 -> 1,257; 3.5 -> 3.8).
        last = int(digits[-1])
        new = digits[:-1] + str((last + rng.randint(1, 8)) % 10)
    return text[: m.start()] + new + text[m.end() :]


_JOINTS = ("and", "but")


def split_sentence(text: str, rng: random.Random) -> tuple[str, str] | None:
    """Split at a clause boundary ("; ", ", and ", ", but ") into two sentences.

    Only clause boundaries: splitting an apposition (", the largest retailer,") would leave a
    fragment no editor writes.
    """
    tokens = _split_tokens(text)
    if not tokens or tokens[-1][-1:] not in ".!?":
        return None
    cuts = [
        k
        for k in range(5, len(tokens) - 4)
        if tokens[k - 1].endswith(";")
        or (tokens[k - 1].endswith(",") and tokens[k].lower() in _JOINTS)
    ]
    cuts = [k for k in cuts if tokens[k - 1][-2:-1] not in "\"'\u201d\u2019"]
    if not cuts:
        return None
    k = rng.choice(cuts)
    left = [*tokens[: k - 1], tokens[k - 1][:-1] + "."]
    right = tokens[k:]
    if right[0].lower() in _JOINTS:
        right = right[1:]
    right[0] = right[0][:1].upper() + right[0][1:]
    return " ".join(left), " ".join(right)


def merge_sentences(first: str, second: str, rng: random.Random) -> str | None:
    """Join two sentences with '; ' or ', and '; None when the first does not end in a stop."""
    if not first.endswith(".") or first.endswith("..") or not _ends_sentence(second):
        return None
    head = first[:-1]
    lead, word, _ = _core(second.split(maxsplit=1)[0]) if second.split() else ("", "", "")
    tail = second
    if word in _STARTERS and not lead:
        tail = second[:1].lower() + second[1:]
    joint = "; " if rng.random() < 0.5 else ", and "
    return head + joint + tail


_LONG_WORD = re.compile(r"\b([^\W\d_]{5})([^\W\d_]{5,})")
_BEFORE_NUMBER = re.compile(r"(?<=\w) (?=\d)|(?<=\bMr) |(?<=\bMr\.) |(?<=\bDr) |(?<=\bDr\.) ")


def _typography(text: str, extras: frozenset[str] = frozenset()) -> str:
    """Curly quotes, typographic dashes and apostrophes: layout, never a change.

    `extras` adds what web pages and word processors add: "nbsp" (no-break spaces before
    numbers and after titles), "shy" (soft hyphens inside long words), "nfd" (decomposed
    accents).
    """
    out = re.sub(r'(^|[\s(\[])"', "\\1\u201c", text)
    out = out.replace('"', "\u201d")
    out = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", out)
    out = out.replace(" -- ", " \u2014 ").replace(" - ", " \u2013 ")
    if "nbsp" in extras:
        out = _BEFORE_NUMBER.sub("\u00a0", out)
    if "shy" in extras:
        out = _LONG_WORD.sub("\\1\u00ad\\2", out)
    if "nfd" in extras:
        out = unicodedata.normalize("NFD", out)
    return out


# ---------------------------------------------------------------------------------------------
# Furniture.


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


_WHEN = re.compile(
    r"\b(?:on|last|this|late|early) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|week|month|year)\b|\b(?:on|in) (?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)(?: \d+)?\b",
)
_BREAK_BEFORE = frozenset(_listed("in of for at to from with after over as amid by on"))
# A headline does not end on these.
_WEAK_END = frozenset(
    _listed("""would will could should may might has have had is are was were be to the a an and
    or but of in on at for that which who it its their his her said says as by with from""")
)


def make_title(lead: str, rng: random.Random) -> str:
    """A headline from the lead's first clause, as sub-editors write them."""
    clause = re.split(r"[,;:(\"\u201c]| said | says ", _WHEN.sub("", lead), maxsplit=1)[0]
    ws = [w.strip(".'\u2019") for w in clause.split() if w.lower() not in ("the", "a", "an")]
    ws = [w for w in ws if w]
    if len(ws) < 3:
        return f"{rng.choice(_OUTLETS)} report"
    limit = rng.randint(6, 10)
    # Cut before a preposition where possible, so the headline ends on a noun or verb.
    cut = max(
        (k for k in range(4, min(limit, len(ws))) if ws[k].lower() in _BREAK_BEFORE), default=0
    )
    ws = ws[: cut or limit]
    while len(ws) > 3 and ws[-1].lower() in _WEAK_END:
        ws.pop()
    if rng.random() < 0.3:
        return " ".join(w[:1].upper() + w[1:] for w in ws)
    return " ".join([ws[0][:1].upper() + ws[0][1:], *ws[1:]])


def make_byline(rng: random.Random, name: str, outlet: str) -> str:
    forms = (
        f"By {name}",
        f"By {name}, {outlet}",
        f"By {name} | {outlet}",
        f"By {name}, Staff Reporter",
        f"{name}, {rng.choice(_BEATS)} correspondent",
    )
    return rng.choice(forms)


def make_dateline(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.choice(_MONTHS), rng.randint(1996, 2025)
    hour, minute = rng.randint(0, 23), rng.choice((0, 5, 15, 30, 45))
    forms = (
        f"{rng.choice(_CITIES)}, {month} {day}",
        f"Published {day} {month} {year}",
        f"Updated: {hour:02d}:{minute:02d} GMT, {day} {month} {year}",
        f"{month} {day}, {year}",
        f"Last updated on {day} {month} {year} at {hour:02d}:{minute:02d}",
    )
    return rng.choice(forms)


def make_credit(rng: random.Random) -> str:
    agency = rng.choice(_AGENCIES)
    forms = (
        f"Photo: {_name(rng)} / {agency}",
        f"(Image: {agency})",
        f"Photograph: {_name(rng)} for {rng.choice(_OUTLETS)}",
        f"Picture: {agency}",
    )
    return rng.choice(forms)


def make_bio(rng: random.Random, name: str, outlet: str) -> list[str]:
    beat = rng.choice(_BEATS)
    first = rng.choice(
        (
            f"{name} is a {beat} correspondent for the {outlet}.",
            f"{name} covers {beat} for the {outlet}.",
            f"{name} is the {outlet}'s {beat} editor.",
        )
    )
    if rng.random() < 0.5:
        return [first]
    pronoun = rng.choice(("She", "He", "They"))
    verb = "have" if pronoun == "They" else "has"
    return [first, f"{pronoun} {verb} reported on {beat} since {rng.randint(1985, 2020)}."]


def make_promos(rng: random.Random, outlet: str, headline: str) -> list[str]:
    forms = [
        f"Read more: {headline}",
        f"Click here to subscribe to the {outlet}.",
        f"Subscribe to our {rng.choice(('morning', 'daily', 'weekly'))} newsletter "
        "for the day's top stories.",
        "Share this article: Facebook | Email | Copy link",
        f"Sign up for {outlet} breaking news alerts.",
        "Follow us on social media for the latest updates.",
        f"Download the {outlet} app to read more stories like this.",
        "Click here to read more from our correspondents.",
    ]
    return rng.sample(forms, rng.randint(1, 3))


# ---------------------------------------------------------------------------------------------
# Version-level operations on the draft.


def _reword_pieces(d: _Draft, rng: random.Random, prof: Profile, vocab: list[str]) -> None:
    spots = [(p, k) for p, k in d.content() if len(d.body[p][k].text.split()) >= 6]
    if not spots:
        return
    share = rng.uniform(*prof.reword_share)
    for p, k in rng.sample(spots, max(1, round(share * len(spots)))):
        piece = d.body[p][k]
        strength = rng.uniform(*prof.reword_strength)
        moved = reorder(piece.text, rng) if rng.random() < prof.reorder else None
        if moved is not None:
            # A clause moved within the sentence, as sub-editors do with attributions.
            d.body[p][k] = Piece(moved, piece.sources, None, (*piece.edits, "reorder"))
            continue
        text = reword(piece.text, rng, strength, vocab)
        if text != piece.text:
            d.body[p][k] = Piece(text, piece.sources, None, (*piece.edits, "reword"))
    d.ops.append("reword")


def _number_pieces(d: _Draft, rng: random.Random) -> None:
    spots = [(p, k) for p, k in d.content() if _NUMBER.search(d.body[p][k].text)]
    if not spots:
        return
    for p, k in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        piece = d.body[p][k]
        text = change_numbers(piece.text, rng)
        if text is not None and text != piece.text:
            d.body[p][k] = Piece(text, piece.sources, None, (*piece.edits, "number"))
    d.ops.append("numbers")


def _split_pieces(d: _Draft, rng: random.Random) -> None:
    spots = [
        (p, k)
        for p, k in d.content()
        if len(d.body[p][k].sources) == 1 and "reorder" not in d.body[p][k].edits
    ]
    rng.shuffle(spots)
    done = 0
    # Right to left within a paragraph keeps the remaining positions valid.
    for p, k in sorted(spots[: rng.randint(1, 2) * 3], reverse=True):
        if done >= 2:
            break
        piece = d.body[p][k]
        parts = split_sentence(piece.text, rng)
        if parts is None:
            continue
        edits = (*piece.edits, "split")
        d.body[p][k : k + 1] = [Piece(t, piece.sources, None, edits) for t in parts]
        done += 1
    if done:
        d.ops.append("split")


def _merge_pieces(d: _Draft, rng: random.Random) -> None:
    spots = [
        (p, k)
        for p, para in enumerate(d.body)
        for k in range(len(para) - 1)
        if para[k].role is None
        and para[k + 1].role is None
        and len(para[k].sources) == 1
        and len(para[k + 1].sources) == 1
        and "split" not in para[k].edits + para[k + 1].edits
        and len(para[k].text.split()) + len(para[k + 1].text.split()) <= 60
    ]
    rng.shuffle(spots)
    used: set[int] = set()
    done = 0
    for p, k in sorted(spots[:2], reverse=True):
        if p in used:
            continue
        first, second = d.body[p][k], d.body[p][k + 1]
        text = merge_sentences(first.text, second.text, rng)
        if text is None:
            continue
        edits = (*first.edits, *second.edits, "merge")
        d.body[p][k : k + 2] = [Piece(text, first.sources + second.sources, None, edits)]
        used.add(p)
        done += 1
    if done:
        d.ops.append("merge")


def _delete_pieces(d: _Draft, rng: random.Random) -> None:
    if rng.random() < 0.3 and len(d.body) > 3:
        p = rng.randrange(1, len(d.body))
        for piece in d.body.pop(p):
            d.drop(piece, "delete-paragraph")
        d.ops.append("delete-paragraph")
        return
    # The halves of a split sentence go or stay together: cutting one is a rewording.
    spots = [(p, k) for p, k in d.content() if "split" not in d.body[p][k].edits]
    if len(spots) < 4:
        return
    for p, k in sorted(rng.sample(spots, rng.randint(1, 3)), reverse=True):
        d.drop(d.body[p].pop(k), "delete")
    d.body = [para for para in d.body if para]
    d.ops.append("delete")


def _insert_pieces(d: _Draft, rng: random.Random, donor: Sequence[str]) -> None:
    # Whole sentences only: a headline without a stop would run into its neighbour.
    pool = [s for s in donor if len(s.split()) >= 6 and _ends_sentence(s)]
    if not pool or not d.body:
        return
    for text in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
        piece = Piece(text, (), None, ("insert",))
        if rng.random() < 0.4:
            d.body.insert(rng.randint(1, len(d.body)), [piece])
        else:
            para = d.body[rng.randrange(len(d.body))]
            para.insert(rng.randint(0, len(para)), piece)
    d.ops.append("insert")


def _tag(piece: Piece, edit: str) -> Piece:
    return Piece(piece.text, piece.sources, piece.role, (*piece.edits, edit))


def _move_paragraph(d: _Draft, rng: random.Random) -> None:
    if len(d.body) < 3:
        return
    src = rng.randrange(len(d.body))
    para = [_tag(x, "move-paragraph") for x in d.body.pop(src)]
    dst = rng.choice([i for i in range(len(d.body) + 1) if i != src])
    d.body.insert(dst, para)
    d.ops.append("move-paragraph")


def _move_sentence(d: _Draft, rng: random.Random) -> None:
    spots = [(p, k) for p, k in d.content() if "split" not in d.body[p][k].edits]
    if len(d.body) < 3 or not spots:
        return
    p, k = rng.choice(spots)
    piece = _tag(d.body[p].pop(k), "move-sentence")
    q = rng.choice([i for i in range(len(d.body)) if abs(i - p) >= 2] or [0])
    d.body[q].insert(rng.randint(0, len(d.body[q])), piece)
    d.body = [para for para in d.body if para]
    d.ops.append("move-sentence")


def _truncate(d: _Draft, rng: random.Random) -> None:
    if len(d.body) < 4:
        return
    keep = max(2, round(len(d.body) * rng.uniform(0.5, 0.8)))
    for para in d.body[keep:]:
        for piece in para:
            d.drop(piece, "truncate")
    d.body = d.body[:keep]
    d.ops.append("truncate")


def _excerpt(d: _Draft, rng: random.Random) -> None:
    if len(d.body) < 5:
        return
    size = max(2, round(len(d.body) * rng.uniform(0.3, 0.6)))
    start = rng.randint(1, len(d.body) - size)
    for p, para in enumerate(d.body):
        if not start <= p < start + size:
            for piece in para:
                d.drop(piece, "excerpt")
    d.body = d.body[start : start + size]
    d.ops.append("excerpt")


def _furniture(d: _Draft, rng: random.Random, lead: str, elsewhere: str) -> None:
    """Title, byline, dateline, credit, bio and promos; `elsewhere` is another story's lead."""
    name, outlet = _name(rng), rng.choice(_OUTLETS)
    title = next((x for x in d.head if x.role == "title"), None)
    if title is not None:
        roll = rng.random()
        if roll < 0.3:
            new = reword(title.text, rng, 0.25, [])
            d.head[0] = Piece(new, title.sources, "title", ("reword",))
        elif roll < 0.5:
            d.drop(title, "title-replaced")
            d.head[0] = Piece(make_title(lead, rng), (), "title", ("furniture",))
    elif rng.random() < 0.7:
        d.head.append(Piece(make_title(lead, rng), (), "title", ("furniture",)))
    extra: list[Piece] = []
    if rng.random() < 0.7:
        extra.append(Piece(make_byline(rng, name, outlet), (), "byline", ("furniture",)))
    if rng.random() < 0.5:
        extra.append(Piece(make_dateline(rng), (), "dateline", ("furniture",)))
    if rng.random() < 0.4:
        extra.append(Piece(make_credit(rng), (), "credit", ("furniture",)))
    d.head.extend(extra)
    if rng.random() < 0.25 and d.body and d.body[0] and d.body[0][0].role is None:
        # A wire dateline glued to the lead: the lead is then reworded, not furniture.
        lead_piece = d.body[0][0]
        city, month, day = rng.choice(_CITIES), rng.choice(_MONTHS), rng.randint(1, 28)
        prefix = rng.choice(
            (f"{city}, {month} {day} ({outlet}) - ", f"{city} ({outlet}) -- ", f"{city} - ")
        )
        d.body[0][0] = Piece(
            prefix + lead_piece.text,
            lead_piece.sources,
            None,
            (*lead_piece.edits, "dateline-prefix"),
        )
    if rng.random() < 0.6:
        d.tail.extend(Piece(t, (), "bio", ("furniture",)) for t in make_bio(rng, name, outlet))
    if rng.random() < 0.7:
        # "Read more" links point at other stories, not at this one.
        headline = make_title(elsewhere, rng)
        d.tail.extend(
            Piece(t, (), "promo", ("furniture",)) for t in make_promos(rng, outlet, headline)
        )
    if rng.random() < 0.2 and len(d.body) > 3:
        # An inline "Read more" link between paragraphs, as many sites place them.
        promo = Piece(f"Read more: {make_title(elsewhere, rng)}", (), "promo", ("furniture",))
        d.body.insert(rng.randint(2, len(d.body) - 1), [promo])
    d.ops.append("furniture")


# ---------------------------------------------------------------------------------------------
# Layout.


def _wrap(text: str, width: int) -> str:
    """Greedy hard wrap that only turns spaces into newlines (offsets and words unchanged)."""
    out = list(text)
    line_start = 0
    last_space = -1
    for i, ch in enumerate(text):
        if ch == " ":
            if i - line_start > width and last_space > line_start:
                out[last_space] = "\n"
                line_start = last_space + 1
            last_space = i
    if len(text) - line_start > width and last_space > line_start:
        out[last_space] = "\n"
    return "".join(out)


def render(paragraphs: Sequence[Sequence[str]], layout: str, rng: random.Random) -> str:
    """Lay out paragraphs of sentences as plain text."""
    if layout == "paragraphs":
        return "\n\n".join(" ".join(p) for p in paragraphs) + "\n"
    if layout == "lines":
        return "\n\n".join("\n".join(p) for p in paragraphs) + "\n"
    if layout == "lines-compact":
        return "\n".join(s for p in paragraphs for s in p) + "\n"
    if layout == "wrap":
        width = rng.randint(60, 80)
        return "\n\n".join(_wrap(" ".join(p), width) for p in paragraphs) + "\n"
    raise ValueError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">{author}
</head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience and to show you relevant
advertising. By continuing to browse you agree to our use of cookies.</p>
<button>Accept all</button></div>
<header><a class="logo" href="/">{outlet}</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/business">Business</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<div class="ad">Advertisement: spring offers on every model at Northgate Motors.</div>
<main><article>
{body}
</article>
<aside><h2>Most read</h2><ol><li><a href="/a">Tide tables for the summer season</a></li>
<li><a href="/b">Rowers take silver at the regatta</a></li></ol>
<div class="ad">Advertisement: new patients welcome at Quayside Dental.</div></aside></main>
<footer><p>&copy; {outlet}. All rights reserved.</p><a href="/privacy">Privacy</a>
<a href="/terms">Terms</a> <a href="/contact">Contact</a></footer>
</body></html>
"""


def render_html(blocks: Sequence[Sequence[Piece]], rng: random.Random) -> str:
    """A news page around the blocks: title in <h1>, byline and date in their own elements."""
    esc = html.escape
    parts: list[str] = []
    title = author = ""
    for block in blocks:
        text = " ".join(x.text for x in block)
        role = block[0].role
        if role == "title" and not title:
            title = text
            parts.append(f"<h1>{esc(text)}</h1>")
        elif role == "byline":
            author = text.removeprefix("By ").split(",")[0].split("|")[0].strip()
            parts.append(f'<p class="byline">{esc(text)}</p>')
        elif role == "dateline":
            parts.append(f'<p class="date"><time>{esc(text)}</time></p>')
        else:
            parts.append(f"<p>{esc(text)}</p>")
    meta = f'\n<meta name="author" content="{esc(author)}">' if author else ""
    return _PAGE.format(
        title=esc(title or "News"),
        outlet=esc(rng.choice(_OUTLETS)),
        author=meta,
        body="\n".join(parts),
    )


# ---------------------------------------------------------------------------------------------
# The generator.


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'\u201d\u2019)]")[-1:] in ".!?"


def source_sentences(text: str, *, has_title: bool = False) -> tuple[list[str], list[int]]:
    """The source's sentences (one space between words) and the paragraph of each."""
    sents = segment(text)
    texts = [" ".join(s.text.split()) for s in sents]
    paras = [s.paragraph for s in sents]
    # A line without a final stop (headline, list item, subheading, desk contact) is kept a
    # paragraph of its own, so that no layout can run it into the next sentence.
    alone = [(has_title and k == 0) or not _ends_sentence(t) for k, t in enumerate(texts)]
    block = -1
    out_paras = []
    for k in range(len(texts)):
        if k == 0 or alone[k] or alone[k - 1] or paras[k] != paras[k - 1]:
            block += 1
        out_paras.append(block)
    return texts, out_paras


def make_version(
    text: str,
    rng: random.Random,
    *,
    profile: Profile = FULL,
    donor: str | None = None,
    has_title: bool = False,
) -> tuple[str, Truth]:
    """Rewrite an article into a new version and say exactly what was done.

    Args:
        text: the source article, paragraphs separated by blank lines.
        rng: every random choice comes from it.
        profile: how likely each transformation is.
        donor: another article; inserted sentences are taken from it.
        has_title: the first paragraph of `text` is a headline (BBC files).

    Returns:
        The new text and its `Truth`.
    """
    sources, paras = source_sentences(text, has_title=has_title)
    roles: list[Role | None] = [None] * len(sources)
    head: list[Piece] = []
    body: list[list[Piece]] = []
    last = None
    for i, (s, p) in enumerate(zip(sources, paras, strict=True)):
        if has_title and i == 0:
            roles[0] = "title"
            head.append(Piece(s, (0,), "title"))
            continue
        if p != last:
            body.append([])
            last = p
        body[-1].append(Piece(s, (i,)))
    d = _Draft(head, body, [])
    lead = next((x.text for para in body for x in para), "")
    donor_sents = source_sentences(donor)[0] if donor else []
    vocab = [w for s in donor_sents for w in s.split() if w.isalpha() and w.islower()]

    if rng.random() < profile.excerpt:
        _excerpt(d, rng)
    elif rng.random() < profile.truncate:
        _truncate(d, rng)
    if rng.random() < profile.delete:
        _delete_pieces(d, rng)
    if rng.random() < profile.reword:
        _reword_pieces(d, rng, profile, vocab)
    if rng.random() < profile.numbers:
        _number_pieces(d, rng)
    if rng.random() < profile.split:
        _split_pieces(d, rng)
    if rng.random() < profile.merge:
        _merge_pieces(d, rng)
    if rng.random() < profile.insert:
        # The donor's last sentence is kept for "Read more" headlines, never inserted.
        _insert_pieces(d, rng, donor_sents[:-1])
    if rng.random() < profile.move_paragraph:
        _move_paragraph(d, rng)
    if rng.random() < profile.move_sentence:
        _move_sentence(d, rng)
    if rng.random() < profile.furniture:
        _furniture(d, rng, lead, donor_sents[-1] if donor_sents else "Local news in brief")

    typography = rng.random() < profile.typography
    extras = frozenset(x for x in ("nbsp", "shy", "nfd") if typography and rng.random() < 0.5)
    layout = rng.choice(profile.layouts)
    if typography:
        d.ops.append("typography")
        d.ops.extend(f"typography-{x}" for x in sorted(extras))
    d.ops.append(f"layout-{layout}")
    # Furniture lines stand alone, as they do on a page; bios keep their sentences together.
    blocks: list[list[Piece]] = [[x] for x in d.head] + d.body
    if d.tail:
        bio = [x for x in d.tail if x.role == "bio"]
        blocks += ([bio] if bio else []) + [[x] for x in d.tail if x.role != "bio"]
    pieces: list[Piece] = []
    para_of: list[int] = []
    lines: list[list[str]] = []
    for b, block in enumerate(blocks):
        line = []
        for piece in block:
            t = _typography(piece.text, extras) if typography else piece.text
            pieces.append(Piece(t, piece.sources, piece.role, piece.edits))
            para_of.append(b)
            line.append(t)
        lines.append(line)
    if layout == HTML:
        rendered = [
            [Piece(t, x.sources, x.role) for t, x in zip(line, block, strict=True)]
            for line, block in zip(lines, blocks, strict=True)
        ]
        out = render_html(rendered, rng)
    else:
        out = render(lines, layout, rng)
    truth = Truth(
        tuple(sources),
        tuple(roles),
        tuple(pieces),
        tuple(para_of),
        tuple(d.ops),
        layout,
        tuple(sorted(d.dropped)),
    )
    return out, truth


# ---------------------------------------------------------------------------------------------
# Truth between two versions, and matching truth to any segmentation.


@dataclass(frozen=True, slots=True)
class TrueUnit:
    """One unit of the true alignment: piece indices of each version and the kinds accepted."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    kind: Kind
    accept: frozenset[Kind]
    boilerplate: bool


def _lis_membership(seq: Sequence[int]) -> list[str]:
    """For each element: 'all' if in every longest increasing run, 'some', or 'none'."""
    n = len(seq)
    ending = [1] * n
    starting = [1] * n
    for i in range(n):
        for j in range(i):
            if seq[j] < seq[i]:
                ending[i] = max(ending[i], ending[j] + 1)
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            if seq[j] > seq[i]:
                starting[i] = max(starting[i], starting[j] + 1)
    best = max((e + s - 1 for e, s in zip(ending, starting, strict=True)), default=0)
    on = [ending[i] + starting[i] - 1 == best for i in range(n)]
    level_count: dict[int, int] = {}
    for i in range(n):
        if on[i]:
            level_count[ending[i]] = level_count.get(ending[i], 0) + 1
    return [
        "none" if not on[i] else "all" if level_count[ending[i]] == 1 else "some" for i in range(n)
    ]


def pair_truth(a: Truth, b: Truth) -> list[TrueUnit]:
    """The true alignment between two versions of one source, in reading order of `b`."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for side, truth in (("a", a), ("b", b)):
        for i, piece in enumerate(truth.pieces):
            for s in piece.sources:
                parent[find((side, i))] = find(("s", s))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for i in range(len(a.pieces)):
        groups.setdefault(find(("a", i)), ([], []))[0].append(i)
    for j in range(len(b.pieces)):
        groups.setdefault(find(("b", j)), ([], []))[1].append(j)
    matched = sorted(((ai, bi) for ai, bi in groups.values() if ai and bi), key=lambda g: g[1][0])
    membership = _lis_membership([ai[0] for ai, _ in matched])
    units: list[TrueUnit] = []
    for (ai, bi), member in zip(matched, membership, strict=True):
        wa = [w for i in ai for w in words(a.pieces[i].text)]
        wb = [w for j in bi for w in words(b.pieces[j].text)]
        base: Kind = "same" if wa == wb else "reworded"
        furniture = any(a.pieces[i].role for i in ai) or any(b.pieces[j].role for j in bi)
        accept: frozenset[Kind]
        if member == "none":
            kind: Kind = "moved"
            accept = frozenset({kind})
        else:
            kind = base
            moved: Kind = "moved"
            accept = frozenset({base, moved} if member == "some" else {base})
        units.append(TrueUnit(tuple(ai), tuple(bi), kind, accept, furniture))
    for ai, bi in groups.values():
        if ai and bi:
            continue
        for i in ai:
            role = a.pieces[i].role is not None
            units.append(TrueUnit((i,), (), "removed", frozenset({"removed"}), role))
        for j in bi:
            role = b.pieces[j].role is not None
            units.append(TrueUnit((), (j,), "added", frozenset({"added"}), role))
    return units


def piece_of_words(text: str, truth: Truth) -> list[int]:
    """For each word of `text` (in `WORD_RE` order), the index of the piece it comes from.

    Words are matched by sequence, so any layout, any segmentation and any reader that keeps
    the words in order gives the same answer; words the reader added map to -1.
    """
    doc = keys(text)
    stream: list[str] = []
    owner: list[int] = []
    for p, piece in enumerate(truth.pieces):
        k = keys(piece.text)
        stream.extend(k)
        owner.extend([p] * len(k))
    if stream == doc:
        return owner
    out = [-1] * len(doc)
    matcher = SequenceMatcher(None, doc, stream, autojunk=False)
    for blk in matcher.get_matching_blocks():
        for t in range(blk.size):
            out[blk.a + t] = owner[blk.b + t]
    return out


def present_only(text: str, truth: Truth) -> Truth:
    """The truth of what a reader kept: pieces none of whose words are in `text` are dropped.

    An HTML extractor rightly drops some furniture (share bars, captions); those pieces are then
    no longer part of the version, and their sources count as dropped by the "reader".
    """
    kept = set(piece_of_words(text, truth)) - {-1}
    if len(kept) == len(truth.pieces):
        return truth
    gone = [p for i, p in enumerate(truth.pieces) if i not in kept]
    return Truth(
        truth.sources,
        truth.source_roles,
        tuple(p for i, p in enumerate(truth.pieces) if i in kept),
        tuple(b for i, b in enumerate(truth.paragraphs) if i in kept),
        truth.ops,
        truth.layout,
        tuple(sorted([*truth.dropped, *((s, "reader") for p in gone for s in p.sources)])),
    )
