"""Sentence segmentation with exact offsets, independent of line layout.

The text is read in three passes, each a linear scan (docs/segmentation.md lists every rule):

1. Lines are grouped into blocks at blank lines; a block is a paragraph (or, when its lines
   are whole paragraphs joined by single newlines, each line is).
2. Inside a block every line break is classified. A *soft* break is hard-wrapped prose (the
   next line's first word would not have fitted on the line, so a wrapping program moved it
   down); it is read as a space. A *hard* break (the next word would have fitted, the next
   line is a list item, the line is a heading, or the block is set one sentence per line)
   always ends a sentence, which is what makes one-sentence-per-line text and heading lines
   split while wrapped prose joins up.
3. Inside each run of softly joined lines, candidate stops (``.``, ``!``, ``?``, ``…`` with any
   closing quotes or brackets) are accepted or rejected by the word before them and the word
   after them (abbreviations, initials, months before a day number, list numbers).

Every `Sentence.text` is exactly ``text[span.start:span.end]``, trimmed of surrounding
whitespace, so reports can always quote the document as it was written.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

from redline.models import Sentence, Span
from redline.text.lexicon import entries


def _wordset(words: str) -> frozenset[str]:
    """The whitespace-separated words of a literal word list."""
    return frozenset(words.split())


# Line terminators str.splitlines() knows, CRLF first so it counts as one break.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]")

# A stop, with the closing quotes and brackets that belong to the sentence it ends. A match
# starts only at the first stop of a run and never backtracks, so "....." costs linear time.
# A bare closing bracket is a candidate too: a sentence that is all parenthesis, like a wire
# story's "($1 = 0.61 pounds)", ends there.
# The full stops of Chinese and Japanese (and their full-width ! and ?) need no space after
# them; the Devanagari danda is followed by one, like a Latin stop.
_CJK_STOPS = "\u3002\uff01\uff1f"
_CJK_CLOSERS = "\u300d\u300f\uff09\u201d\u2019"
_CANDIDATE = re.compile(
    r"(?<![.!?\u203d\u2026\u0964\u0965])[.!?\u203d\u2026\u0964\u0965]++"
    r"[\"'\u2019\u201d\u00bb\u203a)\]]*+(?=\s)"
    rf"|[{_CJK_STOPS}]++[{_CJK_CLOSERS}]*+"
    r"|[)\]](?=\s)"
)
_STOP_INSIDE = re.compile(
    r"[.!?\u203d\u2026\u0964\u0965][\"'\u2019\u201d\u00bb\u203a)\]]*\s"
    rf"|[{_CJK_STOPS}][{_CJK_CLOSERS}]*\S"
)
_NEXT_WORD = re.compile(r"[^\W\d_][\w'\u2019]*")
_TRAILING_CLOSERS = "\"'\u2019\u201d\u00bb\u203a)]\u300d\u300f\uff09"
_LEADING_OPENERS = "\"'\u2018\u201c\u00ab\u2039(["
_STOP_CHARS = ".!?\u2026\u203d\u0964\u0965" + _CJK_STOPS

# Line starts that always begin a new unit: bullets, numbered items, Markdown headings, quotes.
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+\u2022\u00b7\u25aa\u2013\u2014]\s|\d{1,3}[.)]\s|#{1,6}\s|>)")
_STRONG_ITEM = re.compile(r"[ \t]*(?:[*+\u2022\u25aa]\s|#{1,6}\s)")
_MD_HEADING = re.compile(r"[ \t]*#{1,6}\s")

# Prose is hard-wrapped at 30 columns or more (a narrow newspaper column is about 35-40), so a
# break after which the next word would have fitted in 30 columns was made on purpose.
_NARROWEST = 30
# Wrapping programs and editors stop at 100 columns; longer lines were never wrapped.
_WIDEST = 100
# A block whose lines do not read as consistently wrapped (some short line ends with no reason
# to) is judged against at least this width: its lines are lists, headings or set by hand.
_SET_WIDTH = 50
# Line ends that promise more of the sentence.
_CONTINUES = ",;(&"
_DASHES = "-\u2013\u2014"
_SPACED_DASHES = frozenset(("-", "--", "\u2013", "\u2014"))
_ZERO_WIDTH = re.compile(
    r"[\u00ad\u200b-\u200d\u2060\ufeff\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff]"
)
# Edge characters trimmed from sentences besides whitespace: they are invisible.
_EDGE_JUNK = "\ufeff\u200b\u200c\u200d\u2060"

# Abbreviations that are (almost) never the last word of a sentence: titles before a name,
# and Latin abbreviations that introduce something.
_NEVER_FINAL = _wordset(
    """mr mrs ms messrs mme mlle dr prof sen rep gov gen col lt sgt capt cmdr adm maj cpl pvt
    rev hon pres supt insp det fr e.g i.e eg ie cf viz vs v approx esp incl"""
)
# Abbreviations that stand before a number ("No. 5", "Jan. 5", "Fig. 3").
_BEFORE_NUMBER = _wordset(
    """no nos vol vols p pp fig figs art arts sec ch chap para op ed tel ext
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)
# Abbreviations that may end a sentence: a stop after them counts only when the next word is a
# usual sentence opener ("Acme Inc. The company ..." splits, "Acme Inc. Chief ..." does not).
_AMBIGUOUS = _wordset(
    """inc corp co ltd llc plc bros jr sr st ave blvd rd mt ft dept univ assn est etc al
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    vol fig"""
)
_STARTERS = _wordset(
    """The A An This That These Those There Then Their They Them It Its He She His Her Him We Our
    I You Your But And Or So Yet Nor For In On At By From With Without Within Into Under Over
    After Before During Until Since While When Whenever Where Whether Why What Which Who How
    If Although Though Because As Also However Meanwhile Moreover Furthermore Still Nevertheless
    Instead Indeed Thus Therefore Now Later Earlier Today Yesterday Tomorrow Last Next Some Many
    Most Much Few Several All Both Each Every Other Others Another Such No Not None One Two Three
    Four Five Six Seven Eight Nine Ten Mr Mrs Ms Dr Officials Police Analysts Critics Experts
    Residents People Neither Either Despite Among Asked According Here Like Unlike
    Overall Only Even Just Once Did Does Do Is Are Was Were Has Have Had Will Would Can Could
    Should May Might Must"""
)
# Words that never end a sentence or a heading, in any case ("Reopens After\nRepairs"): a
# line ending in one is wrapped. "in" and "on" end headings when capitalised ("Work Goes On").
_OPEN_ENDED = _wordset(
    """a an the of to into onto at for from with by and or nor but as than its their his her
    our your my after before about between against during without within through toward
    towards amid among via upon"""
)
_OPEN_ENDED_LOWER = _wordset("in on")
# Openers that are capitalised only at a sentence start (titles and nouns follow names too).
_HEADING_FOLLOWERS = _STARTERS - _wordset(
    "Mr Mrs Ms Dr Officials Police Analysts Critics Experts Residents People"
)
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_LIST_NUMBER = re.compile(r"\d{1,3}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,6}")


