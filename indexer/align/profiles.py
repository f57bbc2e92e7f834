"""What alignment reads of an article: its sentences paragraph by paragraph, and the anchors that survive
translation (numbers after digit folding, Latin-script names and acronyms, URLs, quotation marks)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from indexer.analysis import fold_digits
from indexer.documents import Article

_SENTENCE_END = re.compile(r"(?<=[.!?।॥۔؟])[\"'”’»」』)]*\s+|(?<=[。！？])[”」』）]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Latin letters with their diacritics (Latin-1, Extended-A/B, Extended Additional: Vietnamese), so that
# "Nguyễn" is one word, not "Nguy" and "n".
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN_WORD = re.compile(rf"[{_LATIN}][{_LATIN}'’-]*[{_LATIN}]|[{_LATIN}]")
_URL = re.compile(r"https?://\S+|www\.\S+")
_LETTERS = re.compile(r"[^\W\d_]+")
_QUOTES = re.compile(r"[\"“”«»「」『』„]")
# The anchor every sentence holding a quotation carries.
QUOTE_ANCHOR = '"'


@dataclass(frozen=True)
class Sentence:
    """A sentence as alignment sees it: its length in characters and its anchors."""

    length: int
    anchors: frozenset[str]


@dataclass(frozen=True)
class Profile:
    """What alignment needs of one article: its sentences paragraph by paragraph, and its anchors."""

    id: str
    lang: str
    group: str
    published: str
    title_anchors: frozenset[str]
    paragraphs: tuple[tuple[Sentence, ...], ...]

    @cached_property
    def paragraph_lengths(self) -> tuple[int, ...]:
        """Characters in each paragraph."""
        return tuple(sum(s.length for s in paragraph) for paragraph in self.paragraphs)

    @cached_property
    def paragraph_anchors(self) -> tuple[frozenset[str], ...]:
        """The anchors of each paragraph."""
        return tuple(frozenset().union(*(s.anchors for s in paragraph)) for paragraph in self.paragraphs)

    @property
    def length(self) -> int:
        """Characters in the article's paragraphs."""
        return sum(self.paragraph_lengths)

    @cached_property
    def anchors(self) -> frozenset[str]:
        """Every anchor of the article, headline included."""
        return self.title_anchors.union(*self.paragraph_anchors)

    @cached_property
    def candidate_anchors(self) -> frozenset[str]:
        """The anchors that tell untagged translations apart: names, acronyms, URLs, numbers of 2+ digits."""
        return frozenset(a for a in self.anchors if a != QUOTE_ANCHOR and not (a.isdigit() and len(a) < 2))


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph after sentence-final punctuation (`.`, `।`, `。` …); text without any stays whole."""
    return [part for part in _SENTENCE_END.split(paragraph) if part.strip()]


def anchors_of(text: str, latin_script: bool = False) -> frozenset[str]:
    """Return what survives translation: folded numbers, Latin-script names and acronyms, URLs, quotes.

    In Latin-script text (`latin_script`) only capitalized words can be names (a sentence's first word
    is kept: alignment matches names that open sentences). Latin words lose their diacritics, so
    Nguyễn in Vietnamese meets Nguyen in English.

    >>> sorted(anchors_of("২৩টি ক্লাব, ১,০০০ সদস্য: ANH PHUONG"))
    ['1000', '23', 'anh', 'phuong']
    >>> sorted(anchors_of("Trong khi đó, ông Nguyễn Văn Tuấn nói", latin_script=True))
    ['nguyen', 'trong', 'tuan', 'van']
    """
    found = set()
    for url in _URL.findall(text):
        found.add(url.rstrip(".,)").lower())
    text = _URL.sub(" ", text)
    for number in _NUMBER.findall(fold_digits(text)):
        found.add(re.sub(r"[.,]", "", number))
    for word in _LATIN_WORD.findall(text):
        if not latin_script or word[0].isupper():
            found.add(_without_diacritics(word.lower()))
    if _QUOTES.search(text):
        found.add(QUOTE_ANCHOR)
    return frozenset(found)


def _without_diacritics(word: str) -> str:
    """The word's letters without their marks (đ as d): ễ → e."""
    return "".join(c for c in unicodedata.normalize("NFD", word.replace("đ", "d")) if not unicodedata.combining(c))


def _is_latin_text(text: str) -> bool:
    letters = _LETTERS.findall(text)
    return bool(letters) and len(_LATIN_WORD.findall(text)) * 2 > len(letters)


def profile_of(article: Article) -> Profile:
    """Reduce an article to what alignment needs: sentence lengths and anchors, paragraph by paragraph."""
    latin = _is_latin_text(" ".join((article.title, *article.paragraphs[:1])))
    paragraphs = tuple(
        tuple(Sentence(_length(s), anchors_of(s, latin)) for s in split_sentences(p) or [p]) for p in article.paragraphs
    )
    title_anchors = anchors_of(article.title, latin)
    return Profile(article.id, article.lang, article.group, article.published, title_anchors, paragraphs)


def _length(text: str) -> int:
    """Characters without spaces: scripts written without spaces compare fairly."""
    return max(1, len(text) - text.count(" "))


def translation_groups(profiles: Iterable[Profile]) -> dict[str, list[Profile]]:
    """Group articles into stories by their group key (by default their source URL)."""
    groups: dict[str, list[Profile]] = defaultdict(list)
    for profile in profiles:
        groups[profile.group].append(profile)
    return dict(groups)
