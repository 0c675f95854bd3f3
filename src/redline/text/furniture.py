"""Page furniture: titles, bylines, datelines, credits, bios and promos around an article.

`assign_roles` gives such sentences a role so that a changed bio or a new "Read more" trailer is
shown as boilerplate rather than as a change to the story. Each rule pairs a pattern with a
position and a length limit: the same words inside the story ("prices rose by 5 percent",
"Subscribers will pay more") are content, because they neither stand where furniture stands nor
read like it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from redline.models import Role, Sentence, Span
from redline.text.lexicon import entries
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
_LEAD_MARK = re.compile(r"^(?:[-\u2013\u2014\u2022\u00b7|*]+\s+)+")
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
          \s*(?:\([^)]{{1,40}}\)\s*[-\u2013\u2014:]*|[-\u2013\u2014]+)(?:\s*{_DATE}\s*[-\u2013\u2014]*)?
        |[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+)*,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)*
          \s*(?:\([^)]{{1,40}}\))?\s*[-\u2013\u2014]+
        |[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){{0,2}},\s+{_DATE}
        |[A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+)*,\s+(?:{_DATE}|{_WEEKDAY})
          \s*(?:\([^)]{{1,40}}\))?\s*[-\u2013\u2014]+
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
        |(?-i:[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{1,3}})\s+
          has\s+(?:covered|reported\s+on|written\s+about|been\s+(?:covering|reporting\s+on))
          \b[^.]{{0,80}}\bfor\s+(?:the\s+)?(?-i:[A-Z])
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
        |like\s+(?:the\s+)?(?-i:[A-Z])[\w'\u2019 ]{0,40}\s+on\s+
           (?:social\s+media|facebook|instagram|x)\b
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
    zones: bool = False,
) -> list[Sentence]:
    """Copies of `sentences` with `role` set on furniture and None on content.

    Args:
        sentences: the document's sentences, as `segment` returns them.
        text: the document text the sentences' spans refer to.
        title: the document's known title (from HTML metadata), matched on its words with
            case, accents and typography folded.
        byline: the document's known byline, matched the same way, with or without "By".
        zones: also read the text as a whole web page copied as text (menus, headline, the
            story's run of prose, related links): lines of their own outside that run become
            furniture. Off by default: on real pages it still takes 2-12% of story sentences
            (docs/quality.md).

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

    # The page's people: filled from the given byline and the top zone's bylines before the
    # bottom zone is read, where a sentence led by one of them is their bio.
    authors: list[str] = _author_keys(byline) if byline else []

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
            sent,
            text,
            i,
            top=top,
            bottom=bottom,
            title_key=title_key,
            byline_key=byline_key,
            authors=tuple(authors) if bottom else (),
        )

    def substantial(i: int) -> bool:
        return len(sentences[i].text.split()) > 8

    def in_bio(i: int) -> bool:
        """Whether sentence i goes on a bio: its paragraph opens with one, or it is "He is
        also ..." right after one."""
        j = i
        while j > 0 and sentences[j - 1].paragraph == sentences[i].paragraph:
            j -= 1
        if j < i and role_at(j, False, True) == "bio":
            return True
        return i > 0 and bool(_PRONOUN_BIO.match(sentences[i].text)) and in_bio_or_bio(i - 1)

    def in_bio_or_bio(i: int) -> bool:
        return role_at(i, False, True) == "bio" or in_bio(i)

    # The top zone ends at the first content sentence, the bottom zone starts after the last
    # ones: furniture is only looked for where a page puts it, so a story sentence that happens
    # to start like a promo stays content. The zones are found by walking in from either end.
    top = [False] * n
    bottom = [False] * n
    content = 0
    for i in range(min(n, _TOP)):
        top[i] = content == 0
        role = role_at(i, True, False) if top[i] else None
        if role == "byline":
            authors.extend(_author_keys(sentences[i].text))
        if not (top[i] and role is not None) and substantial(i):
            content += 1
    content = 0
    for i in range(n - 1, -1, -1):
        if content >= _BOTTOM_CONTENT:
            break
        bottom[i] = True
        if role_at(i, False, True) is None and substantial(i) and not in_bio(i):
            content += 1
    roles = [role_at(i, top[i], bottom[i]) for i in range(n)]
    _extend_bios(sentences, roles)
    if zones:
        _page_zones(sentences, text, roles, has_title=title_key is not None)
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
    authors: tuple[str, ...] = (),
) -> Role | None:
    """The role of one sentence, or None for content."""
    raw = normalize(sent.text)
    # "— Click Here Now.", "• Share": a lead dash or bullet is no part of the words.
    body = _LEAD_MARK.sub("", raw.strip("()[] ")).strip("()[] ")
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
        if _BIO.match(body) or _about_author(body, authors):
            return "bio"
        if authors and _key(body) in authors:
            return "byline"  # the author's name alone under the story
        if _PROMO.match(body) or (n_words <= _MID_PAGE and _promo_cues().search(body)):
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
        line_end = text.find("\n", after.start())
        following = normalize(text[after.start() : line_end if line_end >= 0 else len(text)])
        if not _is_byline(following):
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
    if _BYLINE_BARE.match(body) or _newsroom_byline(body):
        return True
    m = _BYLINE_LEAD.match(body)
    if not m:
        return False
    rest = _BYLINE_DATE.sub("", m.group("rest")).rstrip(". ")
    tokens = words(rest)
    if not tokens or len(tokens) > 14 or not tokens[0][:1].isupper():
        return False
    # Every word is a capitalised name part or byline vocabulary; content after "By" has verbs.
    return all(t[:1].isupper() or t.lower() in _BYLINE_WORDS for t in tokens)