def segment(text: str) -> list[Sentence]:
    """Split `text` into sentences with exact spans.

    Args:
        text: the document's extracted text; any line layout, any line terminator.

    Returns:
        The sentences in reading order, each with `text == text[span.start:span.end]`, no
        surrounding whitespace, `paragraph` numbering the paragraphs from 0 and `role` None.
    """
    out: list[Sentence] = []
    paragraph = 0
    # Text with no capitals at all (lower-cased corpora, chat) cannot use "the next word starts
    # in lower case" as a sign that a sentence goes on; the rules then look at words alone.
    caseless = text == text.lower()
    for block in _blocks(text):
        layout = _Layout(text, block)
        spans = [
            span
            for start, end in _runs(text, block, layout, caseless=caseless)
            for span in _split_run(text, start, end, caseless=caseless)
        ]
        if not spans:
            continue
        starts = [start for start, _ in block]
        first = [bisect_right(starts, s) - 1 for s, _ in spans]
        last = [bisect_right(starts, e - 1) - 1 for _, e in spans]
        # Paragraphs joined by single newlines (what HTML extraction gives) have every line
        # break between sentences and several sentences on some line: each line is then a
        # paragraph. Hard-wrapped prose (sentences cross lines, or every line break happens to
        # fall at a sentence end) and one sentence per line stay one paragraph per block.
        per_line = (
            not layout.wrapped
            and first == last
            and len(set(first)) < len(first)
            and len(set(first)) > 1
        )
        line_paragraph: dict[int, int] = {}
        for (start, end), line in zip(spans, first, strict=True):
            offset = line_paragraph.setdefault(line, len(line_paragraph)) if per_line else 0
            out.append(Sentence(Span(start, end), text[start:end], paragraph + offset))
        paragraph += len(line_paragraph) if per_line else 1
    return out


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, line terminators excluded."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        lines.append((pos, m.start()))
        pos = m.end()
    lines.append((pos, len(text)))
    return lines


