"""The analysis pipeline's parts: tokens, and tokenizers and filters composed with `|`.

Modelled on Whoosh's analysis pipeline but free of Whoosh, so the engine stays
swappable: `index.py` adapts an `Analyzer` to Whoosh in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from indexer.documents import reject_unpaired_surrogates

INDEX = "index"
QUERY = "query"


# Token roles. Every token of one surface word shares that word's `pos`, `start` and `end`,
# so highlighting marks the whole word and phrases see one position per word.
WORD = "word"  # the normalized surface word: an exact match, ranked highest
STEM = "stem"  # a base form, stem or compound part: all of a word's stems together also match it
GRAM = "gram"  # a character n-gram for recall (CJK): all of a word's grams together also match it


@dataclass(slots=True)
class Token:
    """One term, its role, its word position and the code-point span of the surface word it came from."""

    text: str
    pos: int
    start: int
    end: int
    boost: float = 1.0
    role: str = WORD


TokenStream = Iterator[Token]


def word_forms(tokens: Iterable[Token]) -> set[str]:
    """A word's texts as written and as stemmed, leaving out its grams: what tells two words the same word."""
    return {token.text for token in tokens if token.role in (WORD, STEM)}


class Composable:
    """Something that composes with `|` into an Analyzer."""

    def __or__(self, other: Filter) -> Analyzer:
        parts = self.parts if isinstance(self, Analyzer) else (self,)
        return Analyzer(*parts, other)


class Tokenizer(Composable):
    """Turns text into a token stream."""

    # Whether its stems are dictionary forms a reader reads (Kiwi's lemmas: 도와주다), not cut ones (heavi).
    stems_are_words = False

    def __call__(self, text: str, mode: str = INDEX) -> TokenStream:
        raise NotImplementedError


class Filter(Composable):
    """Turns a token stream into another token stream."""

    def __call__(self, tokens: TokenStream, mode: str = INDEX) -> TokenStream:
        raise NotImplementedError


class Analyzer(Composable):
    """A tokenizer followed by filters; the same chain runs at index and at query time.

    `mode` (INDEX or QUERY) lets a filter add recall terms only where they help.
    """

    def __init__(self, tokenizer: Tokenizer, *filters: Filter):
        self.parts: tuple = (tokenizer, *filters)

    def __call__(self, text: str, mode: str = INDEX) -> TokenStream:
        reject_unpaired_surrogates(text)
        tokens = self.parts[0](text, mode)
        for stage in self.parts[1:]:
            tokens = stage(tokens, mode)
        return tokens

    @property
    def stems_are_words(self) -> bool:
        """Whether its stems read as words: its tokenizer's (see Tokenizer.stems_are_words)."""
        return self.parts[0].stems_are_words

    def terms(self, text: str, mode: str = INDEX) -> list[str]:
        """Return just the terms, in order: what tests and query building want."""
        return [token.text for token in self(text, mode)]

    def __repr__(self) -> str:
        return " | ".join(type(part).__name__ for part in self.parts)


class MapFilter(Filter):
    """Replaces each token's text with `function(text)`, dropping tokens that become empty."""

    def __init__(self, function: Callable[[str], str]):
        self.function = function

    def __call__(self, tokens: Iterable[Token], mode: str = INDEX) -> TokenStream:
        function = self.function
        for token in tokens:
            token.text = function(token.text)
            if token.text:
                yield token
