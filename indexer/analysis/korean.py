"""Korean: Kiwi's morphological analysis mapped back onto ICU's words (eojeol) as stems and bigrams.

Kiwi (kiwipiepy, its model installed from PyPI) splits 사회복지센터에서 into
사회 + 복지 + 센터 + 에서; the nouns, and verbs and adjectives in their base
form, become STEM tokens of the whole eojeol, while particles (josa) and
endings (eomi), like Nori's stop tags, become nothing. Hangul bigrams of the
eojeol's nominal part (particles and endings cut off) catch what the analyzer
splits differently in a short query than in running text (사회복지 → 사회 +
복지, but 사회복지사 → 사회 + 복지사).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from kiwipiepy import Kiwi

from indexer.analysis.chain import GRAM, INDEX, STEM, Token, Tokenizer, TokenStream
from indexer.analysis.grams import cjk_bigrams
from indexer.analysis.tokenizers import IcuTokenizer

# Kiwi's part-of-speech tags whose morpheme is content, kept in its surface form:
# nouns, pronouns, numerals, roots, adverbs, and foreign, Hanja and number runs.
CONTENT_TAGS = frozenset({"NNG", "NNP", "NNB", "NP", "NR", "XR", "MAG", "SL", "SH", "SN"})
# Verbs and adjectives, kept in their base form (lemma): 도와줬다 → 도와주다, 아름다웠다 → 아름답다.
PREDICATE_TAGS = frozenset({"VV", "VA"})
# A nominal part this long or shorter is its own only bigram: its stem already matches.
MIN_GRAMMED_LENGTH = 2
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")


@dataclass(frozen=True, slots=True)
class Morpheme:
    """One content morpheme: its index term, its code-point span in the analyzed text, and whether it is nominal."""

    term: str
    start: int
    end: int
    nominal: bool


# What a dictionary word begins with (a common or bound noun, a verb, an adjective) and may go on with: particles
# (J), endings (E), the suffixes making a noun a predicate (포기 + 하 + ㄹ지), the copula and auxiliaries.
DICTIONARY_HEADS = frozenset({"NNG", "NNB", "VV", "VA"})
DICTIONARY_PIECES = ("J", "E", "XSV", "XSA", "VCP", "VX")


class KiwiAnalyzer:
    """One Kiwi per process (loading it takes a second and ~100 MB); calls are serialized by a lock."""

    def __init__(self):
        self._kiwi = Kiwi()
        self._lock = threading.Lock()

    def content_morphemes(self, text: str) -> list[Morpheme]:
        """Analyze a whole text in one call (Kiwi is fast per call, slow per word) → its content morphemes."""
        with self._lock:
            tokens = self._kiwi.tokenize(text)
        morphemes = []
        for token in tokens:
            tag = token.tag.split("-")[0]  # VA-I (irregular) → VA
            if tag in CONTENT_TAGS:
                morphemes.extend(_per_word(text, token.form, token.start, token.end))
            elif tag in PREDICATE_TAGS:
                morphemes.append(Morpheme(token.lemma, token.start, token.end, False))
        return morphemes

    def is_dictionary_word(self, word: str) -> bool:
        """Whether Kiwi's dictionary holds `word`: a common noun or a predicate with its particles or endings
        (폭발이, 해는, 포기할지), every piece known. Names (NNP) are not asked, since their spellings vary
        (해링턴, 해리턴), nor words Kiwi reads by guessing (OOV: 샌터), as pieces (모댈: 모 + 대 + ㄹ; 화선: 화 + 선)
        or only with a typo cost (청소뇬)."""
        with self._lock:
            tokens = self._kiwi.tokenize(word)
        if not tokens or tokens[0].start != 0 or tokens[0].tag.split("-")[0] not in DICTIONARY_HEADS:
            return False
        return not tokens[0].oov and all(
            not token.oov and not token.typo_cost and token.tag.split("-")[0].startswith(DICTIONARY_PIECES)
            for token in tokens[1:]
        )


def _per_word(text: str, form: str, start: int, end: int) -> list[Morpheme]:
    """A nominal morpheme as one Morpheme per eojeol it spans: Kiwi reads a foreign name of several words
    as one (다니엘 스터리지), which would leave 스터리지가 with no stem to match 스터리지."""
    surface = text[start:end]
    if not any(char.isspace() for char in surface):
        return [Morpheme(form, start, end, True)]
    return [Morpheme(m.group(), start + m.start(), start + m.end(), True) for m in re.finditer(r"\S+", surface)]


@cache
def kiwi_analyzer() -> KiwiAnalyzer:
    """The process's shared Kiwi, loaded on first use."""
    return KiwiAnalyzer()


class KoreanTokenizer(Tokenizer):
    """ICU's words, each followed by its content morphemes (STEM) and its nominal part's Hangul bigrams (GRAM).

    Every token of one eojeol carries the eojeol's position and span, so 센터 from
    센터에서 highlights the whole 센터에서.

    >>> [(t.text, t.role) for t in KoreanTokenizer()("센터에서")]
    [('센터에서', 'word'), ('센터', 'stem')]
    """

    stems_are_words = True  # Kiwi's lemmas are dictionary forms

    def __init__(self):
        self.words = IcuTokenizer("ko")

    def __call__(self, text: str, mode: str = INDEX) -> TokenStream:
        words = list(self.words(text, mode))
        if not words:
            return
        hangul = _HANGUL.search(text)
        morphemes = iter(kiwi_analyzer().content_morphemes(text) if hangul else ())
        morpheme = next(morphemes, None)
        for word in words:
            yield word
            parts = []
            while morpheme is not None and morpheme.start < word.end:
                if morpheme.start >= word.start:
                    parts.append(morpheme)
                morpheme = next(morphemes, None)
            yield from _word_parts(text, word, parts)


def _word_parts(text: str, word: Token, parts: list[Morpheme]) -> Iterator[Token]:
    """The STEM and GRAM tokens of one eojeol, from its content morphemes."""
    for part in parts:
        yield Token(part.term, word.pos, word.start, word.end, word.boost, STEM)
    nominal_ends = [part.end for part in parts if part.nominal]
    if nominal_ends:
        content = text[word.start : min(word.end, max(nominal_ends))]
        if len(content) > MIN_GRAMMED_LENGTH:
            for gram in cjk_bigrams(content):
                yield Token(gram, word.pos, word.start, word.end, word.boost, GRAM)
