"""Facts an editor checks: numbers, dates, amounts, percentages and proper names.

`diff_facts` lists the facts found in only one version. Precision comes first: a fact is never
reported as removed while its words still occur in the new version (case and accents ignored),
nor as added while they occur in the old one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from redline.models import Facts
from redline.text.normalize import WORD_RE, word_key
from redline.text.segment import segment


def _wordset(words: str) -> frozenset[str]:
    """The whitespace-separated words of a literal word list."""
    return frozenset(words.split())


_MONTHS = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
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
_CALENDAR = _wordset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december"""
)
_HYPHEN_WORD = re.compile(r"[A-Z]-[a-z]")
_CONNECTOR_RE = re.compile(_CONNECTOR)
_CAPITALISED = re.compile(rf"(?<!\w){_UP}[\w\u2019'-]*")

# Every fact starts a word; the lookahead lets the scan skip other positions cheaply.
_FACT = re.compile(
    rf"""
    (?<![\w.,])(?=[\d$€£¥₹₩₽]|\.\d|{_UP})
    (?:(?P<amount>{_CURRENCY}\s?(?:{_NUM}){_SCALE}|(?:{_NUM}){_SCALE}\s{_CURRENCY_WORDS}\b)
    |(?P<percent>(?:{_NUM})\s?(?:%|percent\b|per\scent\b|percentage\spoints?\b))
    |(?P<date>{_MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s\d{{4}}\b)?
        |\d{{1,2}}(?:st|nd|rd|th)?\s(?:January|February|March|April|May|June|July|August
          |September|October|November|December)\b(?:,?\s\d{{4}}\b)?
        |(?:January|February|March|April|June|July|August|September|October|November|December)
          \s\d{{4}}\b)
    |(?P<number>\d{{1,2}}:\d{{2}}|(?:{_NUM})(?:[^\W\d_]{{1,3}}(?:{_NUM}))+[^\W\d_]{{0,6}}(?!\w)
        |(?:{_NUM}){_SCALE}(?!\w|[.,]\d)
        |(?:{_NUM})[^\W\d_]{{1,6}}(?!\w)|\.\d+(?!\w))
    |(?P<name>{_NAME_WORD}(?:\s(?:{_CONNECTOR}\s)?{_NAME_WORD})*))
    """,
    re.VERBOSE,
)

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
    """The facts found only in `a_text` (removed) and only in `b_text` (added).

    A fact is left out when its key is among the other version's fact keys or its words occur
    there in sequence (case and accents ignored), so nothing listed as removed still occurs in
    the new version, and nothing listed as added already occurred in the old one.
    """
    a_facts = _facts_with_keys(a_text)
    b_facts = _facts_with_keys(b_text)
    a_keys = {key for key, _ in a_facts}
    b_keys = {key for key, _ in b_facts}
    in_a = _Occurrences(a_text)
    in_b = _Occurrences(b_text)
    removed = tuple(f for k, f in a_facts if k not in b_keys and f not in in_b)
    added = tuple(f for k, f in b_facts if k not in a_keys and f not in in_a)
    return Facts(added=added, removed=removed)


@lru_cache(maxsize=1 << 16)
def fact_key(fact: str) -> str:
    """The comparison key of a fact: case, accents, thousands separators and "%" spelling folded."""
    fact = _PERCENT_WORDS.sub("%", fact.strip())
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
_MONTH_KEYS = {
    name: name[:3]
    for name in _wordset(
        """january february march april may june july august september october november
        december jan feb mar apr jun jul aug sep sept oct nov dec"""
    )
}
_MONTH_KEY_SET = frozenset(_MONTH_KEYS.values())
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")


def _facts_with_keys(text: str) -> list[tuple[str, str]]:
    """(key, fact as written) for each distinct fact, in order of first appearance."""
    sentences = [_plain(s.text) for s in segment(text)]
    capitalised_mid = _mid_sentence_capitals(sentences)
    lower_vocab = set(_LOWER_WORD.findall(text))
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for stext in sentences:
        # In a sentence without lower-case letters capitals say nothing about names.
        shouting = stext.upper() == stext
        for m in _FACT.finditer(stext):
            if m.lastgroup != "name":
                facts = [m.group()]
            elif shouting or (
                m.end() - m.start() >= len(stext.rstrip(".!?:")) and " " in m.group()
            ):
                continue  # a heading set in title case or capitals, not a name mentioned in it
            else:
                facts = _names(m.group(), _at_start(stext, m.start()), capitalised_mid, lower_vocab)
            for fact in facts:
                key = fact_key(fact)
                if key and key not in seen:
                    seen.add(key)
                    out.append((key, fact))
    return out


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


class _Occurrences:
    """Where each word key stands in a text, to test whole-word sequences in linear time."""

    __slots__ = ("keys", "where")

    def __init__(self, text: str) -> None:
        self.keys = _occurrence_keys(text)
        self.where: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self.where.setdefault(key, []).append(i)

    def __contains__(self, fact: object) -> bool:
        """Whether the words of `fact` (and its currency sign) occur in sequence."""
        if not isinstance(fact, str):
            return False
        seq = _occurrence_keys(fact)
        if not seq:
            return False
        n = len(seq)
        return any(self.keys[i : i + n] == seq for i in self.where.get(seq[0], ()))
