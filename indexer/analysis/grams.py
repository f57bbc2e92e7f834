"""Character bigrams as GRAM tokens, for recall in scripts written without spaces between words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from indexer.analysis.chain import GRAM, INDEX, WORD, Filter, Token, TokenStream

# Han, kana and Hangul: the characters whose bigrams stand in for words (as in Lucene's CJKAnalyzer).
_CJK_RUN = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]{2,}"
)


def cjk_bigrams(text: str) -> Iterator[str]:
    """Yield the overlapping character bigrams of every run of CJK characters in `text`.

    >>> list(cjk_bigrams("北京市 ab 首都"))
    ['北京', '京市', '首都']
    """
    for run in _CJK_RUN.finditer(text):
        chars = run.group()
        for index in range(len(chars) - 1):
            yield chars[index : index + 2]


class CjkBigramFilter(Filter):
    """Adds the bigrams of each CJK word as GRAM tokens, so 北京 also finds the word 北京市.

    A two-character word is its own only bigram and gets none: its WORD term already matches.
    Query words get their grams too, since the query side asks for all of a word's grams together.
    """

    def __call__(self, tokens: Iterable[Token], mode: str = INDEX) -> TokenStream:
        for token in tokens:
            yield token
            if token.role == WORD and len(token.text) > 2:
                for gram in cjk_bigrams(token.text):
                    yield Token(gram, token.pos, token.start, token.end, token.boost, GRAM)
