"""The word a reader reads for an indexed term: a stem (heavi, villag, বৃষ্টিপ) shown as the shortest of its
language's words that analyze to it (heavy, village, বৃষ্টিপাত), its least inflected form.

A translated query is searched by the target index's terms, which are stems where its
analyzer stems; the page says what it searched for, and "Searched in English for: heavi"
reads as a typo. The words come from the generation's vocabulary (indexer.engine.vocabulary),
each candidate checked by the language's own analyzer, so a word is shown only if it
really is one of the term's forms.
"""

from __future__ import annotations

import weakref
from functools import lru_cache

from indexer.analysis import QUERY, word_forms
from indexer.engine.vocabulary import typed_form, vocabulary_of
from indexer.generations import per_index_set

# Words sharing a stem's start (its commonest) that are analyzed to find its forms: a stem's words are among
# its start's commonest (heav: heavy, heavily, heaven).
CANDIDATES_CHECKED = 20
# Terms whose word is remembered per index set: a query's translations repeat (Zipf), and a Korean check is
# a run of Kiwi.
WORDS_REMEMBERED = 1 << 14


def readable_word(index_set, lang: str, term: str) -> str:
    """The word shown for `term` of `lang`'s index: itself when some article writes it or the analyzer's stems are
    dictionary forms (Korean's 믿다), else the shortest (then commonest) word that analyzes to it, else the term
    as indexed."""
    return _readable_words(index_set)(lang, term)


class _ReadableWords:
    """One index set's readable words, remembered (its generation's vocabulary never changes); it refers to its
    index set weakly, as per_index_set asks."""

    def __init__(self, index_set):
        self._index_set = weakref.ref(index_set)
        self._word = lru_cache(maxsize=WORDS_REMEMBERED)(self._find)

    def __call__(self, lang: str, term: str) -> str:
        return self._word(lang, term)

    def _find(self, lang: str, term: str) -> str:
        index_set = self._index_set()
        vocabulary = vocabulary_of(index_set)
        analyzer = index_set.analyzer(lang)
        if len(term) < 2 or analyzer.stems_are_words or vocabulary.has(lang, term):
            return term
        candidates = vocabulary.completions(lang, typed_form(lang, term[:-1]), CANDIDATES_CHECKED)  # commonest first
        for word, _ in sorted(candidates, key=lambda candidate: len(candidate[0])):
            if term in word_forms(analyzer.tokens(word, QUERY)):
                return word
        return term


_readable_words = per_index_set(_ReadableWords)