def _blocks(text: str) -> Iterator[list[tuple[int, int]]]:
    """Groups of consecutive non-blank lines, each line as (start, end) trimmed of whitespace."""
    block: list[tuple[int, int]] = []
    for start, end in _lines(text):
        s, e = _trim(text, start, end)
        if s == e:
            if block:
                yield block
                block = []
            continue
        # Keep the raw start: the wrap width is measured from the line's first column.
        block.append((start, e))
    if block:
        yield block


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink (start, end) past whitespace and invisible characters at both edges."""
    while start < end and (text[start].isspace() or text[start] in _EDGE_JUNK):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _EDGE_JUNK):
        end -= 1
    return start, end


def _wrap_width(text: str, block: list[tuple[int, int]]) -> int:
    """A conservative estimate of the column width the block's prose was wrapped at.

    Underestimating is safe for wrapped prose (a wrapped line plus the next word always exceeds
    the true width, hence any smaller one), so with enough lines the 75th percentile of the
    non-last lines is used, which also keeps one-sentence-per-line text from taking its
    longest sentence as the width; a short block uses its longest non-last line.
    """
    lengths = sorted(_columns(text, start, end) for start, end in block[:-1])
    if len(lengths) >= 4:
        return lengths[(3 * len(lengths)) // 4]
    return lengths[-1]


class _Layout:
    """How one block's lines are laid out: the width to judge breaks by, and the block's kind.

    A block of wrapped prose is consistent with one width: no line break leaves room for the
    next word at any width the block could have been wrapped at (30 columns or its estimate).
    A break that does leave room was made on purpose; when every such break has a reason of
    its own (the line ends a sentence, reads as a heading, or a list item follows) the block
    is still prose around them and its breaks are judged at its own width, however narrow.
    Otherwise its lines were set by hand (short sentences or phrases one per line) and breaks
    are judged against at least 50 columns, so lines without stops still end their units.
    """

    __slots__ = ("headings", "line_mode", "lines", "width", "wrapped")

    def __init__(self, text: str, block: list[tuple[int, int]]) -> None:
        self.lines = len(block)
        self.line_mode = False
        self.wrapped = False
        self.headings = False  # every line reads as a heading: one wrapped title, say
        self.width = 0
        if len(block) < 2:
            return
        estimate = _wrap_width(text, block)
        # A wrapping program leaves the last line no longer than the others could be, so the
        # block was wrapped at least that wide: "Title\nA long sentence ..." is not a wrap.
        last = _columns(text, *block[-1])
        narrow = max(estimate, _NARROWEST, last)
        fits = [_fits(text, line, nxt, narrow) for line, nxt in itertools.pairwise(block)]
        # Lines that nearly all end in a stop are sentences or paragraphs set one per line (in
        # wrapped prose a line ends at a sentence end about once in a few lines): then a line
        # that ends in a stop ends its sentence, even after "Inc." (not after "Mr." or "J.").
        # "Inc." at a line end is what line mode must decide, so it is not counted against it.
        # Wrapped prose leaves no room at the end of any line; set lines leave room somewhere,
        # which keeps a wrap that happens to end lines at sentence ends out of line mode.
        ends = [_line_end(text, start, end) for start, end in block[:-1]]
        stops = ends.count(_END_STOP)
        self.line_mode = (
            stops >= 2 and stops >= 0.75 * (len(ends) - ends.count(_END_MAYBE)) and any(fits)
        )
        longest = max(_columns(text, start, end) for start, end in block)
        self.wrapped = not self.line_mode and not any(fits) and longest <= _WIDEST
        consistent = not self.line_mode and all(
            not fit or _set_on_purpose(text, line, nxt)
            for fit, (line, nxt) in zip(fits, itertools.pairwise(block), strict=False)
        )
        self.width = narrow if consistent else max(estimate, _SET_WIDTH)
        self.headings = all(_heading_like(text[start:end], part=True) for start, end in block)


def _set_on_purpose(text: str, line: tuple[int, int], nxt: tuple[int, int]) -> bool:
    """Whether a short line has its own reason to end: a stop, a colon, a heading, a list."""
    (start, end), (nstart, nend) = line, nxt
    return (
        _ends_with_stop(text, start, end)
        or text[end - 1] == ":"
        or _MD_HEADING.match(text, start, end) is not None
        or _LIST_ITEM.match(text, nstart, nend) is not None
        or _heading_like(text[start:end])
    )


def _columns(text: str, start: int, end: int) -> int:
    """Display width of text[start:end]: soft hyphens and combining marks take no column."""
    return end - start - len(_ZERO_WIDTH.findall(text, start, end))


def _runs(
    text: str, block: list[tuple[int, int]], layout: _Layout, *, caseless: bool = False
) -> Iterator[tuple[int, int]]:
    """Spans of softly joined lines inside one block; a hard line break ends a run."""
    # Width is judged per block, with the block's own lines only: an unwrapped heading block
    # elsewhere must not make wrapped prose look short.
    run_start = _trim(text, *block[0])[0]
    fresh = True  # the line starts a run: only such a line can be a heading
    for line, nxt in itertools.pairwise(block):
        if _hard_break(text, line, nxt, layout, fresh=fresh, caseless=caseless):
            yield run_start, line[1]
            run_start = _trim(text, *nxt)[0]
            fresh = True
        else:
            # After a soft break the next line starts afresh only if this one closed a sentence.
            fresh = _ends_with_stop(text, *line)
    yield run_start, block[-1][1]


def _first_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Span of the line's first whitespace-separated word."""
    first = _trim(text, start, end)[0]
    word_end = first
    while word_end < end and not text[word_end].isspace():
        word_end += 1
    return first, word_end


