"""Snippets: the sentence or two of a passage around its matches, cut where ICU says a sentence ends.

ICU's sentence break knows each script's full stops (the danda ।, 。, ?, Korean endings followed by
a stop); a sentence too long for a phone's four lines is cut at ICU word boundaries around the first
match, which never split a grapheme cluster. Width is counted in columns: an East Asian wide
character as two, a combining mark as none, so the same budget fits Hangul, Han and Latin lines.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import cache
from itertools import accumulate

import icu

from indexer.analysis.tokenizers import IcuTokenizer, utf16_to_code_points
from indexer.search.highlight import mark

# Columns a snippet may take: about four lines at 390 px (about 42 Latin letters or 21 Hangul a line).
SNIPPET_COLUMNS = 150
# At most this share of the budget goes before the first match when a long sentence is cut.
LEAD_SHARE = 0.25
# What marks text left out at either end of a snippet.
ELLIPSIS = "…"

_LOCAL = threading.local()


def columns(text: str) -> int:
    """How wide `text` is drawn, in columns: wide (CJK) characters count two, combining marks none."""
    return sum(map(_COLUMNS.__getitem__, text))


class _CharColumns(dict):
    """Each character's columns, worked out from Unicode's data on first sight: a snippet measures every
    character of its passage, and a dictionary lookup mapped over a text costs a third less than a cached
    function's call."""

    def __missing__(self, char: str) -> int:
        if unicodedata.combining(char) or unicodedata.category(char) == "Mn":
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        self[char] = width
        return width


_COLUMNS = _CharColumns()


class _Widths:
    """The columns of any slice of one text, from running totals (a snippet measures many slices)."""

    def __init__(self, text: str):
        self.running = [0, *accumulate(map(_COLUMNS.__getitem__, text))]

    def __call__(self, start: int, end: int) -> int:
        return self.running[end] - self.running[start]


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """The sentences of `text` as (start, end) code-point offsets, by ICU's sentence break for `lang`."""
    iterators = getattr(_LOCAL, "sentences", None)
    if iterators is None:
        iterators = _LOCAL.sentences = {}
    if lang not in iterators:
        iterators[lang] = icu.BreakIterator.createSentenceInstance(icu.Locale(lang))
    breaker = iterators[lang]
    breaker.setText(text)
    to_code_points = utf16_to_code_points(text)
    bounds = [breaker.first(), *breaker]
    if to_code_points is not None:
        bounds = [to_code_points[bound] for bound in bounds]
    return list(zip(bounds, bounds[1:], strict=False))


def snippet_span(text: str, spans: list[tuple[int, int]], lang: str, budget: int = SNIPPET_COLUMNS) -> tuple[int, int]:
    """The part of `text` to show for a hit whose matches are `spans`: the best sentence, with its neighbour
    when both fit in `budget` columns, else a cut of the best sentence around its first match."""
    width = _Widths(text)
    if width(0, len(text)) <= budget:
        return 0, len(text)
    sentences = sentence_spans(text, lang)
    best = max(range(len(sentences)), key=lambda n: (_match_score(text, sentences[n], spans), -n))
    start, end = sentences[best]
    for neighbour in _neighbours(best, sentences, text, spans):
        wider = (min(start, neighbour[0]), max(end, neighbour[1]))
        if width(*wider) <= budget:
            start, end = wider
            break
    if width(start, end) > budget:
        first = min((s for s, _ in spans if start <= s < end), default=start)
        start, end = _cut_around(text, lang, (start, end), first, budget, width)
    return _strip(text, start, end)


def _match_score(text: str, sentence: tuple[int, int], spans: list[tuple[int, int]]) -> tuple[int, int]:
    """How well a sentence shows the matches: the distinct words marked in it, then all its marks."""
    inside = [text[s:e].lower() for s, e in spans if sentence[0] <= s < sentence[1]]
    return len(set(inside)), len(inside)


def _neighbours(best: int, sentences: list[tuple[int, int]], text: str, spans: list[tuple[int, int]]) -> list:
    """The sentences next to the best one, one holding a match first, then the following one."""
    around = [sentences[n] for n in (best + 1, best - 1) if 0 <= n < len(sentences)]
    return sorted(around, key=lambda sentence: _match_score(text, sentence, spans) == (0, 0))


def _cut_around(
    text: str, lang: str, sentence: tuple[int, int], first: int, budget: int, width: _Widths
) -> tuple[int, int]:
    """Whole words of the sentence text[start:end] filling `budget` columns, starting a little before offset
    `first`."""
    start, end = sentence
    words = [(t.start + start, t.end + start) for t in _word_tokenizer(lang)(text[start:end])]
    if not words:
        return start, end
    lead = int(budget * LEAD_SHARE)
    at = next((n for n, (s, e) in enumerate(words) if e > first), 0)
    while at > 0 and width(words[at - 1][0], first) <= lead:
        at -= 1
    cut_start, last = words[at][0], at
    while last + 1 < len(words) and width(cut_start, words[last + 1][1]) <= budget:
        last += 1
    return cut_start, end if last == len(words) - 1 else words[last][1]  # the sentence's own stop, if reached


@cache
def _word_tokenizer(lang: str) -> IcuTokenizer:
    """One ICU word tokenizer per language (it keeps a break iterator per thread)."""
    return IcuTokenizer(lang)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces at its ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def marked_snippet(text: str, spans: list[tuple[int, int]], lang: str) -> str:
    """The snippet of `text` for matches at `spans`, HTML-escaped and marked, with an ellipsis where text was cut."""
    start, end = snippet_span(text, spans, lang)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    return f"{ELLIPSIS if start > 0 else ''}{mark(text[start:end], inside)}{ELLIPSIS if end < len(text) else ''}"