def _extend_bios(sentences: list[Sentence], roles: list[Role | None]) -> None:
    """A bio runs to the end of its paragraph, and on to a "He is also ..." after it."""
    for i in range(1, len(sentences)):
        if (
            roles[i] is None
            and roles[i - 1] == "bio"
            and (
                sentences[i].paragraph == sentences[i - 1].paragraph
                or _PRONOUN_BIO.match(sentences[i].text)
            )
        ):
            roles[i] = "bio"


# A sentence about a person already introduced: "He is also the author of ...". A bio only
# where it follows one (a story's "He said ..." never does).
_PRONOUN_BIO = re.compile(
    r"^(?:He|She|They)\s+(?:is|was|are|were|has|have|had|also|lives|teaches|holds|serves)\b"
)
# What may end a byline line after the names: "by Jane Roe and Li Wei February 2026".
_BYLINE_DATE = re.compile(
    rf"(?:[\s,|\u2013\u2014-]+(?:{_DATE}|{_MONTH}\s+\d{{4}}|\d{{4}}))+\s*$", re.IGNORECASE
)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\||\band\b|\bund\b|\bet\b|\by\b)\s*")


def _author_keys(byline: str) -> list[str]:
    """The comparison keys of the people a byline names: 'By Jane Roe and Li Wei, Staff'."""
    raw = normalize(byline)
    m = _BYLINE_LEAD.match(raw)
    rest = _BYLINE_DATE.sub("", m.group("rest") if m else raw)
    out = []
    for part in _NAME_SPLIT.split(rest):
        tokens = part.split()
        if 2 <= len(tokens) <= 4 and all(t[:1].isupper() for t in tokens):
            out.append(_key(part))
    return out


def _about_author(body: str, authors: tuple[str, ...]) -> bool:
    """A sentence led by the name of one of the page's authors, then a lower-case word or a
    comma: "Orla Vane is co-founder of ...", "Orla Vane, a professor at ..."."""
    tokens = body.split()
    for author in authors:
        n = len(author.split())
        if (
            len(tokens) > n
            and _key(" ".join(tokens[:n])) == author
            and (tokens[n - 1].endswith(",") or tokens[n][:1].islower())
        ):
            return True
    return False


@cache
def _promo_cues() -> re.Pattern[str]:
    """The promo phrases of every language (data/promo_cues.*.txt), as whole words."""
    cues = "|".join(re.escape(c) for c in entries("promo_cues"))
    return re.compile(rf"(?<!\w)(?:{cues})(?!\w)", re.IGNORECASE)


def _newsroom_byline(body: str) -> bool:
    """'City Pulse news team', 'Harbour Gazette staff': a newsroom signing, no person."""
    tokens = body.rstrip(" .").split()
    if not 2 <= len(tokens) <= 6 or not tokens[0][:1].isupper():
        return False
    if tokens[-1].casefold() not in entries("newsroom_nouns"):
        return False
    return all(t[:1].isupper() or t.casefold() in _BYLINE_WORDS for t in tokens[:-1])


# --- Page zones -------------------------------------------------------------------------
# A page copied as text (menus, headline, byline, the story, related links, footer) has one
# run of prose: the story. Lines of their own that are not prose and stand before or after
# that run are the page's furniture. Weights chosen on the development half of
# news_pages_fundus (eval/eval_furniture_pages.py); see docs/quality.md.

# A prose sentence has at least this many words and ends in a stop.
_PROSE_WORDS = 8
# What a line that is not prose costs the run of prose it interrupts, in words.
_GAP_COST = 6
# A page has its zones only when this many lines stand before or after the story run.
_PAGE_LINES = 4
# Sentence stops of the scripts on the pages: Latin, CJK full stops, Devanagari danda.
_STOPS = ".!?\u2026\u3002\uff01\uff1f\u0964\u0965"
_PROSE_CLOSERS = _CLOSERS + "\u00bb\u203a\u300d\u300f"
# Scripts written without spaces between words: about this many characters make a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CHARS_PER_WORD = 2