def _fits(text: str, line: tuple[int, int], nxt: tuple[int, int], width: int) -> bool:
    """Whether the next line's first word would have fitted on `line` at `width` columns."""
    first, word_end = _first_word(text, *nxt)
    return _columns(text, *line) + 1 + _columns(text, first, word_end) <= width


def _ends_with_stop(text: str, start: int, end: int) -> bool:
    """Whether the line ends in a stop, closing quotes and brackets aside."""
    content = text[max(start, end - 8) : end].rstrip(_TRAILING_CLOSERS)
    return bool(content) and content[-1] in _STOP_CHARS


_END_NONE, _END_STOP, _END_MAYBE, _END_ABBREV = range(4)


def _last_token(text: str, start: int, end: int) -> str:
    """The line's last whitespace-separated token, its final stop and opening quotes removed."""
    k = end - 1
    lim = max(start, end - 41)
    while k > lim and not text[k - 1].isspace():
        k -= 1
    return text[k : end - 1].lstrip(_LEADING_OPENERS)


def _line_end(text: str, start: int, end: int) -> int:
    """How the line ends: no stop, a sentence stop, an abbreviation that may end a sentence
    ("Inc."), or one that never does ("Mr.", an initial)."""
    if not _ends_with_stop(text, start, end):
        return _END_NONE
    if text[end - 1] != ".":
        return _END_STOP
    token = _last_token(text, start, end)
    low = token.lower()
    if low in _NEVER_FINAL or (len(token) == 1 and token.isupper()):
        return _END_ABBREV
    if low in _AMBIGUOUS or _DOTTED.fullmatch(token):
        return _END_MAYBE
    return _END_STOP


