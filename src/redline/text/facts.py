"""Facts an editor checks: numbers (digits or spelled out), dates, amounts, percentages, names.

`story_facts` compares two versions: a fact changed inside a reworded sentence is a pair
("four → five (suspension cables)"); the rest are facts added or removed. Numbers and dates are
counted (one that occurred twice and now once is a change); names are present or not. Precision
comes first: a fact is never reported as removed while it still occurs in the new version as
often as in the old (its words in sequence, case and accents ignored), nor as added while it
occurs in the old one as often. Month, weekday and number words are data files (`data/<lang>/`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from redline.models import FactChange, FactCount, Facts
from redline.text.normalize import WORD_RE, word_key
from redline.text.segment import segment


def _wordset(words: str) -> frozenset[str]:
    """The whitespace-separated words of a literal word list."""
    return frozenset(words.split())


def _data_lines(name: str, lang: str = "en") -> list[list[str]]:
    """The non-comment lines of data file `name` for `lang`, split into words."""
    text = resources.files("redline.text").joinpath("data", lang, name).read_text("utf-8")
    return [line.split() for line in text.splitlines() if line.strip() and line[0] != "#"]


_MONTH_ROWS = _data_lines("months.txt")
_MONTH_FULL = [row[0] for row in _MONTH_ROWS]
_WEEKDAYS = [row[0] for row in _data_lines("weekdays.txt")]


def _month_pattern() -> str:
    """Any month name as written: the full name, or an abbreviation with or without its dot."""
    forms: list[str] = []
    for full, *abbrs in _MONTH_ROWS:
        forms.append(re.escape(full.capitalize()))
        forms.extend(re.escape(a.capitalize()) + r"\.?" for a in abbrs)
    # Longest first, so "Sept." is not read as "Sep" and a stray dot.
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + r")(?!\w)"


_MONTHS = _month_pattern()
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:million|billion|trillion|thousand|bn|mn|m|k)\b)?"
_CURRENCY = r"(?:US\$|C\$|A\$|HK\$|NZ\$|R\$|[$€£¥₹₩₽])"
_CURRENCY_WORDS = r"(?:dollars|euros|pounds|yen|yuan|francs|rupees|pesos|kronor|krone|roubles)"
# Upper-case letters of the Basic Multilingual Plane, so "Élodie" and "Łódź" are names too.
_UPPER = "".join(
    ch for ch in map(chr, range(0x10000)) if ch.isupper() or unicodedata.category(ch) == "Lt"
)
_UP = f"[{re.escape(_UPPER)}]"
# A plural possessive may sit inside a name ("Harbour Residents' Party").
_NAME_WORD = rf"(?:{_UP}[\w\u2019'&-]*\w(?:['\u2019](?=\s{_UP}))?|{_UP}(?:\.{_UP})+\.?|{_UP})"
_CONNECTOR = r"(?:of|de|des|del|della|degli|da|das|do|dos|van|von|der|den|ter|la|le|du|di|bin|al|&)"
# Words after which "of" continues a name ("Bank of Lisbon", "Port Authority of New York").
_OF_HEADS = _wordset(
    """bank banks university college school institute institution museum port authority
    department ministry minister secretary office council board commission committee court
    house church cathedral city state states republic kingdom union federation association
    society chamber league academy foundation fund agency bureau corporation company
    province county district region isle island islands gulf bay sea lake river mount cape
    duke duchess prince princess king queen earl lord archbishop bishop mayor governor
    president chancellor director chairman general attorney speaker"""
)
_CALENDAR = frozenset(_WEEKDAYS + _MONTH_FULL)
_FULL_MONTHS = "(?:" + "|".join(m.capitalize() for m in _MONTH_FULL) + ")"
# "May 2026" is left out: "may" is a modal verb far more often than a month before a year.
_MONTH_YEAR_MONTHS = "(?:" + "|".join(m.capitalize() for m in _MONTH_FULL if m != "may") + ")"
_HYPHEN_WORD = re.compile(r"[A-Z]-[a-z]")
_CONNECTOR_RE = re.compile(_CONNECTOR)
_CAPITALISED = re.compile(rf"(?<!\w){_UP}[\w\u2019'-]*")

# Every fact starts a word; the lookahead lets the scan skip other positions cheaply.
_FACT = re.compile(
    rf"""
    (?<![\w.,])(?=[\d$€£¥₹₩₽]|\.\d|{_UP})
    (?:(?P<amount>{_CURRENCY}\s?(?:{_NUM}){_SCALE}|(?:{_NUM}){_SCALE}\s{_CURRENCY_WORDS}\b)
    |(?P<percent>(?:{_NUM})\s?(?:%|percent\b|per\scent\b|percentage\spoints?\b))
    |(?P<date>\d{{4}}-[01]\d-[0-3]\d(?!\w|-)
        |{_MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?\b(?![.,]\d)(?:,?\s\d{{4}}\b)?
        |\d{{1,2}}(?:st|nd|rd|th)?\s{_FULL_MONTHS}\b(?:,?\s\d{{4}}\b)?
        |{_MONTH_YEAR_MONTHS}\s\d{{4}}\b)
    |(?P<number>\d{{1,2}}:\d{{2}}|(?:{_NUM})(?:[^\W\d_]{{1,3}}(?:{_NUM}))+[^\W\d_]{{0,6}}(?!\w)
        |(?:{_NUM}){_SCALE}(?!\w|[.,]\d)
        |(?:{_NUM})[^\W\d_]{{1,6}}(?!\w)|\.\d+(?!\w))
    |(?P<name>{_NAME_WORD}(?:\s(?:{_CONNECTOR}\s)?{_NAME_WORD})*))
    """,
    re.VERBOSE,
)

# Spelled-out numbers: "four", "twenty-five", "three hundred", "four million".
_NUMBER_WORDS = {row[0]: int(row[1]) for row in _data_lines("numbers.txt")}
_UNIT_ROWS = _data_lines("number_units.txt")
_UNITS = {row[1]: int(row[2]) for row in _UNIT_ROWS if row[0] == "unit"}
_MULTIPLIERS = {row[1]: int(row[2]) for row in _UNIT_ROWS if row[0] == "multiplier"}
_SCALES = [row[1] for row in _UNIT_ROWS if row[0] == "scale"]
_TENS = [w for w, v in _NUMBER_WORDS.items() if v >= 20 and v % 10 == 0]
_DIGIT_WORDS = [*(w for w, v in _NUMBER_WORDS.items() if v < 10), *_UNITS]
_SPELLED = re.compile(
    rf"(?<![\w-])(?:{'|'.join(_TENS)})-(?:{'|'.join(_DIGIT_WORDS)})(?![\w-])"
    rf"(?:\s(?:{'|'.join([*_MULTIPLIERS, *_SCALES])})\b)?"
    rf"|(?<![\w-])(?:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})(?![\w-])"
    rf"(?:\s(?:{'|'.join([*_MULTIPLIERS, *_SCALES])})\b)?",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(\d{4})-([01]\d)-([0-3]\d)")


def _spelled_value(words: list[str]) -> str | None:
    """Digits for a spelled-out number's words ("twenty-five" -> "25"), else None."""
    if not words:
        return None
    head, *rest = words
    tens, _, unit = head.partition("-")
    if tens not in _NUMBER_WORDS:
        return None
    value = _NUMBER_WORDS[tens] + (_NUMBER_WORDS.get(unit) or _UNITS.get(unit, 0) if unit else 0)
    if unit and unit not in _NUMBER_WORDS and unit not in _UNITS:
        return None
    if not rest:
        return str(value)
    if len(rest) == 1 and rest[0] in _MULTIPLIERS:
        return str(value * _MULTIPLIERS[rest[0]])
    if len(rest) == 1 and rest[0] in _SCALES:
        return f"{value} {rest[0]}"
    return None


# Capitalised words that start sentences or stand in titles without naming anything.
_COMMON = _wordset(
    """a an the this that these those there then their they them it its he she his her him we
    our i you your but and or so yet nor for in on at by from with without within into under
    over after before during until since while when whenever where whether why what which who
    how if although though because as also however meanwhile moreover furthermore still
    nevertheless instead indeed thus therefore now later earlier today yesterday tomorrow last
    next some many most much few several all both each every other others another such no not
    none one two three four five six seven eight nine ten mr mrs ms dr prof sen rep gov gen
    here like unlike overall only even just once did does do is are was were has have had will
    would can could should may might must my me us let yes okay ok please thanks according
    among despite asked said says more less officials police analysts
    critics experts residents people chief executive president minister director spokesman
    spokeswoman spokesperson editor reporter after photo read click subscribe share follow
    advertisement related updated"""
)
_PERCENT_WORDS = re.compile(r"\s?(?:%|percent|per\scent)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['\u2019]s?$")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_OPENERS = "\"'\u2018\u201c\u00ab(["


def extract_facts(text: str) -> list[str]:
    """Numbers, dates, amounts, percentages and proper names of `text`, as written, in order.

    A fact is listed once (the first time its normalized key occurs). Capitalised words count as
    names only when their capital says something: not at the start of a sentence (or of a
    quotation) unless the same word is capitalised elsewhere mid-sentence, and never a common
    word such as "The" or "However".
    """
    return [fact for _, fact in _facts_with_keys(text)]


def diff_facts(a_text: str, b_text: str) -> Facts:
    """The facts of `a_text` that `b_text` lost (removed) and those it gained (added).

    Whole texts, no sentence pairs: `story_facts` without reworded sentences.
    """
    return story_facts(a_text, a_text, b_text, b_text)


def story_facts(
    a_story: str,
    a_text: str,
    b_story: str,
    b_text: str,
    reworded: Iterable[tuple[str, str]] = (),
    *,
    a_sentences: Sequence[str] | None = None,
    b_sentences: Sequence[str] | None = None,
) -> Facts:
    """What changed in the facts of a story between two versions.

    Args:
        a_story: the old version's story (furniture blanked out, so offsets may stay).
        a_text: the whole old version, furniture included.
        b_story: the new version's story.
        b_text: the whole new version.
        reworded: (old, new) text of each reworded story sentence (or group), in order.
        a_sentences: the texts of `segment(a_text)`, when the caller has them (`compare`
            does), so the whole text is not segmented again; likewise `b_sentences`.

    Returns:
        `Facts`: facts are read from the stories only (a photographer in a credit is no fact),
        but counted against the whole other version, so a fact that merely moved into
        furniture is not reported. A number or date is changed when it occurs more often on
        one side (counts matter); a name when it does not occur on the other side at all.
        A reworded sentence that lost as many facts of a kind as it gained, each one a
        change of the whole story, gives pairs ("four → five"); the rest are added/removed.
    """
    # Held here, not looked up again: the sentence pairs below would evict them from the cache.
    a_all, b_all = _found(a_text, a_sentences), _found(b_text, b_sentences)
    a_found = a_all if a_story == a_text else _found(a_story)
    b_found = b_all if b_story == b_text else _found(b_story)
    lost = _surplus(a_found, b_all, b_text)
    gained = _surplus(b_found, a_all, a_text)
    pairs: dict[tuple[str, str], list[FactChange]] = {}
    for old, new in reworded:
        for o, n in _sentence_pairs(old, new):
            if lost.get(o.key, 0) > 0 and gained.get(n.key, 0) > 0:
                lost[o.key] -= 1
                gained[n.key] -= 1
                pairs.setdefault((o.key, n.key), []).append(FactChange(o.fact, n.fact, _context(n)))
    changed = tuple(
        FactChange(first[0].old, first[0].new, first[0].context, len(first))
        for first in pairs.values()
    )
    removed, removed_counts = _listed(a_found, lost, b_all, b_text, old_side=True)
    added, added_counts = _listed(b_found, gained, a_all, a_text, old_side=False)
    return Facts(
        added=added,
        removed=removed,
        changed=changed,
        counts=removed_counts + added_counts,
    )


@dataclass(frozen=True, slots=True)
class _Fact:
    """One occurrence of a fact: its key, its text as written, its kind and where it stands."""

    key: str
    fact: str
    kind: str
    sentence: str  # the sentence as facts read it (see `_plain`)
    end: int  # offset of the fact's end in `sentence`


# Kinds that are counted; names are present or absent (a reworded sentence often drops one
# mention of a person the story still names).
_COUNTED = frozenset({"amount", "percent", "date", "number"})


def _surplus(
    found: Sequence[_Fact], other_found: Sequence[_Fact], other_text: str
) -> dict[str, int]:
    """How many occurrences of each fact key `other` lacks (keys with a surplus only)."""
    counts = Counter(f.key for f in found)
    other_counts = Counter(f.key for f in other_found)
    occurrences = _occurrences(other_text)
    first: dict[str, _Fact] = {}
    for f in found:
        first.setdefault(f.key, f)
    out: dict[str, int] = {}
    for key, n in counts.items():
        fact = first[key]
        there = _there(fact, other_counts, occurrences)
        surplus = n - there if fact.kind in _COUNTED else int(there == 0)
        if surplus > 0:
            out[key] = surplus
    return out


def _there(fact: _Fact, other_counts: Counter[str], occurrences: _Occurrences) -> int:
    """How often `fact` occurs on the other side: as a fact with its key, or as its words.

    A spelled-out number counts only as a fact: "five" inside "five-yearly" is not five of
    anything.
    """
    if fact.kind == "number" and not any(ch.isdigit() for ch in fact.fact):
        return other_counts[fact.key]
    return max(other_counts[fact.key], occurrences.count(fact.fact))


def _listed(
    found: Sequence[_Fact],
    surplus: dict[str, int],
    other_found: Sequence[_Fact],
    other_text: str,
    *,
    old_side: bool,
) -> tuple[tuple[str, ...], tuple[FactCount, ...]]:
    """Facts with a surplus left after pairing, as written, and their counts when both > 0."""
    facts: list[str] = []
    counts: list[FactCount] = []
    other_counts = Counter(f.key for f in other_found)
    here_counts = Counter(f.key for f in found)
    occurrences = _occurrences(other_text) if surplus else None
    seen: set[str] = set()
    for f in found:
        if f.key in seen or surplus.get(f.key, 0) <= 0:
            continue
        seen.add(f.key)
        facts.append(f.fact)
        if f.kind in _COUNTED and occurrences is not None:
            there = _there(f, other_counts, occurrences)
            if there:
                here = here_counts[f.key]
                old, new = (here, there) if old_side else (there, here)
                counts.append(FactCount(f.fact, old, new))
    return tuple(facts), tuple(counts)


def _sentence_pairs(old: str, new: str) -> list[tuple[_Fact, _Fact]]:
    """Candidate (old, new) fact pairs of one reworded sentence.

    Per kind, the facts one side has more often than the other, in reading order; paired only
    when both sides have the same number of them ("from 10 to 12" -> "from 11 to 13"), since an
    uneven count leaves no way to say which value became which.
    """
    a, b = _found(old), _found(new)
    out: list[tuple[_Fact, _Fact]] = []
    for kind in ("amount", "percent", "date", "number", "name"):
        only_a = _minus([f for f in a if f.kind == kind], [f for f in b if f.kind == kind])
        only_b = _minus([f for f in b if f.kind == kind], [f for f in a if f.kind == kind])
        if only_a and len(only_a) == len(only_b):
            out.extend(zip(only_a, only_b, strict=True))
    return out


def _minus(these: list[_Fact], those: list[_Fact]) -> list[_Fact]:
    """`these` without as many occurrences of each key as `those` has, order kept."""
    budget = Counter(f.key for f in those)
    out = []
    for f in these:
        if budget[f.key] > 0:
            budget[f.key] -= 1
        else:
            out.append(f)
    return out


_CONTEXT_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*|[^\w\s]")
_CONTEXT_LISTS = {row[0].rstrip(":"): frozenset(row[1:]) for row in _data_lines("fact_context.txt")}
_CONTEXT_SKIP = _CONTEXT_LISTS["skip"]
_CONTEXT_STOP = _CONTEXT_LISTS["stop"]
_CONTEXT_THROUGH = _CONTEXT_LISTS["through"]
_CONTEXT_WORDS = 3


def _context(fact: _Fact) -> str:
    """Up to three words next to the fact, saying what it counts ("vehicles a day").

    The words after the fact, up to punctuation or a preposition or conjunction, leading
    function words skipped ("four of its suspension cables" -> "suspension cables"); a fact
    that ends its clause, or is followed by a new phrase, takes the words before it instead
    ("at its meeting on March 29", "rise by 12% from April 1").
    """
    tokens = _clause(_CONTEXT_WORD.findall(fact.sentence[fact.end :]))
    # "10% from April 1" names a date, not what rose: the words before say more ("rise").
    opens_phrase = bool(tokens) and tokens[0].lower() in _CONTEXT_STOP - _CONTEXT_THROUGH
    after = [] if opens_phrase else _words(tokens)
    if after:
        return " ".join(after)
    start = fact.end - len(fact.fact)
    # Before a number, the nearest two words say most ("a budget of 5 million" -> "budget").
    before = _words(_CONTEXT_WORD.findall(fact.sentence[:start])[::-1])[:2][::-1]
    while before and before[0].lower() in _CONTEXT_SKIP:
        before = before[1:]
    return " ".join(before)


def _words(tokens: list[str]) -> list[str]:
    """The context words at the start of `tokens`: skip function words, stop at a boundary."""
    tokens = _clause(tokens)
    while tokens and tokens[0].lower() in _CONTEXT_SKIP:
        tokens = tokens[1:]
    out: list[str] = []
    for token in tokens[:_CONTEXT_WORDS]:
        if token.lower() in _CONTEXT_STOP:
            break
        out.append(token)
    while out and out[-1].lower() in _CONTEXT_SKIP:
        out.pop()
    return out


def _clause(tokens: list[str]) -> list[str]:
    """The words before the first punctuation token."""
    out = []
    for token in tokens:
        if not token[0].isalnum():
            break
        out.append(token)
    return out


@lru_cache(maxsize=1 << 16)
def fact_key(fact: str) -> str:
    """The comparison key of a fact: case, accents, thousands separators and "%" spelling folded."""
    fact = _PERCENT_WORDS.sub("%", fact.strip())
    iso = _ISO_DATE.fullmatch(fact)
    if iso and 1 <= int(iso.group(2)) <= len(_MONTH_FULL):
        month = _MONTH_FULL[int(iso.group(2)) - 1][:3]
        return f"date {month} {int(iso.group(3))} {iso.group(1)}"
    spelled = _spelled_value(fact.lower().split())
    if spelled is not None:
        return spelled
    parts = []
    for m in WORD_RE.finditer(fact):
        word = _bare(word_key(m.group()))
        # Thousands commas go; "Jan." == "January".
        parts.append(word.replace(",", "") if word[:1].isdigit() else _MONTH_KEYS.get(word, word))
    months = [p for p in parts if p in _MONTH_KEY_SET]
    rest = [_ORDINAL.sub("", p) for p in parts if p not in _MONTH_KEY_SET]
    if len(months) == 1 and rest and all(p.isdigit() for p in rest):
        # A date, whatever its order: "Sept. 7" == "7 September", "Jan. 5, 2026" == "5 Jan 2026".
        days = [p for p in rest if len(p) <= 2]
        years = [p for p in rest if len(p) == 4]
        return " ".join(["date", months[0], *(str(int(d)) for d in days), *years])
    key = " ".join(parts)
    if fact.endswith("%"):
        key += "%"
    currency = re.match(_CURRENCY, fact)
    if currency:
        key = currency.group() + key
    return key


_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u201b\u2032", "'"))
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d)")
_POSSESSIVE_IN_TEXT = re.compile(r"(?<=\w)'s?(?!\w)")
# A dot joins only digits (4.2): "onestat.com" holds an occurrence of "OneStat".
_OCCURRENCE_TOKEN = re.compile(r"[$€£¥₹₩₽]|[^\W_]+(?:(?:'|\.(?=\d))[^\W_]+)*")
# Month names and their abbreviations, folded to three letters.
_MONTH_KEYS = {name: row[0][:3] for row in _MONTH_ROWS for name in row}
_MONTH_KEY_SET = frozenset(_MONTH_KEYS.values())
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")


