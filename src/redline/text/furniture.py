"""Page furniture: titles, bylines, datelines, credits, bios and promos around an article.

`assign_roles` gives such sentences a role so that a changed bio or a new "Read more" trailer is
shown as boilerplate rather than as a change to the story. Each rule pairs a pattern with a
position and a length limit: the same words inside the story ("prices rose by 5 percent",
"Subscribers will pay more") are content, because they neither stand where furniture stands nor
read like it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from redline.models import Role, Sentence
from redline.text.normalize import normalize, word_key, words


def _wordset(words: str) -> frozenset[str]:
    """The whitespace-separated words of a literal word list."""
    return frozenset(words.split())


# The top zone holds at most this many sentences (and ends at the first content sentence).
_TOP = 6
# The bottom zone reaches back past this many content-like sentences from the end.
_BOTTOM_CONTENT = 2
# Furniture is short; a sentence longer than this is content whatever it starts with.
_SHORT = 25
# Mid-page furniture without a strong opener is a short line of its own ("Share this article").
_MID_PAGE = 12

_NEXT_TEXT = re.compile(r"\S")
_BLANKS = " \t\u00a0"
# An article and a word in capitals, then lower case: "A POLICE officer ...", "TWO chemists".
_CAPS_LEAD = re.compile(r"^(?:A|AN|THE|TWO|THREE|FOUR)\s+[A-Z]{3,}\s+[a-z]")
_CLOSERS = "\"'\u2019\u201d)]"
# Atomic so that the two halves of one CRLF never read as two line breaks.
_BLANK_AFTER = re.compile(r"[ \t\u00a0]*(?>\r\n|[\n\r])[ \t\u00a0]*(?:[\n\r]|$)|[ \t\u00a0]*$")

_BYLINE_LEAD = re.compile(
    r"^(?:by|written by|words by|story by|text by|reporting by|from)\s+(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
# Lower-case words a byline may hold besides names: connectors and newsroom job titles.
_BYLINE_WORDS = _wordset(
    """and in for the of at with staff writer writers reporter reporters correspondent
    correspondents editor editors senior chief political business foreign special contributor
    contributing associated press news agency bureau"""
)

# A byline without "By": "Jane Doe, business correspondent", "Li Wei - Staff Writer".
_BYLINE_BARE = re.compile(
    r"^[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){1,3}\s*(?:,|-|\u2013|\u2014|\|)\s*"
    r"(?:[\w&-]+\s+){0,3}(?i:correspondent|reporter|editor|writer|columnist|journalist"
    r"|contributor|staff)s?$"
)
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
)
_TIME = r"\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?|AM|PM)?(?:\s+[A-Z]{2,4})?"
_DATELINE = re.compile(
    rf"""^(?:
        (?:(?:Updated|Published|Posted|Last\s+updated|Modified|First\s+published)\b:?\s*)?
          (?:(?:on|at)\s+)?(?:{_DATE}|{_TIME})(?:[,\s]+(?:at\s+)?(?:{_DATE}|{_TIME}))*
        |(?:Updated|Published|Posted|Last\s+updated)\b.{{0,40}}
        |[A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+)*(?:,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)*)?
          \s*(?:\([^)]{{1,40}}\)\s*[-\u2013\u2014:]*|[-\u2013\u2014]+)
        |[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+)*,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)*
          \s*(?:\([^)]{{1,40}}\))?\s*[-\u2013\u2014]+
        |[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){{0,2}},\s+{_DATE}
    )\s*$""",
    re.VERBOSE,
)
_CREDIT = re.compile(
    r"""^[(\[]?\s*(?:
        (?:photo|photograph|photography|picture|image|illustration|graphic|video|footage|
           cover\s+photo|top\s+photo|main\s+image)s?\s*(?:credit)?s?\s*(?::|by\b|\u00a9|/)
        |(?:image|photo|picture)\s+(?:credit|courtesy)
        |(?:credit|courtesy|source)\s*:
        |(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|written|produced|
           translated|research)\s+(?:by|from)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Trailing agency credits on a caption: "Jane Doe / Harbour Wire", "(Harbour Wire via Getty)".
# "Sam Reed/Getty Images": an unspaced slash only before a recognisable picture source.
_PICTURE_SOURCE = re.compile(
    r"^[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3}/[A-Z][\w&.'\u2019 -]{0,30}"
    r"\b(?:Images|Photos?|Pictures|Wire|Press|Agency|AP|AFP|EPA|Reuters|Getty|Shutterstock|Alamy)$"
)
_AGENCY_CREDIT = re.compile(
    r"^[(\[]?[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,4}\s+(?:/|for|via)\s+"
    r"[A-Z][\w&.'\u2019-]*(?:\s+[A-Z&][\w&.'\u2019-]*){0,5}[)\]]?$"
)
_JOB = (
    r"(?:reporter|correspondent|writer|editor|journalist|columnist|contributor|"
    r"photographer|photojournalist|blogger|freelancer|freelance\s+\w+)"
)
# Names in a bio are matched case-sensitively ((?-i:...)); the surrounding words are not.
_BIO = re.compile(
    rf"""^(?:
        (?-i:[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{1,3}})\s+
          (?:is|was|has\s+been|serves\s+as|works\s+as|joined)\b[^.]{{0,80}}\b{_JOB}s?\b
        |(?-i:[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{0,3}})\s+
          (?:writes|reports|covers|blogs)\b[^.]{{0,120}}\b(?:for|at)\b
        |(?:contact|email|e-mail|reach)\s+(?:him|her|them|the\s+(?:author|writer|reporter))
          \s+(?:at|on|via)\b
        |(?:you\s+can\s+)?(?:follow|reach|email|contact)\s+(?:him|her|them)\b
        |follow\s+(?-i:[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{0,2}})\s+on\b
        |(?:he|she|they|(?-i:[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{0,2}}))
          \s+can\s+be\s+reached\b
        |about\s+the\s+(?:author|writer|reporter)\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_PROMO = re.compile(
    r"""^[(\[]?\s*(?:
        read\s+(?:more|next|also|the\s+full|our)\b
        |more\s*:|related\s*:|related\s+(?:stories|articles|coverage|content|reading)\b
        |see\s+also\b|recommended\b|most\s+(?:read|popular|viewed)\b|trending\b
        |click\s+here\b|tap\s+here\b
        |subscribe\b|sign\s+up\b|join\s+(?:our|us|the\s+conversation)\b
        |get\s+(?:our|the)\b[^.]{0,40}\b(?:newsletter|app|alerts|briefing)
        |download\s+(?:our|the)\b|don[’']?t\s+miss\b|never\s+miss\b
        |share\s+(?:this|on|via)\b|share\s*$|tweet\s+this\b|email\s+this\b
        |follow\s+(?:us|our|\w+\s+on)\b|like\s+us\s+on\b|find\s+us\s+on\b
        |advertisement\b|sponsored\b|paid\s+(?:content|post)\b|promoted\b
        |continue\s+reading\b|watch\s*:|listen\s*:|watch\s+(?:the|our)\s+video\b
        |support\s+(?:our|independent|community|local)\s+journalism\b|become\s+a\s+(?:member|subscriber)\b
        |this\s+(?:story|article)\s+(?:first\s+appeared|was\s+originally|is\s+part\s+of)\b
        |comments?\s*(?:\(\d+\))?\s*$|\d+\s+comments?\s*$|leave\s+a\s+comment\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# Promo openers that are strong enough anywhere in the text (a mid-story ad slot).
_PROMO_ANYWHERE = re.compile(
    r"^[(\[]?\s*(?:advertisement\b|read\s+more\s*:|related\s*:|click\s+here|sponsored(?:\s+content)?\s*$"
    r"|subscribe\s+(?:now|today|to\s+(?:our|the))|sign\s+up\s+(?:for|to)\s+(?:our|the)\b)",
    re.IGNORECASE,
)
_OTHER = re.compile(
    r"""^(?:
        (?:copyright|\u00a9)\s*(?:\u00a9\s*)?(?:\d{4}|[A-Z])
        |all\s+rights\s+reserved\b
        |(?:tags?|topics?|filed\s+under|categories|category|keywords)\s*:
        |(?:home|news|world|business|sport|sports|opinion|politics)(?:\s*[>/|\u203a\u00bb]\s*\w+)+\s*$
        |skip\s+to\s+(?:main\s+)?content\b|back\s+to\s+top\b|print\s+this\b
        |(?:privacy\s+policy|terms\s+of\s+(?:use|service)|cookie\s+(?:policy|settings))\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)


def assign_roles(
    sentences: list[Sentence],
    text: str,
    *,
    title: str | None = None,
    byline: str | None = None,
) -> list[Sentence]:
    """Copies of `sentences` with `role` set on furniture and None on content.

    Args:
        sentences: the document's sentences, as `segment` returns them.
        text: the document text the sentences' spans refer to.
        title: the document's known title (from HTML metadata), matched on its words with
            case, accents and typography folded.
        byline: the document's known byline, matched the same way, with or without "By".

    Returns:
        A new list, same order and spans, with a role from {"title", "byline", "dateline",
        "credit", "bio", "promo", "other"} or None for story content.
    """
    n = len(sentences)
    title_key = _key(title) if title else None
    byline_key = _key(byline) if byline else None
    # Furniture is short: a sentence with many more tokens than any rule accepts is content,
    # decided before the costlier normalization.
    limit = 2 * max([_SHORT] + [len(k.split()) + 1 for k in (title_key, byline_key) if k])

    @cache
    def role_at(i: int, top: bool, bottom: bool) -> Role | None:
        sent = sentences[i]
        tokens = len(sent.text.split())
        if tokens > limit:
            return None
        if (
            not (top or bottom or title_key or byline_key)
            and tokens > 2 * _MID_PAGE
            and not _PROMO_ANYWHERE.match(sent.text.lstrip("([ \u00a0"))
        ):
            return None  # mid-page only a strong promo opener or a short line can be furniture
        return _role(
            sent, text, i, top=top, bottom=bottom, title_key=title_key, byline_key=byline_key
        )

    def substantial(i: int) -> bool:
        return len(sentences[i].text.split()) > 8

    # The top zone ends at the first content sentence, the bottom zone starts after the last
    # ones: furniture is only looked for where a page puts it, so a story sentence that happens
    # to start like a promo stays content. The zones are found by walking in from either end.
    top = [False] * n
    bottom = [False] * n
    content = 0
    for i in range(min(n, _TOP)):
        top[i] = content == 0
        if not (top[i] and role_at(i, True, False) is not None) and substantial(i):
            content += 1
    content = 0
    for i in range(n - 1, -1, -1):
        if content >= _BOTTOM_CONTENT:
            break
        bottom[i] = True
        if role_at(i, False, True) is None and substantial(i):
            content += 1
    roles = [role_at(i, top[i], bottom[i]) for i in range(n)]
    _extend_bios(sentences, roles)
    return [s if r is None else replace(s, role=r) for s, r in zip(sentences, roles, strict=True)]


def _key(text: str) -> str:
    """Case-, accent- and typography-insensitive comparison key of a short text."""
    return " ".join(word_key(w) for w in words(text))


def _own_line(sent: Sentence, text: str) -> bool:
    """Whether the sentence stands alone on its line(s)."""
    # Walks over the blanks next to the sentence only: each run of blanks lies between two
    # sentences, so the whole document costs linear time (slicing the text did not).
    i = sent.span.start
    while i > 0 and text[i - 1] in _BLANKS:
        i -= 1
    j = sent.span.end
    while j < len(text) and text[j] in _BLANKS:
        j += 1
    return (i == 0 or text[i - 1] in "\r\n") and (j == len(text) or text[j] in "\r\n")


def _role(
    sent: Sentence,
    text: str,
    index: int,
    *,
    top: bool,
    bottom: bool,
    title_key: str | None,
    byline_key: str | None,
) -> Role | None:
    """The role of one sentence, or None for content."""
    raw = normalize(sent.text)
    body = raw.strip("()[] ")
    ws = words(raw)
    n_words = len(ws)
    if not ws:
        return "other" if top or bottom else None  # a rule, dots, a lone symbol
    if title_key or byline_key:
        key = " ".join(word_key(w) for w in ws)
        if key == title_key:
            return "title"
        if byline_key and key in {byline_key, f"by {byline_key}"}:
            return "byline"
    if n_words > _SHORT:
        return None
    if _PROMO_ANYWHERE.match(body):
        return "promo"
    if top or bottom:
        if _is_byline(body):
            return "byline"
        if _CREDIT.match(body) or (
            _own_line(sent, text) and (_AGENCY_CREDIT.match(body) or _PICTURE_SOURCE.match(body))
        ):
            return "credit"
        if top and _DATELINE.match(body) and n_words <= 10:
            return "dateline"
    if bottom:
        if _BIO.match(body):
            return "bio"
        if _PROMO.match(body):
            return "promo"
        if _OTHER.match(body):
            return "other"
    if top and _OTHER.match(body):
        return "other"  # "Copyright 2026 ...", "Tags: ..." heading a page
    if top and index == 0 and title_key is None and _looks_like_title(raw, sent, text):
        return "title"
    if bottom:
        return None
    if _PROMO.match(body) and _own_line(sent, text) and n_words <= _MID_PAGE:
        # A short promo line of its own ("Share this article") mid-page.
        return "promo"
    if _OTHER.match(body) and _own_line(sent, text) and n_words <= _MID_PAGE:
        return "other"
    return None


def _looks_like_title(raw: str, sent: Sentence, text: str) -> bool:
    """A short first line that does not end like a sentence, on its own line.

    Headlines may end in "?", "!" or an ellipsis; those count only when a blank line follows,
    as a question opening a story's first paragraph is content.
    """
    if len(words(raw)) > 20 or not _own_line(sent, text) or raw[-1:] in ":;,":
        return False
    if raw[:1].islower() and not raw[1:2].isupper():
        return False  # "iTunes ..." may head a page; "and then ..." may not
    after = _NEXT_TEXT.search(text, sent.span.end)
    if after and after.group()[:1].islower():
        return False  # the sentence goes on after the line break: a broken lead, not a title
    if _CAPS_LEAD.match(raw):
        return False  # "A POLICE officer was found ...": a tabloid lead, its first words in caps
    bare = raw.rstrip(_CLOSERS)
    if not bare.endswith((".", "!", "?", "…")):
        return True
    if bare.endswith(".") and not bare.endswith("..."):
        return False
    return _BLANK_AFTER.match(text, sent.span.end) is not None


def _is_byline(body: str) -> bool:
    """'By Jane Doe', 'By JANE DOE and Li Wei, Staff Writers', not 'By 5 percent ...'."""
    if _BYLINE_BARE.match(body):
        return True
    m = _BYLINE_LEAD.match(body)
    if not m:
        return False
    rest = m.group("rest").rstrip(". ")
    tokens = words(rest)
    if not tokens or len(tokens) > 14 or not tokens[0][:1].isupper():
        return False
    # Every word is a capitalised name part or byline vocabulary; content after "By" has verbs.
    return all(t[:1].isupper() or t.lower() in _BYLINE_WORDS for t in tokens)


def _extend_bios(sentences: list[Sentence], roles: list[Role | None]) -> None:
    """A bio runs to the end of its paragraph: later sentences there are bio too."""
    for i in range(1, len(sentences)):
        if (
            roles[i] is None
            and roles[i - 1] == "bio"
            and sentences[i].paragraph == sentences[i - 1].paragraph
        ):
            roles[i] = "bio"