def _hard_break(
    text: str,
    line: tuple[int, int],
    nxt: tuple[int, int],
    layout: _Layout,
    *,
    fresh: bool,
    caseless: bool = False,
) -> bool:
    """Whether the break between `line` and the next line `nxt` ends a sentence."""
    (start, end), (nstart, nend) = line, nxt
    width, line_mode = layout.width, layout.line_mode
    if _MD_HEADING.match(text, start, end) or _STRONG_ITEM.match(text, nstart, nend):
        return True
    nfirst, word_end = _first_word(text, nstart, nend)
    next_word = text[nfirst:word_end]
    ends_with_stop = _ends_with_stop(text, start, end)
    fitted = _fits(text, line, nxt, width)
    if _LIST_ITEM.match(text, nstart, nend) and (
        fitted
        or (ends_with_stop and _last_token(text, start, end).lower() not in _BEFORE_NUMBER)
        or text[end - 1] == ":"
        or (_LIST_ITEM.match(text, start, end) and not layout.wrapped)
    ):
        # A dash or number at a line start is a list item only after a line that ended;
        # wrapped prose can put a spaced dash or a figure there too.
        return True
    opens_with_dash = text[_trim(text, start, end)[0]] in _DASHES
    last = text[end - 1]
    if line_mode and last == "," and next_word[:1].isupper():
        return True  # lines are units here: a paragraph cut short after a comma still ends
    if last in _CONTINUES or (last in _DASHES and not opens_with_dash):
        # "In Lisbon,\nMaria Lopez said", "well-\nknown", "(Gazette) -\nThe": the sentence
        # goes on. A dash ends a line that also opens with one ("-- CABLE FIRMS LOOK BEFORE
        # THEY LEAP --") without continuing it.
        return False
    if _is_byline_line(text[nfirst:nend]):
        return True  # "Ferry fares rise\nBy Jane Roe": a byline line stands on its own
    if next_word[:1].islower() and not caseless:
        # A lower-case continuation is wrapped prose unless the line closed a sentence and
        # was visibly cut short.
        return ends_with_stop and fitted
    if ends_with_stop and _last_token(text, start, end).lower() in _NEVER_FINAL:
        return False  # "Mr.\nOkafor": a title never ends a line's unit ("plan B." may)
    if fitted:
        return True
    if (
        next_word in _SPACED_DASHES
        and word_end < nend
        and not opens_with_dash
        and not ends_with_stop
        and last != ":"
    ):
        return False  # "PORTVALE, March 3 (Gazette)\n- The bridge ...": a spaced dash wrapped
    if _open_ended(text[start:end]):
        return False  # "The U.S. Department of\nTransportation": nothing ends on "of"
    if _left_open(text, start, end):
        return False  # "PORTVALE, March 3 (Coastline\nGazette) - ...": the bracket is open
    if line_mode:
        kind = _line_end(text, start, end)
        # "Jan.\n5" and "No.\n10" continue whatever the layout.
        before_number = (
            next_word[:1].isdigit() and _last_token(text, start, end).lower() in _BEFORE_NUMBER
        )
        if kind in (_END_STOP, _END_MAYBE, _END_NONE) and not before_number:
            # Lines are units here: one with no stop is a heading or a sentence without one.
            return True
    if ends_with_stop:
        # A full-width line ending in a stop: the run splitter decides (it knows abbreviations).
        return False
    # A full-width line with no stop whose next line starts a capital: wrapped prose, unless
    # the line reads as a heading (a few words, mostly capitalised).
    if not fresh or not _heading_like(text[start:end]):
        return False
    if not layout.wrapped:
        return True
    # In a block that reads as one wrapped paragraph, title-case lines are common (names,
    # datelines, a title wrapped over lines): a heading needs a sentence to open after it,
    # and a block that is all title case is one heading wrapped over its lines.
    opener = next_word.lstrip(_LEADING_OPENERS).rstrip(",;:!?")
    # "By Jane Roe", "Von Jana Roe" (data/byline_leads.*.txt): a byline opens after a heading.
    byline = opener.casefold() in _byline_openers() and nend - nstart > 3
    # A two-line block of a line in full title case and a line closing on a full stop
    # ("Harbour Plan Wins Approval\nWait for it..."): a title wrapped over two lines ends
    # without one (or on "?" or "!"), and a wrap would open the paragraph's sentence with a
    # whole line of capitalised words.
    content = text[nstart:nend].rstrip().rstrip(_TRAILING_CLOSERS)
    closes = (
        layout.lines == 2
        and content.endswith((".", "\u2026"))
        and all(w[0].isupper() for w in _NEXT_WORD.findall(text, start, end) if len(w) > 3)
    )
    return byline or closes or (opener in _HEADING_FOLLOWERS and not layout.headings)


