"""Query-time stop words per language: Lucene's lists plus Setu's question words (see stopwords/README.md).

A query drops its stop words before matching, so "who is the mayor of Seoul?" is
matched on "mayor" and "Seoul"; the index keeps every word, for phrases and exact forms.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

STOPWORDS_DIR = Path(__file__).with_name("stopwords")
# Languages whose list is filed under another code (Snowball's Norwegian serves both).
LIST_ALIASES = {"no": "nb", "nn": "nb"}
_COMMENT = re.compile(r"[#|].*")


@cache
def stop_words(lang: str) -> frozenset[str]:
    """The raw stop words of a canonical language code (empty when it has no list).

    >>> "কে" in stop_words("bn") and "the" in stop_words("en")
    True
    """
    code = LIST_ALIASES.get(lang, lang)
    words: set[str] = set()
    for path in (STOPWORDS_DIR / f"{code}.txt", STOPWORDS_DIR / f"{code}.questions.txt"):
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                words.update(_COMMENT.sub("", line).split())
    return frozenset(words)