def _facts_with_keys(text: str) -> list[tuple[str, str]]:
    """(key, fact as written) for each distinct fact, in order of first appearance."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for f in _found(text):
        if f.key not in seen:
            seen.add(f.key)
            out.append((f.key, f.fact))
    return out


@lru_cache(maxsize=64)
def _found_cached(text: str) -> tuple[_Fact, ...]:
    return tuple(_scan(text))


def _found(text: str, sentences: Sequence[str] | None = None) -> tuple[_Fact, ...]:
    """Every occurrence of a fact in `text`, in reading order (cached: both sides reuse it).

    `sentences` are the texts of `segment(text)`, when the caller has them.
    """
    if sentences is None:
        return _found_cached(text)
    return tuple(_scan(text, sentences))


def _scan(text: str, sentences: Sequence[str] | None = None) -> list[_Fact]:
    if sentences is None:
        sentences = [s.text for s in segment(text)]
    reads = [_read(s) for s in sentences]
    capitalised_mid: set[str] = set().union(*(r.capitals for r in reads))
    lower_vocab = set(_LOWER_WORD.findall(text))
    out: list[_Fact] = []
    for read in reads:
        stext = read.sentence
        here: list[tuple[int, _Fact]] = []
        for item in read.items:
            if isinstance(item[1], _Fact):
                here.append(item)
                continue
            start, run, end, at_start = item
            names = _names(run, at_start, capitalised_mid, lower_vocab)
            at = start
            for name in names:
                pos = stext.find(name, at, end)
                stop = pos + len(name) if pos >= 0 else end
                at = max(at, stop)
                here.append((stop - len(name), _Fact(fact_key(name), name, "name", stext, stop)))
        here.sort(key=lambda item: item[0])
        out.extend(f for _, f in here if f.key)
    return out


@dataclass(frozen=True, slots=True)
class _Reading:
    """What one sentence yields before the text's vocabularies are known.

    `items` are in the order the scan finds them (spelled numbers, then `_FACT` matches), which
    the stable sort by position keeps for facts that start together: a fact `(start, _Fact)`, or
    a run of capitalised words `(start, run, end, at_start)` that the vocabularies cut into names.
    """

    sentence: str
    items: tuple[tuple[int, _Fact] | tuple[int, str, int, bool], ...]
    capitals: frozenset[str]  # keys of its capitalised words not at a sentence start


# Sentences longer than this are read afresh each time: the cache holds at most
# 2**14 * _CACHED_SENTENCE characters (about 64 MB) whatever the input.
_CACHED_SENTENCE = 4096


def _read(raw: str) -> _Reading:
    """The text-independent part of scanning a sentence (cached: both versions share most)."""
    return _read_cached(raw) if len(raw) <= _CACHED_SENTENCE else _read_sentence(raw)


@lru_cache(maxsize=1 << 14)
def _read_cached(raw: str) -> _Reading:
    return _read_sentence(raw)


def _read_sentence(raw: str) -> _Reading:
    stext = _plain(raw)
    # In a sentence without lower-case letters capitals say nothing about names.
    shouting = stext.upper() == stext
    items: list[tuple[int, _Fact] | tuple[int, str, int, bool]] = [
        (m.start(), _Fact(fact_key(m.group()), m.group(), "number", stext, m.end()))
        for m in _SPELLED.finditer(stext)
    ]
    for m in _FACT.finditer(stext):
        kind = m.lastgroup or "number"
        if kind != "name":
            items.append((m.start(), _Fact(fact_key(m.group()), m.group(), kind, stext, m.end())))
            continue
        if shouting or (m.end() - m.start() >= len(stext.rstrip(".!?:")) and " " in m.group()):
            continue  # a heading set in title case or capitals, not a name mentioned in it
        items.append((m.start(), m.group(), m.end(), _at_start(stext, m.start())))
    return _Reading(stext, tuple(items), frozenset(_mid_sentence_capitals([stext])))


def _plain(sentence: str) -> str:
    """The sentence composed (NFC), invisible characters dropped, whitespace runs as one space.

    Facts are strings, not spans, so they may be read from this cleaned form: a name wrapped
    across lines, written with a soft hyphen or in decomposed Unicode is still one name.
    """
    sentence = unicodedata.normalize("NFC", sentence.translate(_INVISIBLE))
    return _SPACES.sub(" ", sentence)


def _at_start(stext: str, pos: int) -> bool:
    """Whether `pos` opens the sentence or a quotation/clause where capitals are routine."""
    k = pos
    while k > 0 and (stext[k - 1] in _OPENERS or stext[k - 1].isspace()):
        k -= 1
    return k == 0 or stext[k - 1] in ":;.!?-\u2013\u2014|\u00b7\u2022/*"


def _names(run: str, at_start: bool, capitalised_mid: set[str], lower_vocab: set[str]) -> list[str]:
    """The names in a run of capitalised words.

    The run is cut after a possessive ("GM's Delphi Interior" names two things), around a
    weekday or month, and at "of" unless an institution word stands before it; from each
    piece, leading common words ("The", "However", "President") and trailing connectors go;
    a sentence-initial word goes when it is an ordinary word that got its capital only from
    its position (seen in lower case in the text, or an -ing/-ly/-ed form).
    """
    groups: list[list[str]] = [[]]
    for piece in run.split(" "):
        if piece == "of" and groups[-1] and groups[-1][-1].lower() not in _OF_HEADS:
            groups.append([])  # "Jane Doe of Acme Bank" is two names, "Bank of Lisbon" one
            continue
        if _HYPHEN_WORD.match(piece):
            groups.append([])  # "U-turn", "X-ray": not names
            continue
        if piece.lower() in _CALENDAR:
            groups += [[piece], []]  # "Airbus Friday": a name and a date
            continue
        if piece[-1] in "'\u2019":
            groups[-1].append(piece)  # "Harbour Residents' Party": a plural possessive inside
            continue
        bare = _bare(piece)
        groups[-1].append(bare)
        if bare != piece:
            groups.append([])
    out: list[str] = []
    for k, group in enumerate(groups):
        tokens = group
        first_at_start = at_start and k == 0
        while tokens and (
            tokens[0].lower().rstrip(".") in _COMMON or _CONNECTOR_RE.fullmatch(tokens[0])
        ):
            tokens = tokens[1:]
            first_at_start = False
        if (
            first_at_start
            and len(tokens) > 1
            and word_key(tokens[0]) not in capitalised_mid
            and (tokens[0].lower() in lower_vocab or tokens[0].endswith(("ing", "ly", "ed")))
        ):
            tokens = tokens[1:]
            first_at_start = False
        while tokens and (tokens[-1].lower() in _COMMON or _CONNECTOR_RE.fullmatch(tokens[-1])):
            tokens = tokens[:-1]
        if tokens and tokens[-1][-1] in "'\u2019":
            tokens = [*tokens[:-1], tokens[-1][:-1]]
        if not tokens:
            continue
        if len(tokens) > 1:
            out.append(" ".join(tokens))
            continue
        word = tokens[0]
        if len(word) < 2 or word.lower() in _COMMON:
            continue
        if word.isupper() or not first_at_start or word_key(word) in capitalised_mid:
            # An acronym or all-caps place ("NATO", "LISBON"), a capital mid-sentence, or a
            # sentence-initial word capitalised elsewhere too.
            out.append(word)
    return out


def _bare(word: str) -> str:
    """The word without a possessive ending ("Lopez's" -> "Lopez")."""
    return _POSSESSIVE.sub("", word) if word[-1:] in "s'\u2019" else word


def _mid_sentence_capitals(sentences: list[str]) -> set[str]:
    """Keys of capitalised words seen somewhere other than at a sentence start."""
    out: set[str] = set()
    for stext in sentences:
        for m in _CAPITALISED.finditer(stext):
            if not _at_start(stext, m.start()):
                out.add(word_key(_bare(m.group())))
    return out


def _occurrence_keys(text: str) -> list[str]:
    """The words of `text` as occurrences are compared, currency signs as words of their own.

    Case, accents, Unicode form, invisible characters, apostrophe style, thousands commas and
    possessives are folded ("Lopez's" is an occurrence of "LÓPEZ"). Done on the whole text at
    once, with C-level passes, because it runs over both documents of every comparison.
    """
    folded = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).translate(_APOSTROPHES)
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded.casefold()))
    folded = _POSSESSIVE_IN_TEXT.sub("", _THOUSANDS.sub("", folded))
    return _OCCURRENCE_TOKEN.findall(folded)


@lru_cache(maxsize=1 << 14)
def _fact_words(fact: str) -> tuple[str, ...]:
    """`_occurrence_keys` of a fact (cached: each fact is counted on both sides, twice)."""
    return tuple(_occurrence_keys(fact))


@lru_cache(maxsize=8)
def _occurrences(text: str) -> _Occurrences:
    """The occurrence index of `text`, built once per comparison (both passes reuse it)."""
    return _Occurrences(text)


# A fact whose first word occurs at most this often is counted by walking that word's postings;
# past it, by one table of the text's word n-grams of the fact's length (built once per length),
# so a text full of one word ("New ...", a number in every sentence) stays linear.
_SHORT_POSTING = 32


class _Occurrences:
    """Where each word key stands in a text, to test whole-word sequences in linear time."""

    __slots__ = ("grams", "keys", "where")

    def __init__(self, text: str) -> None:
        self.keys = _occurrence_keys(text)
        self.where: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self.where.setdefault(key, []).append(i)
        self.grams: dict[int, Counter[tuple[str, ...]]] = {}

    def __contains__(self, fact: object) -> bool:
        """Whether the words of `fact` (and its currency sign) occur in sequence."""
        return isinstance(fact, str) and self.count(fact) > 0

    def count(self, fact: str) -> int:
        """How many times the words of `fact` occur in sequence."""
        seq = _fact_words(fact)
        if not seq:
            return 0
        n = len(seq)
        posting = self.where.get(seq[0], ())
        if len(posting) <= _SHORT_POSTING or n == 1:
            if n == 1:
                return len(posting)
            return sum(tuple(self.keys[i : i + n]) == seq for i in posting)
        grams = self.grams.get(n)
        if grams is None:
            keys = self.keys
            grams = self.grams[n] = Counter(zip(*(keys[k:] for k in range(n)), strict=False))
        return grams[seq]
