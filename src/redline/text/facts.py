"""Facts an editor checks: numbers, dates, amounts, percentages and proper names.

`diff_facts` lists the facts found in only one version. Precision comes first: a fact is never
reported as removed while its words still occur in the new version (case and accents ignored),
nor as added while they occur in the old one.
"""

from __future__ import annotations

import re

from redline.models import Facts, Sentence
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
_NAME_WORD = r"(?:[A-Z][\w\u2019'-]*[\w]|[A-Z](?:\.[A-Z])+\.?|[A-Z])"
_CONNECTOR = r"(?:of|de|del|da|das|do|dos|van|von|der|den|la|le|du|di|bin|al|y|and)"

_FACT = re.compile(
    rf"""
    (?P<amount>{_CURRENCY}\s?(?:{_NUM}){_SCALE}|(?:{_NUM}){_SCALE}\s{_CURRENCY_WORDS}\b)
    |(?P<percent>(?:{_NUM})\s?(?:%|percent\b|per\scent\b|percentage\spoints?\b))
    |(?P<date>{_MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s\d{{4}}\b)?
        |\d{{1,2}}(?:st|nd|rd|th)?\s(?:January|February|March|April|May|June|July|August
          |September|October|November|December)\b(?:,?\s\d{{4}}\b)?
        |(?:January|February|March|April|June|July|August|September|October|November|December)
          \s\d{{4}}\b)
    |(?P<number>\d{{1,2}}:\d{{2}}|(?<![\w.,])(?:{_NUM}){_SCALE}(?![\w]))
    |(?P<name>{_NAME_WORD}(?:[ \t\u00a0]+(?:{_CONNECTOR}[ \t\u00a0]+)?{_NAME_WORD})*)
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
    among despite asked said says new more less first second third officials police analysts
    critics experts residents people chief executive president minister director spokesman
    spokeswoman spokesperson editor reporter after photo read click subscribe share follow
    advertisement related updated"""
)
_PERCENT_WORDS = re.compile(r"\s?(?:%|percent|per\scent)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['\u2019]s?$")
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
    a_words = _word_line(a_text)
    b_words = _word_line(b_text)
    removed = tuple(f for k, f in a_facts if k not in b_keys and not _occurs(f, b_words))
    added = tuple(f for k, f in b_facts if k not in a_keys and not _occurs(f, a_words))
    return Facts(added=added, removed=removed)


def fact_key(fact: str) -> str:
    """The comparison key of a fact: case, accents, thousands separators and "%" spelling folded."""
    fact = _PERCENT_WORDS.sub("%", fact.strip())
    parts = []
    for m in WORD_RE.finditer(fact):
        word = _POSSESSIVE.sub("", word_key(m.group()))
        if word[:1].isdigit():
            word = word.replace(",", "")
        elif word[:3] in _MONTH_KEYS:
            word = word[:3]  # "Jan." == "January"
        parts.append(word)
    key = " ".join(parts)
    if fact.endswith("%"):
        key += "%"
    currency = re.match(_CURRENCY, fact)
    if currency:
        key = currency.group() + key
    return key


_WORD_OR_CURRENCY = re.compile(rf"(?P<cur>{_CURRENCY})|(?P<word>{WORD_RE.pattern})")
_MONTH_KEYS = _wordset("jan feb mar apr may jun jul aug sep oct nov dec")


def _facts_with_keys(text: str) -> list[tuple[str, str]]:
    """(key, fact as written) for each distinct fact, in order of first appearance."""
    sentences = segment(text)
    capitalised_mid = _mid_sentence_capitals(text, sentences)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for sent in sentences:
        stext = sent.text
        for m in _FACT.finditer(stext):
            fact = m.group()
            if m.lastgroup == "name":
                if m.end() - m.start() >= len(stext.rstrip(".!?:")) and " " in fact:
                    continue  # a title-case heading line, not a name mentioned in it
                fact = _clean_name(stext, m.start(), fact, capitalised_mid)
                if not fact:
                    continue
            key = fact_key(fact)
            if key and key not in seen:
                seen.add(key)
                out.append((key, fact))
    return out


def _at_start(stext: str, pos: int) -> bool:
    """Whether `pos` opens the sentence or a quotation/clause where capitals are routine."""
    before = stext[:pos].rstrip(_OPENERS + " \t\n\r\u00a0")
    return not before or before[-1] in ":;.!?-\u2013\u2014"


def _clean_name(stext: str, pos: int, fact: str, capitalised_mid: set[str]) -> str:
    """Drop common and sentence-initial capitalised words from a capitalised run."""
    tokens = fact.split()
    start = 0
    at_start = _at_start(stext, pos)
    # Leading common words ("The Harbour Authority") are not part of the name.
    while start < len(tokens) and tokens[start].lower().rstrip(".") in _COMMON:
        start += 1
        at_start = False
    tokens = tokens[start:]
    # Trailing connectors ("Bank of") and common words are not part of the name either.
    while tokens and (tokens[-1].lower() in _COMMON or re.fullmatch(_CONNECTOR, tokens[-1])):
        tokens.pop()
    if not tokens:
        return ""
    if len(tokens) == 1:
        word = tokens[0]
        bare = _POSSESSIVE.sub("", word)
        if len(bare) < 2 and not bare.isupper():
            return ""
        if bare.lower() in _COMMON:
            return ""
        if bare.isupper() and len(bare) >= 2:
            return bare  # an acronym or an all-caps place name ("NATO", "LISBON")
        if at_start and start == 0 and word_key(bare) not in capitalised_mid:
            return ""  # a capital that only says "a sentence starts here"
        return bare
    name = " ".join(tokens)
    return _POSSESSIVE.sub("", name)


def _mid_sentence_capitals(text: str, sentences: list[Sentence]) -> set[str]:
    """Keys of capitalised words seen somewhere other than at a sentence start."""
    out: set[str] = set()
    for sent in sentences:
        stext = sent.text
        for m in WORD_RE.finditer(stext):
            w = m.group()
            if w[:1].isupper() and not _at_start(stext, m.start()):
                out.add(word_key(_POSSESSIVE.sub("", w)))
    return out


def _occurrence_key(word: str) -> str:
    """A word as occurrences are compared: key, possessive dropped, thousands commas dropped."""
    key = _POSSESSIVE.sub("", word_key(word))  # "Lopez's" is an occurrence of "Lopez"
    return key.replace(",", "") if key[:1].isdigit() else key


def _word_line(text: str) -> str:
    """The occurrence keys of `text`'s words (currency signs kept) joined by spaces, padded."""
    parts = [
        m.group() if m.lastgroup == "cur" else _occurrence_key(m.group())
        for m in _WORD_OR_CURRENCY.finditer(text)
    ]
    return " " + " ".join(parts) + " "


def _occurs(fact: str, word_line: str) -> bool:
    """Whether the words of `fact` (and its currency sign) occur in sequence in a `_word_line`."""
    line = _word_line(fact)
    return line.strip() != "" and line in word_line