@cache
def _byline_openers() -> frozenset[str]:
    """One-word byline leads ("by", "von", "par"), case folded."""
    return frozenset(e for e in entries("byline_leads") if " " not in e and not e.endswith(":"))


def _is_byline_line(line: str) -> bool:
    """'By Jane Roe', 'Von Jana Roe und Li Wei': a byline lead and one to six name words."""
    first, _, rest = line.partition(" ")
    tokens = rest.split()
    return (
        first.casefold() in _byline_openers()
        and 1 <= len(tokens) <= 6
        and tokens[0][:1].isupper()
        and sum(t[:1].isupper() for t in tokens) >= len(tokens) - 1
        and line[-1:] not in ".!?,;"
    )


def _last_word(text: str, start: int, end: int) -> str:
    """The line's last whitespace-separated word, as written."""
    k = end
    while k > max(start, end - 12) and not text[k - 1].isspace():
        k -= 1
    return text[k:end]


def _left_open(text: str, start: int, end: int) -> bool:
    """Whether the line opens a bracket or a quotation that it does not close."""
    return (
        text.count("(", start, end) > text.count(")", start, end)
        or text.count("\u201c", start, end) > text.count("\u201d", start, end)
        or text.count('"', start, end) % 2 == 1
    )


def _open_ended(line: str) -> bool:
    """Whether the line ends on a word that no sentence or heading ends on."""
    word = _last_word(line, 0, len(line))
    return word.lower() in _OPEN_ENDED or word in _OPEN_ENDED_LOWER


def _heading_like(line: str, *, part: bool = False) -> bool:
    """Most longer words capitalised, as in a title-case heading or an all-caps line.

    With `part`, the line may be the first part of a heading wrapped over lines, so it may end
    on "of" or "After"; a whole heading does not.
    """
    if _STOP_INSIDE.search(line):
        return False  # a sentence ends inside it: prose
    if _open_ended(line):
        if not part:
            return False  # "Mayor Ellen Ruiz of": headings do not end on "of" or "the"
        line = line[: len(line) - len(_last_word(line, 0, len(line)))]
    all_words = _NEXT_WORD.findall(line)
    long_words = [w for w in all_words if len(w) > 3]
    if len(all_words) > 12:
        return False
    if not long_words:
        return True
    caps = sum(1 for w in long_words if w[0].isupper())
    return caps >= 0.75 * len(long_words)