def _words(text: str) -> int:
    """Words of a sentence; in a script without spaces, its characters over two."""
    spaced = len(text.split())
    unspaced = len(_UNSPACED.findall(text))
    return max(spaced, unspaced // _CHARS_PER_WORD)


def _is_prose(sent: Sentence) -> bool:
    body = sent.text.rstrip(_PROSE_CLOSERS)
    return body[-1:] in _STOPS and _words(sent.text) >= _PROSE_WORDS


def _story_run(sentences: list[Sentence]) -> tuple[int, int] | None:
    """[start, end) of the best-scoring run of prose: words of prose minus gaps (Kadane)."""
    best, best_run = 0, None
    total, start = 0, 0
    for i, sent in enumerate(sentences):
        gain = _words(sent.text) if _is_prose(sent) else -_GAP_COST
        if total <= 0:
            total, start = 0, i
        total += gain
        if total > best:
            best, best_run = total, (start, i + 1)
    return best_run


# A story may end in a list (tour dates, results): this many list-like lines right after the run
# of prose continue the story. Checked on news_pages_zyte_benchmark (dev half).
_CLOSING_LIST = 3
_LIST_LINE = re.compile(r"^(?:[*+\u2022-]\s|\d{1,3}[.)]\s|\w+\.? \d{1,2} -- )")


def _with_closing_list(
    sentences: list[Sentence], text: str, start: int, end: int
) -> tuple[int, int]:
    """The run, extended over a list that closes the story."""
    j = end
    while (
        j < len(sentences)
        and _own_line(sentences[j], text)
        and (_LIST_LINE.match(sentences[j].text) or sentences[j].text[:1].isdigit())
    ):
        j += 1
    return (start, j) if j - end >= _CLOSING_LIST else (start, end)


def _page_zones(
    sentences: list[Sentence], text: str, roles: list[Role | None], *, has_title: bool
) -> None:
    """Lines of their own outside the story's run of prose are furniture; one is the title."""
    run = _story_run(sentences)
    if run is None:
        return
    start, end = _with_closing_list(sentences, text, *run)
    outside = [
        i
        for i in (*range(start), *range(end, len(sentences)))
        if roles[i] is None or (roles[i] == "title" and not has_title)
    ]
    if len(outside) < _PAGE_LINES:
        return  # an article with a line or two around it: the rules above have decided
    title_at = None
    if not has_title:
        # A page's first line is its site's name or menu, not the headline.
        for i in range(start):
            if roles[i] == "title":
                roles[i] = None
        title_at = _headline(sentences, text, roles, start)
    inside_marks(sentences, text, roles, range(start, end))
    for i in outside:
        sent = sentences[i]
        raw = normalize(sent.text)
        if i == title_at:
            roles[i] = "title"
        elif _NUMBERS_ONLY.match(raw):
            roles[i] = "dateline"
        elif _is_prose(sent):
            continue  # a standfirst or a paragraph the run left out: story until shown otherwise
        elif (
            _is_byline(raw)
            or _byline_lead(raw)
            or (title_at is not None and title_at < i < start and _name_line(raw))
        ):
            roles[i] = "byline"
        elif _own_line(sent, text):
            roles[i] = "other"


# A caption's closing credit: "(Picture: Harbour Wire)", "(Image: Jane Roe)", "(Foto: dpa)".
# The words are in data/credit_words.*.txt.
_CAPTION_CREDIT = re.compile(
    r"[(\[]\s*(?:" + "|".join(map(re.escape, entries("credit_words"))) + r")s?\s*:\s*"
    r"[^()\[\]]{1,60}[)\]]\s*$",
    re.IGNORECASE,
)
# A line of digits and separators only: "2025 12:38", "06. 01.", "3:05".
_NUMBERS_ONLY = re.compile(r"^[\d\s.:/,|\u2013\u2014-]+$")


def inside_marks(
    sentences: list[Sentence], text: str, roles: list[Role | None], inside: range
) -> None:
    """Furniture inside the story's run: repeated lines, credits, timestamps, labels."""
    seen: dict[str, int] = {}
    for sent in sentences:
        k = _key(sent.text)
        seen[k] = seen.get(k, 0) + 1
    for i in inside:
        sent = sentences[i]
        if roles[i] is not None or not _own_line(sent, text):
            continue
        raw = normalize(sent.text)
        n_words = len(raw.split())
        if ("\u00a9" in raw and n_words <= _SHORT) or _CAPTION_CREDIT.search(raw):
            roles[i] = "credit"  # "© DPA Images | Jane Roe", "... (Picture: Harbour Wire)"
        elif _NUMBERS_ONLY.match(raw):
            roles[i] = "dateline"
        elif seen[_key(sent.text)] > 1 and 4 <= n_words <= 2 * _SHORT:
            roles[i] = "other"  # said twice on one page: a widget, not the story


def _byline_lead(raw: str) -> bool:
    """'Von Jane Roe', 'Autor: Jane Roe und Li Wei': a lead word, then capitalised names."""
    folded = raw.casefold()
    for lead in entries("byline_leads"):
        if folded.startswith(lead) and (
            lead.endswith(":") or folded[len(lead) : len(lead) + 1] == " "
        ):
            rest = raw[len(lead) :].strip()
            return _name_line(rest, most=14)
    return False


_TIMESTAMP = re.compile(r"\d{1,2}:\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}")


def _name_line(raw: str, most: int = 5) -> bool:
    """A few capitalised words and nothing else that reads as prose: 'Jane Roe', 'Li Wei'."""
    tokens = raw.rstrip(" .").split()
    if not 2 <= len(tokens) <= most or _TIMESTAMP.search(raw):
        return False
    caps = sum(1 for t in tokens if t[:1].isupper())
    return tokens[0][:1].isupper() and caps >= len(tokens) - (len(tokens) // 3)


def _headline(
    sentences: list[Sentence], text: str, roles: list[Role | None], start: int
) -> int | None:
    """The title-like line of its own nearest before the story run."""
    for i in range(start - 1, max(-1, start - 30), -1):
        sent = sentences[i]
        n_words = _words(sent.text)
        if roles[i] is not None or not 4 <= n_words <= 25 or not _own_line(sent, text):
            continue
        raw = normalize(sent.text)
        if (
            raw[-1:] in ":;,|"
            or raw[:1] in "*+-\u2022"
            or (raw[-1:] == "." and not raw.endswith("..."))
        ):
            continue
        if _DATELINE.match(raw) or _is_byline(raw) or _byline_lead(raw) or _TIMESTAMP.search(raw):
            continue
        return i
    return None


# Where a dateline glued to a lead may end: a dash (after an optional outlet in brackets), then
# the story's first word. Checked on examples/ and the wire datelines of issue 7's pages.
_GLUED_END = re.compile(
    r"\s*(?:\([^)]{1,40}\)\s*)?(?:--|[-\u2013\u2014])\s+(?=[\"'\u201c\u2018]?[A-Z0-9])"
)
# A glued dateline is short; the story after it holds at least this many words.
_GLUED_HEAD = 80
_GLUED_STORY_WORDS = 4


def split_datelines(sentences: Sequence[Sentence], text: str) -> list[Sentence]:
    """Sentences with a dateline glued to a story sentence split off as its own span.

    "PORT CALLOWAY, March 14 — The bridge ..." becomes the dateline "PORT CALLOWAY, March 14 —"
    (role "dateline") and the story sentence "The bridge ...": both spans are exact slices of
    `text`, and only the blanks between them belong to neither, so no word is lost or changed.
    Only a content sentence that opens its paragraph is split.
    """
    out: list[Sentence] = []
    previous = -1
    for sent in sentences:
        opens = sent.paragraph != previous
        previous = sent.paragraph
        cut = _glued_dateline(sent.text) if opens and sent.role is None else None
        if cut is None:
            out.append(sent)
            continue
        head, story_at = cut
        start = sent.span.start
        out.append(Sentence(Span(start, start + len(head)), head, sent.paragraph, role="dateline"))
        out.append(
            Sentence(Span(start + story_at, sent.span.end), sent.text[story_at:], sent.paragraph)
        )
    return out


def _glued_dateline(text: str) -> tuple[str, int] | None:
    """(dateline, where the story starts) of a sentence that opens with a dateline, or None.

    The longest head that reads as a dateline wins: "HOLLINSBY (Fenwick Wire) - 2 March 2026 -
    The ..." is cut after the date, not after the outlet.
    """
    best = None
    for m in _GLUED_END.finditer(text, 0, _GLUED_HEAD):
        if len(text[m.end() :].split()) < _GLUED_STORY_WORDS:
            break
        head = text[: m.end()].rstrip()
        place = re.split(r"[,(\u2013\u2014]|\s-", head, maxsplit=1)[0]
        # The place in capitals ("PORT CALLOWAY"): _DATELINE ignores case, a story's "Engineers
        # found it — Mayor Ruiz said ..." must not read as one.
        if place.isupper() and _DATELINE.match(normalize(head)):
            best = (head, m.end())
    return best