def _split_run(
    text: str, start: int, end: int, *, caseless: bool = False
) -> Iterator[tuple[int, int]]:
    """Sentence spans inside one run of text, trimmed."""
    sent_start = start
    for m in _CANDIDATE.finditer(text, start, end):
        j = m.end()
        while j < end and text[j].isspace():
            j += 1
        if j >= end:
            break
        if _is_boundary(text, m, j, end, sent_start, caseless=caseless):
            s, e = _trim(text, sent_start, m.end())
            if s < e:
                yield s, e
            sent_start = j
    s, e = _trim(text, sent_start, end)
    if s < e:
        yield s, e


def _is_boundary(
    text: str, m: re.Match[str], nxt: int, end: int, sent_start: int, *, caseless: bool = False
) -> bool:
    """Whether the stop matched by `m` ends a sentence, given the next word at `nxt`."""
    first = text[nxt]
    if first.islower() and not caseless:
        return False
    if m.group() in ")]":
        # Only a bracket that closes one opened at the sentence start ends the sentence.
        opener = "(" if m.group() == ")" else "["
        if text[sent_start] != opener or m.end() - sent_start > 300:
            return False  # the cap keeps the scan below linear per sentence
        # The bracket that opened the sentence closes here, nested ones counted: "((...))".
        depth = 0
        for k in range(sent_start, m.end()):
            depth += (text[k] == opener) - (text[k] == m.group())
            if depth == 0:
                return k == m.start()
        return False
    if m.start() - sent_start < 8 and not any(c.isalnum() for c in text[sent_start : m.start()]):
        return False  # '"... There' or '(...) The': nothing has been said yet
    stop = m.group().rstrip(_TRAILING_CLOSERS)
    if stop[-1:] in _CJK_STOPS and stop != m.group() and nxt == m.end():
        return False  # 「...。」と言った: a closed quotation the sentence goes on after
    if stop != ".":
        # ?, !, ellipses: a sentence ends unless the next word continues in lower case.
        return True
    closed = len(stop) != len(m.group())
    # The token before the stop, at most 40 characters back (tokens are short; keeps it linear).
    k = m.start()
    lim = max(sent_start, k - 40)
    while k > lim and not text[k - 1].isspace():
        k -= 1
    token = text[k : m.start()].lstrip(_LEADING_OPENERS)
    if not token or closed:
        return True
    low = token.lower()
    if k == sent_start and _LIST_NUMBER.fullmatch(token):
        return False  # "1. The first item" or "a. ...": a list marker, not a sentence
    if token.isupper() and len(token) > 1 and "." not in token and not first.isdigit():
        return True  # an acronym ("at ADM."), not the title "Adm."
    if low in _NEVER_FINAL:
        return False
    if first.isdigit():
        return low not in _BEFORE_NUMBER
    word_m = _NEXT_WORD.match(text, nxt, end)
    next_word = word_m.group() if word_m else ""
    # The next word is itself an initial ("J. A. Smith"): never a sentence opener then.
    next_is_initial = word_m is not None and word_m.end() < end and text[word_m.end()] == "."
    # Without capitals an opener cannot be told from a word inside a sentence ("at 5 p.m. the
    # ferry left"), so abbreviations and initials then never end one.
    opens = (
        not caseless and next_word in _STARTERS and not (next_is_initial and len(next_word) == 1)
    )
    if len(token) == 1 and token.isalpha() and (token.isupper() or caseless):
        return opens  # an initial: "J. R. Smith", but "Plan B. The ..."
    if low in _AMBIGUOUS or _DOTTED.fullmatch(token):
        # "U.S. Senate" vs "in the U.S. The ..."; a quotation or bracket opening after the
        # stop starts a sentence ('... Foods Inc. "We ...', '... Ltd. ($1 = ...)').
        return opens or first in _LEADING_OPENERS
    return True
